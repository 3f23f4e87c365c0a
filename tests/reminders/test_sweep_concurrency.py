"""Exactly once under concurrency: two sweeps at the same moment over 1,000 due items on one PostgreSQL."""
from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from tests.reminders.sweep_support import beijing
from tracker.reminders.models import Notification
from tracker.reminders.sweep import sweep
from tracker.tasks.models import AssignmentRole, ReportingPeriod, Task, TaskAssignment

ITEMS = 1000


def _thousand_due_items(db, make, plan):
    departments = [make.department() for _ in range(20)]
    for department in departments:
        make.liaison(department)
        make.head(department)
    tasks = []
    for i in range(ITEMS):
        lead = departments[i % len(departments)]
        task = Task(plan=plan, number=f"({i + 1})", title=f"重点任务{i + 1}", position=i, lead_department=lead)
        task.assignments.append(TaskAssignment(department=lead, role=AssignmentRole.LEAD))
        tasks.append(task)
    db.session.add_all(tasks)
    db.session.add(ReportingPeriod(plan=plan, label="2025-09", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30),
                                   due_on=date(2025, 9, 25)))
    db.session.commit()


@pytest.mark.parametrize("engine_name", ["postgresql"], indirect=True)
def test_two_concurrent_sweeps_create_each_notice_once(app, db, make):
    _thousand_due_items(db, make, make.plan())
    now = beijing(date(2025, 9, 26))  # one working day late: the liaison and the head of each item
    barrier = threading.Barrier(2)
    results, errors = [], []

    def one_sweep():
        with app.app_context():
            try:
                barrier.wait()
                results.append(sweep(now).created)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 — reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one_sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    distinct = db.session.scalar(sa.select(sa.func.count()).select_from(
        sa.select(Notification.subject_key, Notification.step_key, Notification.recipient_key,
                  Notification.occurrence).distinct().subquery()))
    assert total == distinct == 2 * ITEMS == sum(results)
    assert sorted(results)[0] < ITEMS or sorted(results) == [0, 2 * ITEMS]
    by_step = dict(db.session.execute(sa.select(Notification.step_key, sa.func.count()).group_by(
        Notification.step_key)).all())
    assert by_step == {"late-liaison": ITEMS, "late-head": ITEMS}
    assert sweep(now).created == 0
