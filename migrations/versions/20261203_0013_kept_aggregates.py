"""Kept aggregates: a campaign's aggregate query results, stored for every worker and restart.

Reviewed by hand. The evaluator's page keeps each aggregate query's rows under the campaign's
reading (response count, highest response id, data revision); until now only in each process's
memory, so every worker and every restart computed a large campaign's page from scratch. This
table holds the same rows, written in the transaction of the page that computed them (so they
exist only if the data they were computed from was committed). Nothing is migrated: the table
starts empty and fills as pages are viewed. Deleting a campaign deletes its rows.

It also indexes a campaign's excluded responses (``campaign_id``, ``excluded_at``): the page lists
and counts them on every view, which read every response of the campaign without it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kept_aggregate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("query_key", sa.String(length=64), nullable=False),
        sa.Column("response_count", sa.BigInteger(), nullable=False),
        sa.Column("highest_response", sa.BigInteger(), nullable=False),
        sa.Column("data_revision", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name="fk_kept_aggregate_campaign_id_campaign", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_kept_aggregate"),
        sa.UniqueConstraint("campaign_id", "query_key", name="uq_kept_aggregate_campaign_id_query_key"),
    )
    with op.batch_alter_table("kept_aggregate", schema=None) as batch_op:
        batch_op.create_index("ix_kept_aggregate_campaign_id", ["campaign_id"], unique=False)
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index("ix_response_campaign_excluded", ["campaign_id", "excluded_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_campaign_excluded")
    with op.batch_alter_table("kept_aggregate", schema=None) as batch_op:
        batch_op.drop_index("ix_kept_aggregate_campaign_id")
    op.drop_table("kept_aggregate")
