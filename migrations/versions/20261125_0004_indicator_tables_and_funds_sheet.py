"""Indicator tables (tree of nodes, change history) and the funds sheet by county.

Reviewed by hand: timestamps are plain timezone-aware DateTime (the model's UTC type decorator
stores the same); funds and points are exact NUMERIC; the rules of a node (a leaf has both a type
and a rule, a link always names its campaign, shares add up to ten) are CHECK constraints; the
unique (table_id, node_key) constraint serves look-ups by table, so no separate index on table_id.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 18:19:55.792065

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('indicator_table',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('template_id', sa.String(length=64), nullable=False),
    sa.Column('template_version', sa.String(length=32), nullable=False),
    sa.Column('grades', sa.JSON(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_indicator_table_campaign_id_campaign'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_indicator_table_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_table')),
    sa.UniqueConstraint('key', name=op.f('uq_indicator_table_key'))
    )
    op.create_table('funds_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('standard', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('people_target', sa.Integer(), nullable=True),
    sa.Column('printed_funds', sa.Numeric(precision=16, scale=6), nullable=True),
    sa.Column('printed_people', sa.Integer(), nullable=True),
    sa.CheckConstraint('people_target IS NULL OR people_target > 0', name=op.f('ck_funds_sheet_people_target_positive')),
    sa.CheckConstraint('printed_funds IS NULL OR printed_funds >= 0', name=op.f('ck_funds_sheet_printed_funds_nonnegative')),
    sa.CheckConstraint('printed_people IS NULL OR printed_people >= 0', name=op.f('ck_funds_sheet_printed_people_nonnegative')),
    sa.CheckConstraint('standard > 0', name=op.f('ck_funds_sheet_standard_positive')),
    sa.ForeignKeyConstraint(['table_id'], ['indicator_table.id'], name=op.f('fk_funds_sheet_table_id_indicator_table'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funds_sheet')),
    sa.UniqueConstraint('table_id', name=op.f('uq_funds_sheet_table_id'))
    )
    op.create_table('indicator_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('node_key', sa.String(length=64), nullable=True),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['table_id'], ['indicator_table.id'], name=op.f('fk_indicator_change_table_id_indicator_table'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_indicator_change_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_change'))
    )
    with op.batch_alter_table('indicator_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_change_table_id'), ['table_id'], unique=False)

    op.create_table('indicator_node',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_id', sa.Integer(), nullable=False),
    sa.Column('node_key', sa.String(length=64), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('points', sa.Numeric(precision=8, scale=4), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=True),
    sa.Column('rule', sa.String(length=16), nullable=True),
    sa.Column('target', sa.String(length=100), nullable=True),
    sa.Column('actual', sa.Numeric(precision=20, scale=6), nullable=True),
    sa.Column('actual_unit', sa.String(length=32), nullable=True),
    sa.Column('band', sa.String(length=32), nullable=True),
    sa.Column('percent', sa.Numeric(precision=7, scale=4), nullable=True),
    sa.Column('bands', sa.JSON(), nullable=True),
    sa.Column('manual_score', sa.Numeric(precision=8, scale=4), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('example', sa.Boolean(), nullable=False),
    sa.Column('link', sa.String(length=32), nullable=False),
    sa.Column('link_campaign_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(link = 'none') = (link_campaign_id IS NULL)", name=op.f('ck_indicator_node_link_has_campaign')),
    sa.CheckConstraint("link IN ('none', 'campaign_score', 'campaign_satisfaction_rate', 'campaign_responses')", name=op.f('ck_indicator_node_link_known')),
    sa.CheckConstraint("rule IS NULL OR rule IN ('target', 'proportional', 'inverse', 'banded', 'manual')", name=op.f('ck_indicator_node_rule_known')),
    sa.CheckConstraint("type IS NULL OR type IN ('quantity', 'quality', 'timeliness', 'cost', 'benefit', 'satisfaction', 'qualitative')", name=op.f('ck_indicator_node_type_known')),
    sa.CheckConstraint('(type IS NULL) = (rule IS NULL)', name=op.f('ck_indicator_node_leaf_has_type_and_rule')),
    sa.CheckConstraint('actual IS NULL OR actual >= 0', name=op.f('ck_indicator_node_actual_nonnegative')),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_indicator_node_level_range')),
    sa.CheckConstraint('manual_score IS NULL OR manual_score >= 0', name=op.f('ck_indicator_node_manual_score_nonnegative')),
    sa.CheckConstraint('percent IS NULL OR (percent >= 0 AND percent <= 100)', name=op.f('ck_indicator_node_percent_range')),
    sa.CheckConstraint('points > 0', name=op.f('ck_indicator_node_points_positive')),
    sa.ForeignKeyConstraint(['link_campaign_id'], ['campaign.id'], name=op.f('fk_indicator_node_link_campaign_id_campaign'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['parent_id'], ['indicator_node.id'], name=op.f('fk_indicator_node_parent_id_indicator_node'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['table_id'], ['indicator_table.id'], name=op.f('fk_indicator_node_table_id_indicator_table'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_node')),
    sa.UniqueConstraint('table_id', 'node_key', name=op.f('uq_indicator_node_table_id_node_key'))
    )
    with op.batch_alter_table('indicator_node', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_node_link_campaign_id'), ['link_campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_node_parent_id'), ['parent_id'], unique=False)

    op.create_table('funds_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('county', sa.String(length=100), nullable=False),
    sa.Column('funds', sa.Numeric(precision=16, scale=6), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('city_share', sa.Integer(), nullable=False),
    sa.Column('county_share', sa.Integer(), nullable=False),
    sa.CheckConstraint('city_share + county_share = 10', name=op.f('ck_funds_row_shares_sum_to_ten')),
    sa.CheckConstraint('city_share BETWEEN 0 AND 10 AND county_share BETWEEN 0 AND 10', name=op.f('ck_funds_row_share_range')),
    sa.CheckConstraint('funds >= 0', name=op.f('ck_funds_row_funds_nonnegative')),
    sa.CheckConstraint('people >= 0', name=op.f('ck_funds_row_people_nonnegative')),
    sa.ForeignKeyConstraint(['sheet_id'], ['funds_sheet.id'], name=op.f('fk_funds_row_sheet_id_funds_sheet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funds_row')),
    sa.UniqueConstraint('sheet_id', 'county', name=op.f('uq_funds_row_sheet_id_county'))
    )


def downgrade() -> None:
    op.drop_table('funds_row')
    with op.batch_alter_table('indicator_node', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_node_parent_id'))
        batch_op.drop_index(batch_op.f('ix_indicator_node_link_campaign_id'))

    op.drop_table('indicator_node')
    with op.batch_alter_table('indicator_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_change_table_id'))

    op.drop_table('indicator_change')
    op.drop_table('funds_sheet')
    op.drop_table('indicator_table')
