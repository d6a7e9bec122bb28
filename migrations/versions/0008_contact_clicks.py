"""contact clicks and the published report's PDF: contact_click, annual_report.pdf

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 15:12:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contact_click',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('phone', 'email', 'website', name='contact_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('clicked_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_contact_click_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_click'))
    )
    with op.batch_alter_table('contact_click', schema=None) as batch_op:
        batch_op.create_index('ix_contact_click_report', ['clicked_on', 'service_id', 'kind'], unique=False)
        batch_op.create_index('ix_contact_click_service_id', ['service_id'], unique=False)

    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.drop_column('pdf')

    with op.batch_alter_table('contact_click', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_click_service_id')
        batch_op.drop_index('ix_contact_click_report')

    op.drop_table('contact_click')
