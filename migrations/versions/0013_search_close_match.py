"""search close match: search_event.close_match, whether any result matched the words well

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 10:50:00

Searches logged before this revision have no value (NULL): whether they found a close match
was not known then.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_event') as batch_op:
        batch_op.add_column(sa.Column('close_match', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('search_event') as batch_op:
        batch_op.drop_column('close_match')
