"""The migrations build the schema the models describe, on both engines."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from tracker.extensions import db as _db
from tracker.search.models import is_search_index


def test_upgrade_on_an_empty_database_matches_the_models(app, engine_name):
    with _db.engine.begin() as connection:
        _db.metadata.drop_all(connection)
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        if engine_name == "postgresql":
            connection.exec_driver_sql("DROP FUNCTION IF EXISTS audit_entries_append_only() CASCADE")
    upgrade()
    with _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": lambda name, type_, parents: not is_search_index(name, type_)})
        assert compare_metadata(context, _db.metadata) == []
        tables = set(_db.inspect(connection).get_table_names())
    assert {"tasks", "progress_reports", "audit_entries", "notifications"} <= tables
