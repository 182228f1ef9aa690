"""Funds rows point to the area tree; the cost share is stored once, on the county.

Reviewed by hand. ``funds_row`` named its county as free text and repeated the county's cost
share in tenths (``city_share``, ``county_share``), which the area tree already holds
(``area.city_share``, a fraction: 0.5 for 5:5). After this migration a row has ``area_id``, a
foreign key to its county, and no share of its own.

Upgrade, row by row: the county is the county-level area of the same name; where there is none
(a sheet typed in before the tree had it), such an area is made below the city, with the row's
share. A county without a share takes its first row's. Where a row's share differed from its
county's, the county's share stands (the funds findings then compare against it).

Downgrade puts the county name and the shares in tenths back from the area; areas the upgrade
made are left in place (they may have been used since).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

area = sa.table(
    "area",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("level", sa.String),
    sa.column("parent_id", sa.Integer),
    sa.column("city_share", sa.Numeric(4, 3)),
)
funds_row = sa.table(
    "funds_row",
    sa.column("id", sa.Integer),
    sa.column("area_id", sa.Integer),
    sa.column("county", sa.String),
    sa.column("city_share", sa.Integer),
    sa.column("county_share", sa.Integer),
)


def _county_for(connection: sa.Connection, name: str, tenths: int) -> int:
    found = connection.execute(
        sa.select(area.c.id, area.c.city_share).where(area.c.level == "county", area.c.name == name)
    ).first()
    if found is not None:
        if found.city_share is None:
            connection.execute(area.update().where(area.c.id == found.id).values(city_share=tenths / 10))
        return int(found.id)
    root = connection.execute(sa.select(area.c.id).where(area.c.parent_id.is_(None)).limit(1)).scalar()
    code = f"FUNDS-{name}"[:32]
    connection.execute(
        area.insert().values(code=code, name=name, level="county", parent_id=root, city_share=tenths / 10)
    )
    return int(connection.execute(sa.select(area.c.id).where(area.c.code == code)).scalar_one())


def upgrade() -> None:
    with op.batch_alter_table("funds_row", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(funds_row.c.id, funds_row.c.county, funds_row.c.city_share).order_by(funds_row.c.id)
    ).all()
    for row in rows:
        area_id = _county_for(connection, row.county, row.city_share)
        connection.execute(funds_row.update().where(funds_row.c.id == row.id).values(area_id=area_id))
    with op.batch_alter_table("funds_row", schema=None) as batch_op:
        batch_op.alter_column("area_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_funds_row_sheet_id_county"), type_="unique")
        batch_op.drop_constraint(batch_op.f("ck_funds_row_shares_sum_to_ten"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_funds_row_share_range"), type_="check")
        batch_op.drop_column("county")
        batch_op.drop_column("city_share")
        batch_op.drop_column("county_share")
        batch_op.create_foreign_key(
            batch_op.f("fk_funds_row_area_id_area"), "area", ["area_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_funds_row_sheet_id_area_id"), ["sheet_id", "area_id"]
        )
        batch_op.create_index(batch_op.f("ix_funds_row_area_id"), ["area_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("funds_row", schema=None) as batch_op:
        batch_op.add_column(sa.Column("county", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("city_share", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("county_share", sa.Integer(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(funds_row.c.id, area.c.name, area.c.city_share).join(area, area.c.id == funds_row.c.area_id)
    ).all()
    for row in rows:
        city = round(float(row.city_share or 0) * 10)
        connection.execute(
            funds_row.update()
            .where(funds_row.c.id == row.id)
            .values(county=row.name, city_share=city, county_share=10 - city)
        )
    with op.batch_alter_table("funds_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funds_row_area_id"))
        batch_op.drop_constraint(batch_op.f("uq_funds_row_sheet_id_area_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_funds_row_area_id_area"), type_="foreignkey")
        batch_op.drop_column("area_id")
        batch_op.alter_column("county", existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column("city_share", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("county_share", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_funds_row_sheet_id_county"), ["sheet_id", "county"])
        batch_op.create_check_constraint(
            batch_op.f("ck_funds_row_share_range"),
            "city_share BETWEEN 0 AND 10 AND county_share BETWEEN 0 AND 10",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_funds_row_shares_sum_to_ten"), "city_share + county_share = 10"
        )
