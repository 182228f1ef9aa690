"""What an uploaded questionnaire file held that is not asked, kept with its version.

Reviewed by hand: one nullable JSON column on ``questionnaire_version``, ``[[name, type], ...]``
of the rows left out (ODK device metadata such as ``today``), so the preview states them for as
long as the version exists, not only once at upload. Existing versions get NULL (nothing
recorded); the downgrade drops the column.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_out", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("questionnaire_version", schema=None) as batch_op:
        batch_op.drop_column("left_out")
