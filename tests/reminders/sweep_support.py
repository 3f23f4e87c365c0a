"""Helpers for the sweep tests: Beijing mornings, filing a report, and who received what on which day."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from tracker.auth.models import User
from tracker.core.clock import LOCAL_TZ, to_local
from tracker.reminders.models import Notification
from tracker.reminders.sweep import run_sweep
from tracker.tasks import reporting
from tracker.tasks.evidence import attach_evidence
from tracker.tasks.models import ProgressStatus
from tracker.tasks.reporting import ReportInput  # noqa: F401  (re-exported for the tests)


def beijing(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), LOCAL_TZ)


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def file_report(task, period, liaison, day: date, evidence=()):
    """The liaison saves the period's report at 08:30 on `day`, attaches `evidence` ((name, file) pairs) and
    submits it."""
    now = beijing(day, 8) + timedelta(minutes=30)
    data = ReportInput(progress_status=ProgressStatus.IN_PROGRESS, percent_complete=40, narrative="按计划推进。")
    report = reporting.save_report(task, period, data, by=liaison, expected_version=0, now=now)
    for filename, stream in evidence:
        attach_evidence(task, filename, stream, by=liaison, report=report)
    reporting.submit_report(task, period, by=liaison, expected_version=report.version, now=now)
    return report


def simulate(db, first: date, last: date, actions=None) -> None:
    """Sweep every day at 09:00 Beijing from `first` to `last`; `actions[day]()` runs just before that day's pass."""
    actions = actions or {}
    for day in days(first, last):
        if day in actions:
            actions[day]()
            db.session.commit()
        run_sweep(beijing(day))


def received(db) -> set[tuple]:
    """{(local day, login or "通报", task id, step key)} of every notice created."""
    logins = dict(db.session.execute(sa.select(User.id, User.login)).all())
    return {
        (to_local(n.created_at).date(), logins.get(n.recipient_id, "通报"), n.task_id, n.step_key)
        for n in db.session.scalars(sa.select(Notification))
    }


def count_notices(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
