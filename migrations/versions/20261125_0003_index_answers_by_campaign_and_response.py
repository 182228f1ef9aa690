"""Index answers by campaign and response, for per-response sums and streamed exports.

The score's confidence interval sums each response's weighted answers (``GROUP BY response_id``
within a campaign), and the XLSX/CSV exports read a campaign's answers response by response. A
covering index on (campaign_id, response_id, question_id, option_id) serves both in index order,
without a sort and without reading the table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_answer_campaign_response",
            ["campaign_id", "response_id", "question_id", "option_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_index("ix_answer_campaign_response")
