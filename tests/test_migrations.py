"""The migrations build, from empty, exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from localoffer.extensions import db
from localoffer.models import Base
from tests.conftest import PROJECT_ROOT


def _differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, Base.metadata)


def test_migrations_from_empty_match_the_models(empty_app):
    assert _differences() == []


def test_migrations_create_every_model_table(empty_app):
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_downgrade_to_empty_and_back(empty_app):
    migrations = str(PROJECT_ROOT / "migrations")
    downgrade(directory=migrations, revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade(directory=migrations)
    assert _differences() == []
