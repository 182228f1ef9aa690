"""The area boundary everywhere, and sessions that end everywhere.

Indicator tables and audit events get an area (None: the whole city), so county users see only
their reach's; accounts get a session epoch, raised on sign-out and when an account is disabled,
which ends every copy of an older session.

Reviewed by hand: the new columns are nullable (existing tables and events stay city-wide, which
county users never saw anyway) or have a server default (existing accounts start at epoch 0, so
nobody is signed out by the upgrade). On SQLite, batch mode may rebuild ``audit_event``, which
drops its triggers: the guard that refuses UPDATE and DELETE is dropped first and made again
afterwards on both databases, so the audit log is never left unguarded.

Revision ID: 0005
Revises: 0008
Create Date: 2026-12-02 04:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0008'
branch_labels = None
depends_on = None

REFUSE = "audit events cannot be changed or deleted"


def _drop_audit_guard() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def _create_audit_guard() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"
            )
    # PostgreSQL alters the table in place: its trigger (from 0002) stays as it is.


def upgrade() -> None:
    with op.batch_alter_table('indicator_table', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_indicator_table_area_id'), ['area_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_indicator_table_area_id_area'), 'area', ['area_id'], ['id'], ondelete='RESTRICT'
        )
    _drop_audit_guard()
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_event_area_id'), ['area_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_audit_event_area_id_area'), 'area', ['area_id'], ['id'], ondelete='RESTRICT'
        )
    _create_audit_guard()
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
    _drop_audit_guard()
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_event_area_id_area'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_event_area_id'))
        batch_op.drop_column('area_id')
    _create_audit_guard()
    with op.batch_alter_table('indicator_table', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_indicator_table_area_id_area'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_indicator_table_area_id'))
        batch_op.drop_column('area_id')
