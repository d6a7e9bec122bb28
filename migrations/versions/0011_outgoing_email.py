"""outgoing email: outgoing_email, the queue of emails waiting to be sent or retried

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 03:54:06.177717

Password reset and invitation rows store no subject or body (a check constraint holds it):
they are composed again, with a new link, when sent.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outgoing_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('message', 'password_reset', 'invitation', name='email_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.CheckConstraint("(kind = 'message') = (subject IS NOT NULL AND body IS NOT NULL)", name=op.f('ck_outgoing_email_only_messages_store_text')),
    sa.CheckConstraint("kind <> 'invitation' OR invitation_id IS NOT NULL", name=op.f('ck_outgoing_email_invitation_has_invitation')),
    sa.CheckConstraint("kind <> 'password_reset' OR user_id IS NOT NULL", name=op.f('ck_outgoing_email_password_reset_has_user')),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_outgoing_email_invitation_id_invitation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_outgoing_email_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_email'))
    )
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_email_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_email_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_email_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('outgoing_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_email_user_id'))
        batch_op.drop_index(batch_op.f('ix_outgoing_email_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_outgoing_email_invitation_id'))

    op.drop_table('outgoing_email')
