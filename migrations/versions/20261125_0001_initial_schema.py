"""Initial schema: questionnaires, campaigns, responses, areas, accounts, weight schemes.

Reviewed by hand: timestamps are plain timezone-aware DateTime (the model's UTC type decorator
stores the same), ids of the two large tables are 64-bit on PostgreSQL.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 18:03:43.702127

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("level IN ('city', 'county', 'township', 'village')", name=op.f('ck_area_level_known')),
    sa.ForeignKeyConstraint(['parent_id'], ['area.id'], name=op.f('fk_area_parent_id_area'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
    sa.UniqueConstraint('code', name=op.f('uq_area_code'))
    )
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_parent_id'), ['parent_id'], unique=False)

    op.create_table('questionnaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire')),
    sa.UniqueConstraint('key', name=op.f('uq_questionnaire_key'))
    )
    op.create_table('weight_scheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weight_scheme')),
    sa.UniqueConstraint('key', name=op.f('uq_weight_scheme_key'))
    )
    op.create_table('questionnaire_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('version >= 1', name=op.f('ck_questionnaire_version_version_positive')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_questionnaire_version_questionnaire_id_questionnaire'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_version')),
    sa.UniqueConstraint('questionnaire_id', 'version', name=op.f('uq_questionnaire_version_questionnaire_id_version'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'evaluator', 'field_staff')", name=op.f('ck_user_account_role_known')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_user_account_area_id_area'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_table('weight_scheme_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weight_scheme_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('weight', sa.Numeric(precision=6, scale=4), nullable=False),
    sa.CheckConstraint('weight >= 0 AND weight <= 1', name=op.f('ck_weight_scheme_entry_weight_range')),
    sa.ForeignKeyConstraint(['weight_scheme_id'], ['weight_scheme.id'], name=op.f('fk_weight_scheme_entry_weight_scheme_id_weight_scheme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weight_scheme_entry')),
    sa.UniqueConstraint('weight_scheme_id', 'code', name=op.f('uq_weight_scheme_entry_weight_scheme_id_code'))
    )
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('target_responses', sa.Integer(), nullable=True),
    sa.Column('population_size', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('weight_scheme_id', sa.Integer(), nullable=True),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_campaign_status_known')),
    sa.CheckConstraint('population_size IS NULL OR population_size > 0', name=op.f('ck_campaign_population_positive')),
    sa.CheckConstraint('target_responses IS NULL OR target_responses > 0', name=op.f('ck_campaign_target_positive')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_campaign_area_id_area'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_version.id'], name=op.f('fk_campaign_questionnaire_version_id_questionnaire_version'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['weight_scheme_id'], ['weight_scheme.id'], name=op.f('fk_campaign_weight_scheme_id_weight_scheme'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    sa.UniqueConstraint('slug', name=op.f('uq_campaign_slug'))
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_questionnaire_version_id'), ['questionnaire_version_id'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('points', sa.Numeric(precision=8, scale=4), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.CheckConstraint('points >= 0', name=op.f('ck_question_points_nonnegative')),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_version.id'], name=op.f('fk_question_questionnaire_version_id_questionnaire_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question')),
    sa.UniqueConstraint('questionnaire_version_id', 'number', name=op.f('uq_question_questionnaire_version_id_number'))
    )
    op.create_table('scale_option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('weight', sa.Numeric(precision=6, scale=4), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('satisfied', sa.Boolean(), nullable=True),
    sa.CheckConstraint('weight >= 0 AND weight <= 1', name=op.f('ck_scale_option_weight_range')),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_version.id'], name=op.f('fk_scale_option_questionnaire_version_id_questionnaire_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scale_option')),
    sa.UniqueConstraint('questionnaire_version_id', 'code', name=op.f('uq_scale_option_questionnaire_version_id_code')),
    sa.UniqueConstraint('questionnaire_version_id', 'position', name=op.f('uq_scale_option_questionnaire_version_id_position'))
    )
    op.create_table('response',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("channel IN ('qr', 'interview', 'paper', 'import')", name=op.f('ck_response_channel_known')),
    sa.CheckConstraint("mode IS NULL OR mode IN ('self', 'read_aloud', 'proxy')", name=op.f('ck_response_mode_known')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_response_area_id_area'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_response_campaign_id_campaign'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], name=op.f('fk_response_entered_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_version.id'], name=op.f('fk_response_questionnaire_version_id_questionnaire_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response')),
    sa.UniqueConstraint('campaign_id', 'submission_id', name=op.f('uq_response_campaign_id_submission_id'))
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_area_id'), ['area_id'], unique=False)
        batch_op.create_index('ix_response_campaign_submitted', ['campaign_id', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_entered_by_id'), ['entered_by_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('response_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_answer_campaign_id_campaign'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['option_id'], ['scale_option.id'], name=op.f('fk_answer_option_id_scale_option'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_answer_question_id_question'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_answer_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('response_id', 'question_id', name=op.f('uq_answer_response_id_question_id'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index('ix_answer_campaign_question_option', ['campaign_id', 'question_id', 'option_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_campaign_question_option')

    op.drop_table('answer')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_entered_by_id'))
        batch_op.drop_index('ix_response_campaign_submitted')
        batch_op.drop_index(batch_op.f('ix_response_area_id'))

    op.drop_table('response')
    op.drop_table('scale_option')
    op.drop_table('question')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_questionnaire_version_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_area_id'))

    op.drop_table('campaign')
    op.drop_table('weight_scheme_entry')
    op.drop_table('user_account')
    op.drop_table('questionnaire_version')
    op.drop_table('weight_scheme')
    op.drop_table('questionnaire')
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_parent_id'))

    op.drop_table('area')
