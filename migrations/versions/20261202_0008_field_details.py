"""Field details of interviews and paper sheets: the interview note and the sheet's serial number.

Reviewed by hand: one row per response (its primary key is the response's id, deleted with it);
the campaign is repeated so a sheet's serial number is unique within its campaign (several NULL
serials, one per interview, do not collide on SQLite or PostgreSQL).

Revision ID: 0008
Revises: 0009
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_detail",
        sa.Column("response_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sheet_serial", sa.String(length=32), nullable=True),
        sa.Column("batch", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "sheet_serial IS NULL OR length(sheet_serial) > 0", name=op.f("ck_field_detail_serial_not_empty")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_field_detail_campaign_id_campaign"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_field_detail_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_field_detail")),
        sa.UniqueConstraint(
            "campaign_id", "sheet_serial", name=op.f("uq_field_detail_campaign_id_sheet_serial")
        ),
    )


def downgrade() -> None:
    op.drop_table("field_detail")
