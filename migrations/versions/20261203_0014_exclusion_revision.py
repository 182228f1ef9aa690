"""A campaign's exclusion revision, apart from its data revision.

Reviewed by hand. Excluding or restoring a response changes which responses a statistics table
counts, not what any response answered. It now raises this revision instead of the data
revision, so the aggregates kept over all of a campaign's responses (which never look at
exclusions) stay valid, and only the small aggregates over its excluded responses are computed
again. Kept aggregates record the exclusion revision they were computed at. Existing rows start
at 0.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exclusion_revision", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("kept_aggregate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exclusion_revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # Kept rows were computed under the split revisions: drop them, they are computed again.
    op.execute("DELETE FROM kept_aggregate")
    with op.batch_alter_table("kept_aggregate", schema=None) as batch_op:
        batch_op.drop_column("exclusion_revision")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("exclusion_revision")
