"""The search index, kept by the database itself so that no code path can forget it.

SQLite: one FTS5 table per kind with the trigram tokenizer (any substring of three characters or more
is found through it), filled by triggers on the searched table. PostgreSQL: pg_trgm GIN indexes on the
searched columns, which the server keeps current on every write.

The index is no model: `create_all` (tests, the benchmark) installs it through the listeners below
and migration 0009 for a database made by `flask db upgrade`; Alembic's comparison leaves it alone
(`is_search_index`).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from tracker.extensions import db

PREFIXES = ("search_", "ix_search_")


@dataclass(frozen=True)
class Source:
    """What one kind of result searches: its table, its columns, and (SQLite) the expression indexed."""

    name: str  # the FTS5 table (SQLite) and the stem of the GIN indexes (PostgreSQL)
    table: str
    columns: tuple[str, ...]
    task_id: str  # the column holding the item a row belongs to

    @property
    def body(self) -> str:
        # A newline between columns: a match never spans two of them.
        return " || char(10) || ".join(f"coalesce(new.{column}, '')" for column in self.columns)


SOURCES = {
    "task": Source("search_tasks", "tasks", ("title", "text"), "id"),
    "report": Source("search_reports", "progress_reports", ("narrative",), "task_id"),
    "issue": Source("search_issues", "coordination_issues", ("text",), "task_id"),
    "evidence": Source("search_evidence", "evidence", ("original_name",), "task_id"),
}


def fts_table(source: Source) -> sa.Table:
    """The FTS5 table as a Core table for queries (in its own metadata: `create_all` must not make it)."""
    return sa.Table(source.name, _FTS_METADATA, sa.Column("rowid", sa.Integer, primary_key=True),
                    sa.Column("body", sa.Text), sa.Column("task_id", sa.Integer), extend_existing=True)


_FTS_METADATA = sa.MetaData()


def _sqlite_ddl(source: Source) -> list[str]:
    row = f"INSERT INTO {source.name}(rowid, body, task_id) VALUES (new.id, {source.body}, new.{source.task_id});"
    delete = f"DELETE FROM {source.name} WHERE rowid = old.id;"
    watched = ", ".join(source.columns)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {source.name} USING fts5(body, task_id UNINDEXED, tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {source.name}_insert AFTER INSERT ON {source.table} BEGIN {row} END",
        f"CREATE TRIGGER IF NOT EXISTS {source.name}_update AFTER UPDATE OF {watched} ON {source.table} "
        f"BEGIN {delete} {row} END",
        f"CREATE TRIGGER IF NOT EXISTS {source.name}_delete AFTER DELETE ON {source.table} BEGIN {delete} END",
        # What the table held before the index existed (a migrated database).
        f"DELETE FROM {source.name}",
        f"INSERT INTO {source.name}(rowid, body, task_id) SELECT id, {source.body.replace('new.', '')}, "
        f"{source.task_id} FROM {source.table}",
    ]


def _postgresql_ddl(source: Source) -> list[str]:
    return [f"CREATE INDEX IF NOT EXISTS ix_{source.name}_{column} ON {source.table} "
            f"USING gin ({column} gin_trgm_ops)" for column in source.columns]


def install_search_index(connection: sa.Connection) -> None:
    dialect = connection.dialect.name
    if dialect == "sqlite":
        version = tuple(int(part) for part in connection.exec_driver_sql("SELECT sqlite_version()").scalar().split("."))
        if version < (3, 34):
            raise RuntimeError(f"search needs SQLite 3.34 or later (the trigram tokenizer); this is {version}")
        statements = [statement for source in SOURCES.values() for statement in _sqlite_ddl(source)]
    elif dialect == "postgresql":
        # Trusted since PostgreSQL 13: the database's owner may create it.
        statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
        statements += [statement for source in SOURCES.values() for statement in _postgresql_ddl(source)]
    else:
        return
    for statement in statements:
        connection.exec_driver_sql(statement)


def remove_search_index(connection: sa.Connection) -> None:
    """SQLite: the FTS5 tables (their triggers go with the tables they are on, or here); PostgreSQL: the indexes."""
    for source in SOURCES.values():
        if connection.dialect.name == "sqlite":
            for trigger in ("insert", "update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {source.name}_{trigger}")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {source.name}")
        elif connection.dialect.name == "postgresql":
            for column in source.columns:
                connection.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{source.name}_{column}")


def is_search_index(name: str | None, type_: str, _parent_names=None) -> bool:
    """Alembic's include_name turned round: the search index's tables and indexes, which no model describes."""
    return type_ in ("table", "index") and bool(name) and name.startswith(PREFIXES)


sa.event.listen(db.metadata, "after_create", lambda target, connection, **kw: install_search_index(connection))
sa.event.listen(db.metadata, "before_drop", lambda target, connection, **kw: remove_search_index(connection))
