"""listing management: drafts, versions on organisations and locations, providers' proposals

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:50:57.276868

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('change_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('edit', 'new', 'closure', name='change_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='change_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('proposed', sa.JSON(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind = 'new' OR service_id IS NOT NULL", name=op.f('ck_change_request_change_names_its_service')),
    sa.CheckConstraint("status <> 'rejected' OR decision_reason <> ''", name=op.f('ck_change_request_rejection_has_a_reason')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_change_request_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_change_request_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_change_request_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_change_request_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_request'))
    )
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_request_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_request_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_request_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_request_status'), ['status'], unique=False)

    # Existing rows start at version 1; the default is dropped so the model sets it.
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.alter_column('version', server_default=None)

    # Existing rows start at version 1; the default is dropped so the model sets it.
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.alter_column('version', server_default=None)

    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_reminder_sent_on', sa.Date(), nullable=True))
    # Listings that existed before drafts were public: they count as published when created.
    op.execute("UPDATE service SET published_at = created_at")



def downgrade():
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_column('review_reminder_sent_on')
        batch_op.drop_column('published_at')

    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_request_status'))
        batch_op.drop_index(batch_op.f('ix_change_request_service_id'))
        batch_op.drop_index(batch_op.f('ix_change_request_organization_id'))
        batch_op.drop_index(batch_op.f('ix_change_request_created_by_id'))

    op.drop_table('change_request')
