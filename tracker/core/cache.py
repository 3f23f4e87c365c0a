"""The pages' cache (页面缓存), valid for one data generation (数据版本).

The office overview, a department's home page and the API's task list are read far more often than
what they show changes: a report is filed or reviewed a few thousand times a month, the pages are
loaded all day by every department. What they show is therefore kept, per process, under the data
generation: a counter in `data_generations` that every transaction writing one of WATCHED_TABLES
bumps just before it commits, in the same transaction. A request reads the counter once (one
primary-key lookup) and uses what was kept under it; after any such write the counter has moved and
every page is computed afresh, so nobody ever sees a page older than the last write. Writes from
other processes (the scheduler's sweep, the CLI) bump the same counter, so every gunicorn worker
notices them.

Writes must go through the SQLAlchemy session (ORM objects or Core insert/update/delete statements
executed on it) to be noticed; every write in tracker/ does.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy.orm import Session

from tracker.core.models import DataGeneration
from tracker.extensions import db

# What the cached pages are made of. A write to any of these tables bumps the generation; writes to
# others (notifications, deliveries, the audit log, API token use, login attempts) do not, so the
# scheduler's reminders and every API call do not empty the cache.
WATCHED_TABLES = frozenset({
    "tasks", "task_assignments", "plans", "departments", "reporting_periods", "progress_reports", "contributions",
    "milestones", "reviews", "users", "user_roles",
})
GENERATION = "pages"
# The stored lights (tracker.tasks.lights) follow the same data, but the workflow refreshes the light of
# each item it changes, in the same transaction. Only writes that did not (a plan published, an import,
# a script) move this second counter, and only then need the sweep judge every light again: a pass after
# a morning of filed reports costs what one after a quiet morning does.
LIGHTS_STALE = "lights_stale"
MAX_ENTRIES = 2000
_DIRTY = "tracker.generation_dirty"
_LIGHTS_KEPT = "tracker.lights_kept"


def note_lights_kept(session: Session) -> None:
    """This transaction refreshed the lights of what it changed: its commit does not make every light stale."""
    session.info[_LIGHTS_KEPT] = True


def _touches_watched(objects) -> bool:
    return any(getattr(obj, "__tablename__", None) in WATCHED_TABLES for obj in objects)


def _note_flush(session: Session, _context) -> None:
    if _touches_watched((*session.new, *session.dirty, *session.deleted)):
        session.info[_DIRTY] = True


def _note_statement(state) -> None:
    """Bulk insert/update/delete statements executed on the session (the light refresh, for one)."""
    if (state.is_insert or state.is_update or state.is_delete) and \
            getattr(state.statement.table, "name", None) in WATCHED_TABLES:
        state.session.info[_DIRTY] = True


def _bump_generation(session: Session) -> None:
    session.flush()  # what is still pending is written now, and noted by _note_flush
    lights_kept = session.info.pop(_LIGHTS_KEPT, False)
    if not session.info.pop(_DIRTY, False):
        return
    _bump(session, GENERATION)
    if not lights_kept:
        _bump(session, LIGHTS_STALE)


def _bump(session: Session, name: str) -> None:
    table = DataGeneration.__table__
    bumped = session.connection().execute(table.update().where(table.c.name == name).values(value=table.c.value + 1))
    if bumped.rowcount == 0:  # a counter never made yet, or emptied
        session.connection().execute(table.insert().values(name=name, value=1))


def _forget(session: Session) -> None:
    session.info.pop(_DIRTY, None)
    session.info.pop(_LIGHTS_KEPT, None)


# Session-wide hooks: every session of the process (requests, the sweep, the CLI) keeps the generation.
_HOOKS = (("after_flush", _note_flush), ("do_orm_execute", _note_statement), ("before_commit", _bump_generation),
          ("after_rollback", _forget))


def install_generation_hooks() -> None:
    """Called by the app factory; once per process however many apps it makes."""
    for name, hook in _HOOKS:
        if not sa.event.contains(Session, name, hook):
            sa.event.listen(Session, name, hook)


def current_generation() -> int:
    """The data generation, read once per request."""
    if "data_generation" not in g:
        g.data_generation = db.session.scalar(
            sa.select(DataGeneration.value).where(DataGeneration.name == GENERATION)) or 0
    return g.data_generation


class PageCache:
    """What the pages computed under the current generation, in this process; emptied when it moves."""

    def __init__(self):
        self.generation: int | None = None
        self.entries: dict = {}
        self.lock = threading.Lock()

    def get_or_compute(self, key: tuple, compute: Callable[[], Any]) -> Any:
        generation = current_generation()
        with self.lock:
            if generation != self.generation:
                self.generation, self.entries = generation, {}
            if key in self.entries:
                return self.entries[key]
        value = compute()
        with self.lock:
            if generation == self.generation and len(self.entries) < MAX_ENTRIES:
                self.entries[key] = value
        return value


def cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()`, or what it gave under the same key since the last write; off with PAGE_CACHE = False."""
    if not current_app.config.get("PAGE_CACHE", True):
        return compute()
    cache = current_app.extensions.setdefault("tracker_page_cache", PageCache())
    return cache.get_or_compute(key, compute)
