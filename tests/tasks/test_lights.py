"""红黄绿灯: each rule alone, then the set-based refresh that stores and audits the lights."""
from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.statements import statements_sent
from tests.tasks.conftest import NOW
from tracker.audit.models import AuditEntry
from tracker.core import workdays
from tracker.tasks import lights, reporting, reviews
from tracker.tasks.due_periods import DuePeriods
from tracker.tasks.lights import TaskFacts, judge, light_of, refresh_lights
from tracker.tasks.models import Light, ProgressStatus, ReportState, Task, TaskStatus
from tracker.tasks.reporting import ReportInput

TODAY = date(2025, 3, 20)
MARCH = SimpleNamespace(id=3, label="2025-03", due_on=date(2025, 3, 25))
FEBRUARY = SimpleNamespace(id=2, label="2025-02", due_on=date(2025, 2, 25))


def _facts(**kwargs) -> TaskFacts:
    values = dict(id=1, plan_id=1, status=TaskStatus.ACTIVE, progress_status=None, percent_complete=None,
                  due_on=None, start_year=2025, end_year=2027, light=Light.GREEN, light_reason=None,
                  lead_department_id=7)
    return TaskFacts(**(values | kwargs))


def _light(facts=None, periods=DuePeriods(FEBRUARY, MARCH), reports=None, milestone=None,
           soon=date(2025, 3, 25)):
    return light_of(judge(facts or _facts(), periods, reports or {}, milestone, TODAY, soon))


FILED = {(1, 2): (ReportState.APPROVED, 0)}


def test_all_reported_and_nothing_due_soon_is_green():
    assert _light(reports=FILED, soon=date(2025, 3, 24)) == (Light.GREEN, None)


def test_last_period_unreported_is_red():
    assert _light(soon=date(2025, 3, 24)) == (Light.RED, "2025-02期报送逾期(截止2025-02-25)")


@pytest.mark.parametrize("state", [ReportState.DRAFT, ReportState.RETURNED])
def test_a_draft_or_returned_report_is_not_filed(state):
    assert _light(reports={(1, 2): (state, 1)}, soon=date(2025, 3, 24))[0] == Light.RED


def test_awaiting_head_confirmation_counts_as_filed():
    reports = {(1, 2): (ReportState.AWAITING_CONFIRMATION, 0)}
    assert _light(reports=reports, soon=date(2025, 3, 24))[0] == Light.GREEN


def test_milestone_past_due_without_approval_is_red():
    assert _light(reports=FILED, milestone=date(2024, 12, 31), soon=date(2025, 3, 24)) == (
        Light.RED, "年度任务逾期未通过审核(期限2024-12-31)")


def test_returned_twice_is_red_until_approved():
    twice = FILED | {(1, 3): (ReportState.RETURNED, 2)}
    assert _light(reports=twice, soon=date(2025, 3, 24)) == (Light.RED, "2025-03期报送已被退回2次")
    approved = FILED | {(1, 3): (ReportState.APPROVED, 2)}
    assert _light(reports=approved, soon=date(2025, 3, 24))[0] == Light.GREEN


def test_due_within_the_working_days_and_unfiled_is_yellow():
    assert _light(reports=FILED) == (Light.YELLOW, "2025-03期报送将于2025-03-25截止,尚未报送")
    filed_early = FILED | {(1, 3): (ReportState.SUBMITTED, 0)}
    assert _light(reports=filed_early)[0] == Light.GREEN


def test_behind_the_time_schedule_is_yellow():
    # On 2025-03-20 a task running from 2025-01-01 to 2025-06-30 should be 43% done (78 of 180 days).
    facts = _facts(percent_complete=20, due_on=date(2025, 6, 30))
    assert _light(facts, reports=FILED, soon=date(2025, 3, 24)) == (Light.YELLOW, "完成20%,落后于时间进度43%")
    assert _light(_facts(percent_complete=40, due_on=date(2025, 6, 30)), reports=FILED,
                  soon=date(2025, 3, 24))[0] == Light.GREEN


def test_self_reported_lag_is_yellow():
    assert _light(_facts(progress_status=ProgressStatus.LAGGING), reports=FILED, soon=date(2025, 3, 24)) == (
        Light.YELLOW, "单位自报进展滞后")


def test_red_outranks_yellow_and_lists_every_red_reason():
    light, reason = _light(_facts(progress_status=ProgressStatus.LAGGING), milestone=date(2024, 12, 31))
    assert light == Light.RED
    assert reason == "2025-02期报送逾期(截止2025-02-25)；年度任务逾期未通过审核(期限2024-12-31)"


def test_closed_task_is_green():
    assert _light(_facts(status=TaskStatus.CLOSED)) == (Light.GREEN, None)


def test_an_item_without_a_lead_is_red_for_that_alone():
    light, reason = _light(_facts(lead_department_id=None, progress_status=ProgressStatus.LAGGING),
                           milestone=date(2024, 12, 31))
    assert (light, reason) == (Light.RED, "未明确牵头单位,请办公室指定")


def test_every_rule_has_words_for_the_rules_page():
    assert {rule.code for rule in lights.RULES} == {"no_lead", "report_overdue", "milestone_overdue", "returned_twice",
                                                    "report_due_soon", "reported_lagging", "behind_schedule"}
    assert all(str(rule.description) for rule in lights.RULES)


# ---- stored on the tasks ----


def _beijing(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 8, tzinfo=timezone.utc)


@pytest.mark.parametrize("day, light", [
    (date(2025, 3, 19), Light.GREEN),  # Wednesday: the 25th is 4 working days away
    (date(2025, 3, 20), Light.YELLOW),  # Thursday: Fri, Mon, Tue - due within 3 working days
    (date(2025, 3, 26), Light.RED),  # the day after the due day
])
def test_refresh_follows_the_calendar(db, item, day, light):
    refresh_lights(_beijing(day))
    db.session.commit()
    assert db.session.get(Task, item.task.id).light == light


def test_periods_due_before_publication_are_not_owed(db, item):
    item.plan.published_at = _beijing(date(2025, 4, 2))
    db.session.commit()
    refresh_lights(_beijing(date(2025, 4, 3)))
    db.session.commit()
    assert item.task.light == Light.GREEN


def test_milestones_due_before_publication_are_not_overdue(db, make, item):
    make.milestone(item.task, year=2024)  # due 2024-12-31, before the plan was published on 2 April 2025
    item.plan.published_at = _beijing(date(2025, 4, 2))
    db.session.commit()
    refresh_lights(_beijing(date(2025, 4, 3)))
    db.session.commit()
    assert item.task.light == Light.GREEN

    make.milestone(item.task, year=2025, due_on=date(2025, 4, 2))  # due on the day of publication: owed
    refresh_lights(_beijing(date(2025, 4, 3)))
    db.session.commit()
    assert (item.task.light, item.task.light_reason) == (Light.RED, "年度任务逾期未通过审核(期限2025-04-02)")


def test_refresh_audits_each_change_once(db, item):
    assert refresh_lights(_beijing(date(2025, 3, 26))) == 1
    db.session.commit()
    assert refresh_lights(_beijing(date(2025, 3, 26))) == 0
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "task.light_changed"))
    assert entry.before["light"] == "green" and entry.after == {"light": "red",
                                                                 "light_reason": "2025-03期报送逾期(截止2025-03-25)"}


def test_refresh_leaves_the_task_version_alone(db, item):
    version = item.task.version
    refresh_lights(_beijing(date(2025, 3, 26)))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Task, item.task.id).version == version


def test_refresh_takes_the_same_number_of_queries_for_many_tasks(db, make, item):
    db.session.commit()
    workdays.is_workday(date(2025, 3, 20))  # the working-day calendar is read once per app context
    few = len(statements_sent(db, lambda: refresh_lights(_beijing(date(2025, 3, 20)))))
    db.session.commit()
    for _ in range(30):
        make.task(item.plan, lead=item.lead)
    many = len(statements_sent(db, lambda: refresh_lights(_beijing(date(2025, 3, 26)))))
    db.session.commit()
    assert few <= many <= 10
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(Task.light == Light.RED)) == 31


def test_submitting_turns_the_item_green_at_once(db, item):
    refresh_lights(NOW)
    db.session.commit()
    assert item.task.light == Light.YELLOW
    reporting.save_report(item.task, item.period, ReportInput(progress_status=ProgressStatus.IN_PROGRESS,
                                                              narrative="进展顺利", percent_complete=30),
                          by=item.liaison, expected_version=0, now=NOW)
    reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=1, now=NOW)
    db.session.commit()
    assert item.task.light == Light.GREEN


def test_second_return_turns_the_item_red(db, item):
    reporting.save_report(item.task, item.period, ReportInput(progress_status=ProgressStatus.IN_PROGRESS,
                                                              narrative="进展", percent_complete=30),
                          by=item.liaison, expected_version=0, now=NOW)
    db.session.commit()
    for _ in range(2):
        report = reporting.submit_report(item.task, item.period, by=item.liaison,
                                         expected_version=reporting.find_report(item.task.id, item.period.id).version,
                                         now=NOW)
        reviews.return_report(report, "数据不实", by=item.reviewer, expected_version=report.version, now=NOW)
        db.session.commit()
    assert (item.task.light, item.task.light_reason) == (Light.RED, "2025-03期报送已被退回2次")
