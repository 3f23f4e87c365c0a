"""The pages' cache (页面缓存), valid while what a page shows has not been written.

The office overview, a department's home page and the API's task list are read far more often than
what they show changes. What they show is therefore kept, per process, under data versions (数据版本):
counters in `data_generations` that a transaction writing one of WATCHED_TABLES bumps just before it
commits, in the same transaction, so nobody ever sees a page older than the last write, in any
process (the scheduler's sweep and the CLI bump the same rows).

The counters are scoped, so that writers do not queue on one row lock: a transaction that changed
items (each such change is in the audit log with its item, which notes it here) bumps the row of
each department concerned with them (`pages:<department id>`, the lead and the co-responsible ones),
in department order so two writers never wait on each other in a cycle; any other write (a plan
published, a department renamed, a user) bumps the global row `pages`. A department's page is kept
under its own row and the global one; the lists that show every department's items (the overview,
the API) under the sum of all of them, one read of a few hundred rows that moves whenever any moves.

Writes must go through the SQLAlchemy session (ORM objects or Core insert/update/delete statements
executed on it) to be noticed; every write in tracker/ does.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy.dialects import postgresql, sqlite
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
_SCOPED = GENERATION + ":"  # + a department's id
# A transaction that changed more items than this (a plan published, the sweep's refresh of every light)
# bumps the global row rather than looking up and bumping the rows of hundreds of departments.
MAX_SCOPED_ITEMS = 200
# The stored lights (tracker.tasks.lights) follow the same data, but the workflow refreshes the light of
# each item it changes, in the same transaction. Only writes that did not (a plan published, an import,
# a script) move this second counter, and only then need the sweep judge every light again: a pass after
# a morning of filed reports costs what one after a quiet morning does.
LIGHTS_STALE = "lights_stale"
MAX_ENTRIES = 2000
_DIRTY = "tracker.generation_dirty"
_LIGHTS_KEPT = "tracker.lights_kept"
_ITEMS = "tracker.changed_items"  # {table: {item ids}} of what was written through objects, or noted
_PLANS = "tracker.changed_plans"  # plans whose periods or status were written
_UNSCOPED = "tracker.unscoped_write"  # a write that belongs to no item: every page is computed afresh


@dataclass
class ChangeHandlers:
    """What the domain does with a transaction's changes, told by the app factory (the core imports
    nothing of the domain): which departments' pages show some items, and the read models to bring up
    to date, in the same transaction, from {table: {item ids}} and {plan ids}."""

    departments_of: Callable[[set[int]], set[int]]
    refresh_read_models: Callable[[dict[str, set[int]], set[int]], None]


_handlers: ChangeHandlers | None = None


def set_change_handlers(handlers: ChangeHandlers) -> None:
    global _handlers
    _handlers = handlers


def note_changed_items(session: Session, item_ids: Iterable[int]) -> None:
    """This transaction changed these items (tasks), maybe with bulk statements: their departments' pages
    are the ones to compute afresh."""
    session.info.setdefault(_ITEMS, {}).setdefault("audit_log", set()).update(item_ids)


def note_lights_kept(session: Session) -> None:
    """This transaction refreshed the lights of what it changed: its commit does not make every light stale."""
    session.info[_LIGHTS_KEPT] = True


def _note_flush(session: Session, _context) -> None:
    """Each object written: an item's own row or a row of an item (task_id), a plan's period, or anything else."""
    changed = [*session.new, *session.deleted, *(obj for obj in session.dirty if session.is_modified(obj))]
    for obj in changed:
        table = getattr(obj, "__tablename__", None)
        if table not in WATCHED_TABLES:
            continue
        session.info[_DIRTY] = True
        item = obj.id if table == "tasks" else getattr(obj, "task_id", None)
        if item is not None:
            session.info.setdefault(_ITEMS, {}).setdefault(table, set()).add(item)
        elif table in ("plans", "reporting_periods"):
            session.info.setdefault(_PLANS, set()).add(obj.id if table == "plans" else obj.plan_id)
        else:
            session.info[_UNSCOPED] = True


def _note_statement(state) -> None:
    """Bulk insert/update/delete statements executed on the session: whoever runs one on items (the light
    refresh) notes them (note_changed_items); any other makes every page stale."""
    if (state.is_insert or state.is_update or state.is_delete) and \
            getattr(state.statement.table, "name", None) in WATCHED_TABLES:
        state.session.info[_DIRTY] = True
        if not (state.is_update and state.statement.table.name == "tasks"):
            state.session.info[_UNSCOPED] = True


def _bump_generation(session: Session) -> None:
    session.flush()  # what is still pending is written now, and noted by _note_flush
    lights_kept = session.info.pop(_LIGHTS_KEPT, False)
    changed, plans = session.info.pop(_ITEMS, {}), session.info.pop(_PLANS, set())
    unscoped = session.info.pop(_UNSCOPED, False)
    if not session.info.pop(_DIRTY, False):
        return
    if _handlers is not None and (changed or plans):
        _handlers.refresh_read_models(changed, plans)
    items = set().union(*changed.values())
    departments = None
    if items and not (unscoped or plans) and len(items) <= MAX_SCOPED_ITEMS and _handlers is not None:
        departments = _handlers.departments_of(items)
    names = [f"{_SCOPED}{department}" for department in sorted(departments)] if departments else [GENERATION]
    if not lights_kept:
        names.append(LIGHTS_STALE)
    for name in names:
        _bump(session, name)


def _bump(session: Session, name: str) -> None:
    """One more on the row, made at 1 if it is not there yet: two first writes of a department at once
    meet on the primary key, and the second adds to what the first made."""
    connection = session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = DataGeneration.__table__
    statement = dialect.insert(table).values(name=name, value=1)
    connection.execute(statement.on_conflict_do_update(index_elements=["name"], set_={"value": table.c.value + 1}))


def _forget(session: Session) -> None:
    for key in (_DIRTY, _LIGHTS_KEPT, _ITEMS, _PLANS, _UNSCOPED):
        session.info.pop(key, None)


# Session-wide hooks: every session of the process (requests, the sweep, the CLI) keeps the generation.
_HOOKS = (("after_flush", _note_flush), ("do_orm_execute", _note_statement), ("before_commit", _bump_generation),
          ("after_rollback", _forget))


def install_generation_hooks() -> None:
    """Called by the app factory; once per process however many apps it makes."""
    for name, hook in _HOOKS:
        if not sa.event.contains(Session, name, hook):
            sa.event.listen(Session, name, hook)


def current_version(department_id: int | None = None) -> tuple:
    """What a page is kept under, read once per request: a department's row and the global one, or for
    everything (None) the sum and number of all rows, which moves whenever any of them does."""
    versions = g.setdefault("data_versions", {})
    if department_id not in versions:
        column = DataGeneration.name
        if department_id is None:
            versions[None] = tuple(db.session.execute(
                sa.select(sa.func.coalesce(sa.func.sum(DataGeneration.value), 0), sa.func.count())
                .where(sa.or_(column == GENERATION, column.startswith(_SCOPED, autoescape=True)))).one())
        else:
            scoped = f"{_SCOPED}{department_id}"
            rows = dict(db.session.execute(sa.select(column, DataGeneration.value)
                                           .where(column.in_([GENERATION, scoped]))).all())
            versions[department_id] = (rows.get(GENERATION, 0), rows.get(scoped, 0))
    return versions[department_id]


class PageCache:
    """What the pages computed, in this process, each with the version it was computed under.

    One thread computes a page at a time: the others asking for it meanwhile wait and take its result.
    Right after a department's write its 32 readers would otherwise all compute its page at once, each
    as slowly as 32 computations sharing the CPU make it. Versions only grow, so a page computed under a
    newer version than the one a request read is as fresh as it needs.
    """

    def __init__(self):
        self.entries: dict = {}
        self.computing: dict = {}
        self.lock = threading.Lock()

    def _kept(self, key: tuple, version: tuple):
        kept = self.entries.get(key)
        return kept if kept is not None and kept[0] >= version else None

    def get_or_compute(self, key: tuple, version: tuple, compute: Callable[[], Any]) -> Any:
        with self.lock:
            if (kept := self._kept(key, version)) is not None:
                return kept[1]
            turn = self.computing.setdefault(key, threading.Lock())
        with turn:
            with self.lock:
                if (kept := self._kept(key, version)) is not None:
                    return kept[1]
            value = compute()
            with self.lock:
                if len(self.entries) >= MAX_ENTRIES:
                    self.entries, self.computing = {}, {}  # a crude bound: what is read often is back within a request
                if self._kept(key, version) is None:
                    self.entries[key] = (version, value)
        return value


def cached(key: tuple, compute: Callable[[], Any], department_id: int | None = None) -> Any:
    """`compute()`, or what it gave under the same key since the last write to what it shows: to the
    department's items (`department_id`) or to anything (None). Off with PAGE_CACHE = False."""
    if not current_app.config.get("PAGE_CACHE", True):
        return compute()
    cache = current_app.extensions.setdefault("tracker_page_cache", PageCache())
    return cache.get_or_compute(key, current_version(department_id), compute)
