"""The data model behaves alike on SQLite and PostgreSQL."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.orm.exc import StaleDataError

from tracker.audit.models import AuditEntry
from tracker.audit.services import record
from tracker.tasks.models import Light, ProgressReport, ReportState, Task


def test_times_come_back_as_utc(make, db):
    task = make.task()
    moment = datetime(2025, 3, 25, 16, 30, tzinfo=timezone.utc)
    task.closed_at = moment
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Task, task.id).closed_at == moment


def test_status_enums_round_trip_as_their_values(make, db):
    task = make.task(light=Light.RED)
    db.session.expire_all()
    assert db.session.get(Task, task.id).light is Light.RED
    raw = db.session.execute(sa.text("select light from tasks where id = :id"), {"id": task.id}).scalar()
    assert raw == "red"


def test_stale_write_is_refused(make, db, app):
    plan = make.plan()
    task = make.task(plan)
    period = make.period(plan)
    report = ProgressReport(task=task, period=period, narrative="first")
    db.session.add(report)
    db.session.commit()
    assert report.version == 1
    # A second session loads the same report, then the first one saves.
    other = sa.orm.Session(db.engine)
    theirs = other.get(ProgressReport, report.id)
    report.narrative = "mine"
    db.session.commit()
    theirs.narrative = "theirs"
    with pytest.raises(StaleDataError):
        other.commit()
    other.rollback()
    other.close()
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id).narrative == "mine"
    assert db.session.get(ProgressReport, report.id).version == 2


def test_report_is_unique_per_task_and_period(make, db):
    plan = make.plan()
    task, period = make.task(plan), make.period(plan)
    db.session.add(ProgressReport(task=task, period=period, state=ReportState.DRAFT))
    db.session.commit()
    db.session.add(ProgressReport(task=task, period=period))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_audit_log_is_append_only_in_the_database(make, db):
    task = make.task()
    record("task.updated", task, before={"title": "a"}, after={"title": "b"}, task_id=task.id)
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.update(AuditEntry).values(action="forged"))
        db.session.commit()
    db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.delete(AuditEntry))
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(sa.select(AuditEntry.action)).all() == ["task.updated"]
