"""The migrations build exactly the models' schema, up and down, on SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import TestingConfig
from scheduler import create_app
from scheduler.extensions import db


def _app_for(url):
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    return create_app({**config, "SQLALCHEMY_DATABASE_URI": url})


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        # The same filter as `flask db migrate` (tables made by hand, e.g. the FTS5 index).
        include_name = app.extensions["migrate"].configure_args["include_name"]
        opts = {"compare_type": True, "include_name": include_name}
        context = MigrationContext.configure(connection, opts=opts)
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_upgrade_from_empty_and_downgrade_to_base(scratch_database_url):
    app = _app_for(scratch_database_url)
    with app.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"users", "partners", "contacts", "audit_log", "limit_hits"} <= tables
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "contacts" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
