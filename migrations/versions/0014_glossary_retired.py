"""glossary retired: glossary_term.retired_at and glossary_term.version

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 09:00:00

Officers keep the glossary at /manage/glossary. A retired entry keeps its row and history but
leaves the thesaurus and the public glossary (retired_at); the edit form carries the entry's
version, so an edit made from a form opened before someone else's change is refused.

Plain ADD COLUMN and DROP COLUMN, never batch_alter_table: on SQLite a batch rebuilds the
table and drops the triggers migration 0009 put on glossary_term.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('glossary_term', sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('glossary_term', sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    op.drop_column('glossary_term', 'version')
    op.drop_column('glossary_term', 'retired_at')
