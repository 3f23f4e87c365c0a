"""Fixtures of the operations tests."""
from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import stamp

from tracker.config import PROJECT_ROOT
from tracker.extensions import db

_SCRIPTS = ScriptDirectory(str(PROJECT_ROOT / "migrations"))
HEAD_REVISION = _SCRIPTS.get_current_head()
# The revision before the head: a database "behind the code".
PREVIOUS_REVISION = _SCRIPTS.get_revision(HEAD_REVISION).down_revision


@pytest.fixture
def stamped(app):
    """The test database is made by create_all: record that it is at head, as `flask db upgrade` would."""
    stamp()
    yield
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
