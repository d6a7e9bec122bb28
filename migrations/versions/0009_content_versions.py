"""content versions: content_version and the triggers that bump it

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 18:30:00.000000

Every insert, update or delete on taxonomy and taxonomy_term bumps the 'vocabulary' counter,
and on glossary_term the 'glossary' counter, in the same transaction as the write. Triggers
rather than ORM events, so bulk Core statements, raw SQL, the seed loader and other processes
are counted too.

SQLite has only row triggers: one per table and event. PostgreSQL gets one function per counter
and one statement trigger per table (a bulk statement bumps once).

Beware: on SQLite, batch_alter_table on any of these three tables rebuilds the table and drops
its triggers. A later migration that does so must create them again (the tests in
tests/test_content_versions.py fail if a trigger is missing).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# Which counter each table's writes bump.
COUNTED_TABLES = {
    'taxonomy': 'vocabulary',
    'taxonomy_term': 'vocabulary',
    'glossary_term': 'glossary',
}
SQLITE_EVENTS = ('insert', 'update', 'delete')


def _sqlite_trigger(table, event):
    return f'{table}_bumps_version_on_{event}'


def _postgresql_function(counter):
    return f'bump_{counter}_version'


def upgrade():
    content_version = op.create_table('content_version',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_content_version'))
    )
    op.bulk_insert(content_version, [
        {'name': 'vocabulary', 'version': 0},
        {'name': 'glossary', 'version': 0},
    ])

    if op.get_bind().dialect.name == 'postgresql':
        for counter in sorted(set(COUNTED_TABLES.values())):
            op.execute(
                f"CREATE FUNCTION {_postgresql_function(counter)}() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                f"UPDATE content_version SET version = version + 1 WHERE name = '{counter}'; "
                "RETURN NULL; END $$"
            )
        for table, counter in COUNTED_TABLES.items():
            op.execute(
                f"CREATE TRIGGER {table}_bumps_version "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_postgresql_function(counter)}()"
            )
    else:
        for table, counter in COUNTED_TABLES.items():
            for event in SQLITE_EVENTS:
                op.execute(
                    f"CREATE TRIGGER {_sqlite_trigger(table, event)} "
                    f"AFTER {event.upper()} ON {table} BEGIN "
                    f"UPDATE content_version SET version = version + 1 WHERE name = '{counter}'; "
                    "END"
                )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in COUNTED_TABLES:
            op.execute(f"DROP TRIGGER {table}_bumps_version ON {table}")
        for counter in sorted(set(COUNTED_TABLES.values())):
            op.execute(f"DROP FUNCTION {_postgresql_function(counter)}()")
    else:
        for table in COUNTED_TABLES:
            for event in SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER {_sqlite_trigger(table, event)}")

    op.drop_table('content_version')
