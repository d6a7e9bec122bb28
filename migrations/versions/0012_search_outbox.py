"""search outbox: search_outbox, one row for each committed change a search document shows

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 07:10:00

Each index applies the rows after its own progress (kept with the index), so an index that was
locked, killed or on another machine catches up. Existing indexes are checked against the
database by their documents' fingerprints at the next start-up.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('collection', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('key', sa.Integer(), nullable=False),
    sa.Column('noted_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox')),
    sqlite_autoincrement=True,
    )
    op.create_index('ix_search_outbox_collection_id', 'search_outbox', ['collection', 'id'], unique=False)
    op.create_index('ix_search_outbox_noted_at', 'search_outbox', ['noted_at'], unique=False)


def downgrade():
    op.drop_index('ix_search_outbox_noted_at', table_name='search_outbox')
    op.drop_index('ix_search_outbox_collection_id', table_name='search_outbox')
    op.drop_table('search_outbox')
