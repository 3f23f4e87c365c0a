"""The schema revision a database is at (Alembic's alembic_version) and the one this code needs (the head)."""
from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app


@lru_cache(maxsize=4)
def _heads(directory: str) -> tuple[str, ...]:
    return tuple(sorted(ScriptDirectory(directory).get_heads()))


def head_revisions() -> tuple[str, ...]:
    """The revisions migrations/ ends at: what `flask db upgrade` brings a database to."""
    return _heads(str(current_app.extensions["migrate"].directory))


def known_revision(revision: str) -> bool:
    script = ScriptDirectory(str(current_app.extensions["migrate"].directory))
    return any(found.revision == revision for found in script.walk_revisions())


def database_revisions(connection: sa.Connection) -> tuple[str, ...]:
    """The revisions the database is stamped at; () for a database that `flask db upgrade` never ran on."""
    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
