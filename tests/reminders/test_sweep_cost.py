"""What a pass costs when nothing is due: a few statements however many items, and the lights still follow
the calendar and every change."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from tests.reminders.sweep_support import beijing, file_report
from tests.statements import statements_sent
from tracker.reminders.sweep import run_sweep
from tracker.tasks.reporting import sign_for
from tracker.tasks.models import Light, ReportingPeriod, Task


def _late_items(make, plan, department, count: int) -> list[Task]:
    return [make.task(plan, lead=department) for _ in range(count)]


def test_a_pass_with_nothing_due_takes_the_same_few_statements_for_ten_or_sixty_items(db, make):
    kjj = make.department("市科技局")
    make.liaison(kjj, "kjj", email="kjj@example.gov.cn")
    plan = make.plan()
    make.period(plan, "2025-09", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30), due_on=date(2025, 9, 25))
    _late_items(make, plan, kjj, 10)
    morning = beijing(date(2025, 9, 26))
    assert run_sweep(morning).created == 10  # one working day late: each liaison hears once
    few = statements_sent(db, lambda: run_sweep(morning + timedelta(minutes=15)))

    _late_items(make, plan, kjj, 50)
    assert run_sweep(morning + timedelta(minutes=30)).created == 50
    many = statements_sent(db, lambda: run_sweep(morning + timedelta(minutes=45)))

    # 13: the passes that settle notices about done things and escalate unanswered 督办单 are one each.
    assert len(few) == len(many) <= 13
    # Nothing was written since the last pass: every item's light stands, none is read to be judged again.
    assert not any("tasks.light" in statement for statement in few + many)
    reds = db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(Task.light == Light.RED))
    assert reds == 60  # the 50 new items' lights were refreshed by the pass after they were added


def _light(db, task) -> Light:
    db.session.expire_all()
    return db.session.get(Task, task.id).light


def test_lights_follow_the_day_and_any_change_without_being_recomputed_every_pass(db, make):
    kjj = make.department("市科技局")
    make.liaison(kjj, "kjj")
    plan = make.plan()
    period = make.period(plan, "2025-09", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30),
                         due_on=date(2025, 9, 25))
    [task] = _late_items(make, plan, kjj, 1)

    run_sweep(beijing(date(2025, 9, 23)))
    assert _light(db, task) == Light.YELLOW  # due within 3 working days
    run_sweep(beijing(date(2025, 9, 23)) + timedelta(minutes=15))
    assert _light(db, task) == Light.YELLOW

    run_sweep(beijing(date(2025, 9, 26)))  # nothing was written since: the new day alone turns it red
    assert _light(db, task) == Light.RED

    # A change made outside the reporting workflow (here straight in the database) shows at the next pass.
    db.session.execute(sa.update(ReportingPeriod).where(ReportingPeriod.id == period.id)
                       .values(due_on=date(2025, 10, 20)))
    db.session.commit()
    run_sweep(beijing(date(2025, 9, 26)) + timedelta(minutes=15))
    assert _light(db, task) == Light.GREEN


def test_a_report_filed_through_the_workflow_does_not_make_the_next_pass_judge_every_light(db, make):
    kjj = make.department("市科技局")
    liaison = make.liaison(kjj, "kjj")
    plan = make.plan()
    period = make.period(plan, "2025-09", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30),
                         due_on=date(2025, 9, 25))
    first, second = _late_items(make, plan, kjj, 2)
    morning = beijing(date(2025, 9, 26))
    run_sweep(morning)
    assert _light(db, first) == _light(db, second) == Light.RED

    file_report(first, period, liaison, date(2025, 9, 26))
    db.session.commit()
    assert _light(db, first) != Light.RED  # the workflow refreshed the item it changed, at once
    statements = statements_sent(db, lambda: run_sweep(morning + timedelta(minutes=15)))
    assert not any("tasks.light" in statement for statement in statements)

    db.session.execute(sa.update(ReportingPeriod).where(ReportingPeriod.id == period.id)
                       .values(due_on=date(2025, 10, 20)))
    db.session.commit()  # outside the workflow: the next pass judges every light again
    run_sweep(morning + timedelta(minutes=30))
    assert _light(db, second) == Light.GREEN


def test_signing_for_an_item_does_not_make_the_next_pass_judge_every_light(db, make):
    kjj = make.department("市科技局")
    liaison = make.liaison(kjj, "kjj")
    plan = make.plan()
    make.period(plan, "2025-09", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30), due_on=date(2025, 9, 25))
    [task] = _late_items(make, plan, kjj, 1)
    morning = beijing(date(2025, 9, 26))
    run_sweep(morning)

    sign_for(task, by=liaison)
    db.session.commit()
    assert task.assignments[0].signed_at is not None
    statements = statements_sent(db, lambda: run_sweep(morning + timedelta(minutes=15)))
    assert not any("tasks.light" in statement for statement in statements)
