"""The supervision figures against what the scenario built, counted here by hand."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from tests.reports.conftest import TODAY, add_coordination, add_escalation
from tests.statements import statements_sent
from tracker.reports import figures
from tracker.tasks.lights import refresh_lights
from tracker.tasks.models import FILED_REPORT_STATES, Light, ReportingPeriod


def expected_counts(scenario, label):
    """{department: dict of due/on_time/late/missing/returned} for one month, from the scenario's records."""
    table = {}
    for filed in scenario.reports:
        if filed.label != label:
            continue
        row = table.setdefault(filed.department, dict(due=0, on_time=0, late=0, missing=0, returned=0))
        row["due"] += 1
        is_filed = filed.state in FILED_REPORT_STATES
        row["on_time"] += is_filed and not filed.is_late
        row["late"] += is_filed and filed.is_late
        row["missing"] += not is_filed
        row["returned"] += filed.return_count > 0
    return table


@pytest.mark.parametrize(("label", "start", "end", "previous"), [
    ("2025-03", date(2025, 3, 1), date(2025, 3, 31), "2025-02"),
    ("2025-01", date(2025, 1, 1), date(2025, 1, 31), "2024-12"),
    ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31), "2024-Q4"),
    ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31), "2023-Q4"),
    ("2025", date(2025, 1, 1), date(2025, 12, 31), "2024"),
    ("2024-2", date(2024, 2, 1), date(2024, 2, 29), "2024-01"),
])
def test_period_labels(app, label, start, end, previous):
    period = figures.parse_period(label)
    assert (period.starts_on, period.ends_on, period.previous().label) == (start, end, previous)


@pytest.mark.parametrize("label", ["2025-13", "25-03", "2025-Q5", "March", ""])
def test_unreadable_period_is_refused_with_the_expected_forms(app, label):
    with pytest.raises(figures.PeriodError, match="2025-Q1"):
        figures.parse_period(label)


def test_default_period_is_the_last_month_that_ended(app):
    assert figures.latest_closed_period(date(2025, 4, 10)).label == "2025-03"
    assert figures.latest_closed_period(date(2025, 1, 2)).label == "2024-12"
    assert figures.parse_period("2025-Q1").title == "2025年第一季度"


def test_summary_matches_the_reports_filed(app, scenario):
    period = figures.parse_period("2025-03")
    summary = figures.summary(period, TODAY)
    now, before = expected_counts(scenario, "2025-03"), expected_counts(scenario, "2025-02")
    for name in ("due", "on_time", "late", "missing", "returned"):
        assert getattr(summary, name).value == sum(row[name] for row in now.values()), name
        assert getattr(summary, name).previous == sum(row[name] for row in before.values()), name
    lights = list(scenario.lights.values())
    assert summary.red.value == lights.count(Light.RED)
    assert summary.yellow.value == lights.count(Light.YELLOW)
    assert summary.items.value == len(scenario.tasks)
    assert (summary.closed.value, summary.closed.previous) == (1, 0)
    on_time = sum(row["on_time"] for row in now.values())
    assert summary.on_time_rate.value == round(100 * on_time / len(scenario.tasks), 1)


def test_department_table_is_ranked_by_on_time_rate(app, scenario):
    rows = figures.department_table(figures.parse_period("2025-03"), TODAY)
    expected = expected_counts(scenario, "2025-03")
    assert {row.name for row in rows} == set(expected)
    for row in rows:
        mine = expected[row.name]
        assert (row.counts.due, row.counts.on_time, row.counts.late, row.counts.missing, row.counts.returned) == (
            mine["due"], mine["on_time"], mine["late"], mine["missing"], mine["returned"])
        assert row.counts.items == sum(1 for _task, name in scenario.tasks if name == row.name)
        assert row.counts.red == sum(1 for task, name in scenario.tasks
                                     if name == row.name and scenario.lights[task.id] == Light.RED)
    rates = [row.on_time_rate for row in rows]
    assert rates == sorted(rates, reverse=True)
    assert rows[0].rank == 1
    assert all(later.rank >= earlier.rank for earlier, later in zip(rows, rows[1:]))


def test_a_report_before_the_plan_was_published_is_not_owed(app, make, db):
    department = make.department("市统计局")
    plan = make.plan("统计方案", published_at=datetime(2025, 3, 28, 2, 0, tzinfo=timezone.utc))
    make.period(plan)  # March, due 2025-03-25: before publication
    make.task(plan, lead=department)
    summary = figures.summary(figures.parse_period("2025-03"), TODAY)
    assert (summary.due.value, summary.missing.value, summary.items.value) == (0, 0, 1)


def test_red_list_says_why_and_how_many_working_days(app, scenario):
    listing = figures.red_list(TODAY)
    red_ids = {task.id for task, _name in scenario.tasks if scenario.lights[task.id] == Light.RED}
    assert {item.task_id for item in listing.rows} == red_ids
    assert all(item.reason.startswith("2025-03期报送逾期") for item in listing.rows)
    unfiled_in_march = [item for item in listing.rows if item.overdue_since == date(2025, 3, 25)]
    # 2025-03-25 (Tuesday) to 2025-04-10 (Thursday): 12 working days, 4 April (清明) off.
    assert all(item.workdays_overdue == 11 for item in unfiled_in_march)



def test_lights_count_only_items_in_progress(app, scenario):
    summary = figures.summary(figures.parse_period("2025-03"), TODAY)
    in_progress = [task for task, _name in scenario.tasks if task.id not in scenario.closed_in]
    # The closed item was green: it has no light any more, so the donut's total is the items in progress.
    assert summary.red.value + summary.yellow.value + summary.green.value == len(in_progress)
    assert summary.green.value == sum(1 for task in in_progress if scenario.lights[task.id] == Light.GREEN)


def test_red_list_cut_keeps_the_longest_overdue_and_counts_them_all(app, make):
    plan = make.plan("督办方案")
    department = make.department("市督办局")
    for month in (6, 2, 9, 4, 11):
        task = make.task(plan, lead=department, light=Light.RED, light_reason="年度任务逾期", title=f"{month}月任务")
        make.milestone(task, year=2024, due_on=date(2024, month, 10))
    listing = figures.red_list(TODAY, limit=3)
    assert (listing.total, listing.rest, listing.cut) == (5, 2, True)
    assert [item.title for item in listing.rows] == ["2月任务", "4月任务", "6月任务"]
    assert all(item.workdays_overdue > 0 for item in listing.rows)


def test_red_list_counts_lateness_from_what_fell_due_after_publication(app, make):
    plan = make.plan("督办方案", published_at=datetime(2025, 3, 28, 2, 0, tzinfo=timezone.utc))
    task = make.task(plan, lead=make.department("市督办局"), light=Light.RED, light_reason="年度任务逾期")
    make.milestone(task, year=2024, due_on=date(2024, 6, 10))  # fell due before the plan was published
    make.milestone(task, year=2025, due_on=date(2025, 4, 1))
    [item] = figures.red_list(TODAY).rows
    assert (item.overdue_since, item.workdays_overdue) == (date(2025, 4, 1), 6)


def test_an_item_without_a_lead_is_listed_red_without_days_overdue(app, make, db):
    plan = make.plan("督办方案")
    make.period(plan)  # March, due 2025-03-25: unfiled, but nobody could file it
    orphan = make.task(plan, title="苏南五市共同推进")
    refresh_lights(datetime(2025, 4, 10, 2, 0, tzinfo=timezone.utc))
    db.session.commit()
    [item] = figures.red_list(TODAY).rows
    assert (item.task_id, item.department, item.reason) == (orphan.id, None, "未明确牵头单位,请办公室指定")
    assert item.workdays_overdue is None


def test_targets_show_reached_against_plan_target(app, make, scenario):
    task = scenario.tasks[1][0]
    make.target(task, name="高新技术企业", value=1200, unit="家", reached_value=1010)
    make.target(task, name="研发投入强度", value=3, unit="%")
    rows = figures.target_progress().rows
    assert [(r.name, r.reached, r.target, r.percent) for r in rows] == [
        ("高新技术企业", 1010, 1200, 84.2), ("研发投入强度", None, 3, None)]


def test_agenda_lists_coordination_issues_and_escalated_items(app, db, scenario):
    task, name = scenario.tasks[2]
    add_coordination(db, task, scenario.departments[name], "用地指标需市自然资源局协调")
    march = db.session.scalar(sa.select(ReportingPeriod).where(ReportingPeriod.plan_id == task.plan_id,
                                                              ReportingPeriod.label == "2025-03"))
    add_escalation(db, task, march)
    period = figures.parse_period("2025-03")
    agenda = figures.coordination_agenda(period)
    assert [(row.text, row.department) for row in agenda.rows] == [("用地指标需市自然资源局协调", name)]
    escalated = figures.escalated_items(period)
    assert [(row.task_id, row.workdays_late) for row in escalated.rows] == [(task.id, 6)]
    assert figures.escalated_items(figures.parse_period("2025-01")).total == 0


def test_statement_count_does_not_grow_with_the_data(app, make, db):
    from tests.reports.conftest import build_scenario

    build_scenario(make, db, tasks_per_department=(1, 1, 1, 1, 1, 1))
    period = figures.parse_period("2025-03")
    small = len(statements_sent(db, lambda: figures.supervision_figures(period, TODAY)))
    for seed in (1, 2):
        build_scenario_more(make, db, seed)
    large = len(statements_sent(db, lambda: figures.supervision_figures(period, TODAY)))
    assert small == large <= 10


def build_scenario_more(make, db, seed):
    """More departments, items and reports on top of the first scenario."""
    from tracker.tasks.models import Light as L

    department = make.department(f"市新增局{seed}")
    plan = make.plan(f"新增方案{seed}")
    march = make.period(plan)
    from tracker.tasks.models import ProgressReport, ReportState

    for index in range(8):
        task = make.task(plan, lead=department, light=L.RED if index % 2 else L.GREEN, light_reason="逾期")
        make.target(task, name=f"指标{index}", value=100, reached_value=index * 10)
        db.session.add(ProgressReport(task=task, period=march, state=ReportState.APPROVED, department_id=department.id))
    db.session.commit()
