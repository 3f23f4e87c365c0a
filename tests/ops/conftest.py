"""Fixtures of the operations tests."""
from __future__ import annotations

import pytest
from flask_migrate import stamp

from tracker.extensions import db

# The revision before the head: a database "behind the code".
PREVIOUS_REVISION = "3b7e9c1d4f20"


@pytest.fixture
def stamped(app):
    """The test database is made by create_all: record that it is at head, as `flask db upgrade` would."""
    stamp()
    yield
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
