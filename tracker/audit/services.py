"""Writing the audit log. Callers flush and commit; this only adds the entry."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context, request

from tracker.audit.models import AuditEntry
from tracker.core.cache import note_changed_items
from tracker.extensions import db


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj, fields: list[str] | tuple[str, ...]) -> dict:
    """The named attributes of `obj` as JSON-safe data, for an entry's before/after."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(
    action: str,
    obj,
    *,
    by=None,
    before: dict | None = None,
    after: dict | None = None,
    task_id: int | None = None,
    plan_id: int | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Append one entry; `obj` must have an id already (flush first when it is new)."""
    entry = AuditEntry(
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        actor_id=getattr(by, "id", None),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        task_id=task_id,
        plan_id=plan_id,
        remote_addr=request.remote_addr if has_request_context() else None,
    )
    if now is not None:
        entry.at = now
    db.session.add(entry)
    if task_id is not None:
        # Every change to an item passes here: what tells the pages' cache whose pages it changed.
        note_changed_items(db.session(), [task_id])
    return entry


def record_diff(action: str, obj, before: dict, after: dict, *, by=None, **kwargs) -> AuditEntry | None:
    """Append an entry holding only the fields that differ between `before` and `after`; none if none do.

    A new object has an empty `before`: its entry has no before and every field after.
    """
    after = _plain(after)
    before = _plain(before)
    changed = [k for k in after if after[k] != before.get(k)]
    if not changed:
        return None
    return record(
        action,
        obj,
        by=by,
        before={k: before.get(k) for k in changed} if before else None,
        after={k: after[k] for k in changed},
        **kwargs,
    )
