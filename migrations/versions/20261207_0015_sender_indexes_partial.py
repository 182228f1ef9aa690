"""The sender limits' indexes hold only the responses that have a sender: partial indexes.

Reviewed by hand. The public form's insert counts the campaign's responses from the sending
phone (``device_id``) and from the sending address (``address_hash``). Each count has its own
index, but on PostgreSQL a statement's generic plan (the one kept for a prepared statement) is
made when the connection has run it a few times, often while the table is still small and has
no statistics: every index that starts with ``campaign_id`` then costs the same, and the planner
took the newest one (``ix_response_campaign_excluded``), which cannot look up a phone, so each
submission read all of its campaign's responses. Made partial (``WHERE device_id IS NOT NULL``,
``WHERE address_hash IS NOT NULL``), each index can serve only the queries that name its column
(an equality on the column implies it is not null): neither count can take the other's index
or the exclusion index. The other candidates (the unique submission id, the submission time) are
older, and on a tie the planner keeps the newer index, recreated here; a test reads both plans
on a table without statistics. Responses entered by staff or imported have neither column and
are no longer in these indexes at all.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_DEVICE = ("ix_response_campaign_device", ["campaign_id", "device_id"], "device_id IS NOT NULL")
_ADDRESS = (
    "ix_response_campaign_address",
    ["campaign_id", "address_hash", "received_at"],
    "address_hash IS NOT NULL",
)


def upgrade() -> None:
    for name, columns, where in (_DEVICE, _ADDRESS):
        op.drop_index(name, table_name="response")
        op.create_index(
            name,
            "response",
            columns,
            unique=False,
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )


def downgrade() -> None:
    for name, columns, _where in (_ADDRESS, _DEVICE):
        op.drop_index(name, table_name="response")
        op.create_index(name, "response", columns, unique=False)
