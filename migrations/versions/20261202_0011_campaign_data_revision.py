"""A campaign's data revision: counts changes to its stored responses other than new ones.

Reviewed by hand. The evaluator's page keeps the campaign's aggregates (counts per question and
option, per group, per respondent) keyed on the number of responses, the highest response id and
this revision; an excluded, restored, corrected or deleted response raises it, so nothing kept
outlives a change. Existing campaigns start at 0.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("data_revision")
