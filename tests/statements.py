"""What SQL an action sends: the tests that hold a page, a report or a pass to a fixed number of statements."""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa


def statements_sent(db, action: Callable[[], object]) -> list[str]:
    """The statements `action()` sends to the test database, in order."""
    sent = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return sent
