"""Twenty people saving the same report at once: every save lands or is told of the conflict, none is lost."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from tests.tasks.conftest import NOW
from tracker.audit.models import AuditEntry
from tracker.auth.models import User
from tracker.extensions import db as _db
from tracker.tasks import reporting
from tracker.tasks.errors import StaleRecord
from tracker.tasks.models import ProgressReport, ProgressStatus, ReportingPeriod, Task
from tracker.tasks.reporting import ReportInput

WRITERS = 20
MAX_TRIES = 60


def _writer(app, number: int, ids: dict, start: threading.Barrier, outcome: dict) -> None:
    """One person: read the report, save on top of what was read; on a conflict read again and retry."""
    with app.app_context():
        session = _db.session
        task, period = session.get(Task, ids["task"]), session.get(ReportingPeriod, ids["period"])
        liaison = session.get(User, ids["liaison"])
        # Give the connection back while waiting: the pool has fewer connections than there are writers.
        session.rollback()
        start.wait()
        for _attempt in range(MAX_TRIES):
            seen = session.scalar(sa.select(ProgressReport.version).filter_by(task_id=task.id, period_id=period.id))
            data = ReportInput(progress_status=ProgressStatus.IN_PROGRESS, narrative=f"写入者{number}",
                               percent_complete=number)
            try:
                report = reporting.save_report(task, period, data, by=liaison, expected_version=seen, now=NOW)
                written = report.version  # after commit the row may already be someone else's newer version
                session.commit()
            except StaleRecord:
                session.rollback()
                outcome["conflicts"][number] += 1
                continue
            outcome["landed"][number] = written
            break
        session.remove()


def test_twenty_writers_on_one_report(app, db, item):
    reporting.save_report(item.task, item.period, ReportInput(narrative="初稿"), by=item.liaison,
                          expected_version=0, now=NOW)
    db.session.commit()
    ids = {"task": item.task.id, "period": item.period.id, "liaison": item.liaison.id}
    outcome = {"landed": {}, "conflicts": [0] * WRITERS}
    start = threading.Barrier(WRITERS, timeout=30)
    threads = [threading.Thread(target=_writer, args=(app, n, ids, start, outcome)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Every writer got through, most of them after being told of a conflict at least once.
    assert sorted(outcome["landed"]) == list(range(WRITERS))
    assert sum(outcome["conflicts"]) >= 1
    # Each accepted save made exactly one version, and each version is in the audit log with its content.
    assert sorted(outcome["landed"].values()) == list(range(2, WRITERS + 2))
    db.session.expire_all()
    report = db.session.scalar(sa.select(ProgressReport))
    assert report.version == WRITERS + 1
    saved = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "report.saved")
                               .order_by(AuditEntry.id)).all()
    assert len(saved) == WRITERS
    assert {entry.after["version"]: entry.after["narrative"] for entry in saved} == {
        version: f"写入者{number}" for number, version in outcome["landed"].items()}
    # The final report is the last accepted save, and every save before it had seen its predecessor.
    assert report.narrative == saved[-1].after["narrative"]
    assert [entry.before["version"] for entry in saved] == list(range(1, WRITERS + 1))
