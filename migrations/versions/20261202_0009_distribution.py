"""Distribution: rosters, sample draws, personal codes and their use; who may answer a campaign.

Reviewed by hand: timestamps are plain timezone-aware DateTime (the model's UTC type decorator
stores the same); the ID number never has a column, only its keyed hash does; name and phone are
encrypted bytes; a code's single use is the unique constraint on code_use.personal_code_id; the
campaign's new access column gets a server default, so existing campaigns stay open to anyone.

Revision ID: 0009
Revises: 0004
Create Date: 2026-12-02 04:30:57.106407

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('roster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('keeps_contacts', sa.Boolean(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_roster_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user_account.id'], name=op.f('fk_roster_imported_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster')),
    sa.UniqueConstraint('campaign_id', name=op.f('uq_roster_campaign_id'))
    )
    op.create_table('roster_person',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('roster_id', sa.Integer(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('township', sa.String(length=100), nullable=True),
    sa.Column('village', sa.String(length=100), nullable=True),
    sa.Column('name_secret', sa.LargeBinary(), nullable=True),
    sa.Column('phone_secret', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['county_id'], ['area.id'], name=op.f('fk_roster_person_county_id_area'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['roster_id'], ['roster.id'], name=op.f('fk_roster_person_roster_id_roster'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_person')),
    sa.UniqueConstraint('roster_id', 'id_hash', name=op.f('uq_roster_person_roster_id_id_hash'))
    )
    with op.batch_alter_table('roster_person', schema=None) as batch_op:
        batch_op.create_index('ix_roster_person_roster_county', ['roster_id', 'county_id'], unique=False)

    op.create_table('sample_draw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roster_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('per_stratum', sa.Integer(), nullable=True),
    sa.Column('fraction', sa.Float(), nullable=True),
    sa.Column('by_township', sa.Boolean(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(per_stratum IS NULL) <> (fraction IS NULL)', name=op.f('ck_sample_draw_one_rule')),
    sa.CheckConstraint('fraction IS NULL OR (fraction > 0 AND fraction <= 1)', name=op.f('ck_sample_draw_fraction_range')),
    sa.CheckConstraint('per_stratum IS NULL OR per_stratum > 0', name=op.f('ck_sample_draw_per_stratum_positive')),
    sa.CheckConstraint('seed >= 0', name=op.f('ck_sample_draw_seed_positive')),
    sa.ForeignKeyConstraint(['roster_id'], ['roster.id'], name=op.f('fk_sample_draw_roster_id_roster'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sample_draw')),
    sa.UniqueConstraint('roster_id', name=op.f('uq_sample_draw_roster_id'))
    )
    op.create_table('personal_code',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('roster_person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_personal_code_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['roster_person_id'], ['roster_person.id'], name=op.f('fk_personal_code_roster_person_id_roster_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_code')),
    sa.UniqueConstraint('code', name=op.f('uq_personal_code_code')),
    sa.UniqueConstraint('roster_person_id', name=op.f('uq_personal_code_roster_person_id'))
    )
    with op.batch_alter_table('personal_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_code_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('code_use',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('personal_code_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('response_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['personal_code_id'], ['personal_code.id'], name=op.f('fk_code_use_personal_code_id_personal_code'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_code_use_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_use')),
    sa.UniqueConstraint('personal_code_id', name=op.f('uq_code_use_personal_code_id')),
    sa.UniqueConstraint('response_id', name=op.f('uq_code_use_response_id'))
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access', sa.String(length=8), server_default='anyone', nullable=False))
        batch_op.create_check_constraint(op.f('ck_campaign_access_known'), "access IN ('anyone', 'code', 'both')")



def downgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_campaign_access_known'), type_='check')
        batch_op.drop_column('access')

    op.drop_table('code_use')
    with op.batch_alter_table('personal_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_code_campaign_id'))

    op.drop_table('personal_code')
    op.drop_table('sample_draw')
    with op.batch_alter_table('roster_person', schema=None) as batch_op:
        batch_op.drop_index('ix_roster_person_roster_county')

    op.drop_table('roster_person')
    op.drop_table('roster')
