"""Reporting periods and milestone due dates from the office's settings."""
from datetime import date

import sqlalchemy as sa

from tracker.plans.models import ReportingCycle
from tracker.plans.periods import milestone_specs, period_specs, sync_periods
from tracker.tasks.models import ProgressReport, ReportingPeriod


def test_monthly_periods_cover_every_month_of_the_plan_years():
    specs = period_specs(ReportingCycle.MONTHLY, range(2025, 2027), due_day=25)
    assert len(specs) == 24
    march = specs[2]
    assert (march.label, march.starts_on, march.ends_on, march.due_on) == (
        "2025-03", date(2025, 3, 1), date(2025, 3, 31), date(2025, 3, 25))


def test_a_due_day_past_the_month_end_falls_on_its_last_day():
    specs = period_specs(ReportingCycle.MONTHLY, range(2024, 2025), due_day=31)
    assert specs[1].due_on == date(2024, 2, 29)
    assert specs[3].due_on == date(2024, 4, 30)


def test_quarterly_periods_are_due_in_the_quarters_last_month():
    specs = period_specs(ReportingCycle.QUARTERLY, range(2025, 2026), due_day=10)
    assert [s.label for s in specs] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert (specs[1].starts_on, specs[1].ends_on, specs[1].due_on) == (date(2025, 4, 1), date(2025, 6, 30),
                                                                       date(2025, 6, 10))


def test_given_dates_close_consecutive_periods():
    specs = period_specs(ReportingCycle.DATES, range(2025, 2026),
                         dates=[date(2025, 12, 20), date(2025, 6, 30), date(2025, 6, 30)])
    assert [(s.label, s.starts_on, s.ends_on, s.due_on) for s in specs] == [
        ("2025-06-30", date(2025, 1, 1), date(2025, 6, 30), date(2025, 6, 30)),
        ("2025-12-20", date(2025, 7, 1), date(2025, 12, 20), date(2025, 12, 20)),
    ]


def test_annual_deliverable_is_due_at_its_years_end_unless_the_office_sets_a_date():
    years = range(2023, 2026)
    assert [(m.year, m.due_on) for m in milestone_specs({"year": 2024}, years)] == [(2024, date(2024, 12, 31))]
    assert [m.due_on for m in milestone_specs({"year": 2024, "due_on": "2024-06-30"}, years)] == [date(2024, 6, 30)]
    assert [m.due_on for m in milestone_specs({"year": None}, years)] == [date(2025, 12, 31)]


def test_recurring_deliverable_is_due_every_plan_year():
    specs = milestone_specs({"year": None, "recurring": True}, range(2023, 2026))
    assert [(m.year, m.due_on, m.is_recurring) for m in specs] == [
        (2023, date(2023, 12, 31), True), (2024, date(2024, 12, 31), True), (2025, date(2025, 12, 31), True)]


def test_changing_the_cycle_keeps_periods_that_hold_reports(make, db):
    plan = make.plan(start_year=2025, end_year=2025)
    sync_periods(plan)
    db.session.commit()
    march = db.session.scalar(sa.select(ReportingPeriod).where(ReportingPeriod.label == "2025-03"))
    db.session.add(ProgressReport(task=make.task(plan), period=march, narrative="已推进"))
    db.session.commit()
    plan.reporting_cycle = ReportingCycle.QUARTERLY
    labels = [p.label for p in sync_periods(plan)]
    db.session.commit()
    assert labels == ["2025-Q1", "2025-03", "2025-Q2", "2025-Q3", "2025-Q4"]
