"""Ballot checks on the public form, how long the form was open, and excluded responses.

Reviewed by hand. Campaigns get a per-phone and a per-address-per-day limit; campaigns that
existed before get the same generous defaults as new ones (10 per phone, 500 per address in 24
hours), so a deployment upgraded in the middle of a campaign is protected at once. Responses get
the seconds the form was open, a keyed hash of the sender's address (never the address), the
phone's cookie id, and the three columns that record an evaluator leaving a response out.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = '0005'
branch_labels = None
depends_on = None

DEFAULT_DEVICE_LIMIT = 10
DEFAULT_ADDRESS_DAILY_LIMIT = 500


def upgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_limit", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("address_daily_limit", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("device_limit_positive", "device_limit IS NULL OR device_limit > 0")
        batch_op.create_check_constraint(
            "address_daily_limit_positive", "address_daily_limit IS NULL OR address_daily_limit > 0"
        )
    op.execute(
        f"UPDATE campaign SET device_limit = {DEFAULT_DEVICE_LIMIT}, "
        f"address_daily_limit = {DEFAULT_ADDRESS_DAILY_LIMIT}"
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("address_hash", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("device_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("excluded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("excluded_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("excluded_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_response_excluded_by_id_user_account"),
            "user_account",
            ["excluded_by_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_check_constraint("form_seconds_positive", "form_seconds IS NULL OR form_seconds >= 0")
        batch_op.create_check_constraint(
            "excluded_with_reason", "(excluded_at IS NULL) = (excluded_reason IS NULL)"
        )
        batch_op.create_index(
            "ix_response_campaign_address", ["campaign_id", "address_hash", "received_at"], unique=False
        )
        batch_op.create_index("ix_response_campaign_device", ["campaign_id", "device_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_campaign_device")
        batch_op.drop_index("ix_response_campaign_address")
        batch_op.drop_constraint("excluded_with_reason", type_="check")
        batch_op.drop_constraint("form_seconds_positive", type_="check")
        batch_op.drop_constraint(batch_op.f("fk_response_excluded_by_id_user_account"), type_="foreignkey")
        for column in ("excluded_by_id", "excluded_reason", "excluded_at", "device_id", "address_hash"):
            batch_op.drop_column(column)
        batch_op.drop_column("form_seconds")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_constraint("address_daily_limit_positive", type_="check")
        batch_op.drop_constraint("device_limit_positive", type_="check")
        batch_op.drop_column("address_daily_limit")
        batch_op.drop_column("device_limit")
