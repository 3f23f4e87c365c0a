"""工作日: China's holidays and adjusted working days, the admin's corrections, and years nobody covers."""
from __future__ import annotations

from datetime import date

import pytest

from tracker.core import workdays
from tracker.core.models import CalendarDay, CalendarYear
from tracker.tasks.lights import DUE_SOON_WORKDAYS, compute_lights


@pytest.mark.parametrize("day", [date(2025, 10, d) for d in range(1, 9)])
def test_national_day_week_is_off(app, day):
    assert not workdays.is_workday(day)
    assert workdays.holiday_name(day) in {"国庆节", "中秋节"}


@pytest.mark.parametrize("day", [date(2025, 9, 28), date(2025, 10, 11)])
def test_adjusted_weekend_days_are_working_days(app, day):
    assert day.weekday() >= 5
    assert workdays.is_workday(day)
    assert workdays.holiday_name(day) is None


def test_counting_across_the_holiday(app):
    # 09-26 Fri, 09-28 Sun (调休), 09-29, 09-30, then 10-09 after eight days off.
    assert workdays.add_workdays(date(2025, 9, 25), 5) == date(2025, 10, 9)
    assert workdays.add_workdays(date(2025, 10, 9), -3) == date(2025, 9, 28)
    assert workdays.workdays_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert workdays.workdays_between(date(2025, 10, 9), date(2025, 9, 30)) == -1
    assert workdays.add_workdays(date(2025, 10, 3), 0) == date(2025, 10, 3)


def test_a_due_date_on_a_holiday_is_labelled(app):
    assert workdays.due_label(date(2025, 10, 1)) == "2025-10-01(国庆节)"
    assert workdays.due_label(date(2025, 10, 25)) == "2025-10-25"  # a plain Saturday


def test_admin_day_overrides_the_package(app, db):
    db.session.add(CalendarDay(day=date(2025, 9, 29), is_workday=False, note="防台风停工"))
    db.session.add(CalendarDay(day=date(2025, 10, 8), is_workday=True, note="补班"))
    db.session.commit()
    workdays.forget()
    assert not workdays.is_workday(date(2025, 9, 29))
    assert workdays.holiday_name(date(2025, 9, 29)) == "防台风停工"
    assert workdays.is_workday(date(2025, 10, 8))
    assert workdays.is_workday(date(2025, 10, 7)) is False  # the rest of the package's year still holds


def test_an_entered_year_is_authoritative(app, db, admin_user):
    db.session.add(CalendarYear(year=2025, entered_by_id=admin_user.id))
    db.session.add(CalendarDay(day=date(2025, 10, 1), is_workday=False, note="国庆节"))
    db.session.commit()
    workdays.forget()
    assert not workdays.is_workday(date(2025, 10, 1))
    assert workdays.is_workday(date(2025, 10, 2))  # the package's holiday is not consulted any more
    assert not workdays.is_workday(date(2025, 9, 28))  # nor its adjusted Sunday
    assert workdays.is_confirmed(2025)


def test_a_year_nobody_covers_counts_weekdays_and_is_unconfirmed(app, db):
    assert not workdays.is_confirmed(2031)
    assert workdays.is_workday(date(2031, 10, 1))  # a Wednesday: nobody has published that year yet
    assert not workdays.is_workday(date(2031, 10, 4))
    db.session.add(CalendarDay(day=date(2031, 10, 1), is_workday=False, note="国庆节"))
    db.session.commit()
    workdays.forget()
    assert not workdays.is_workday(date(2031, 10, 1)) and not workdays.is_confirmed(2031)
    assert workdays.is_confirmed(2025)


def test_lights_count_working_days_over_the_holiday(app, make):
    """The yellow "due within 3 working days" light sees through the National Day week."""
    lead = make.department()
    plan = make.plan()
    task = make.task(plan, lead=lead)
    make.period(plan, "2025-10-09", starts_on=date(2025, 9, 1), ends_on=date(2025, 10, 9), due_on=date(2025, 10, 9))
    assert DUE_SOON_WORKDAYS == 3
    from datetime import datetime, timezone
    on_sept_29 = datetime(2025, 9, 29, 1, tzinfo=timezone.utc)  # 10-09 is the 2nd working day after
    _, lights = compute_lights(on_sept_29, [task.id])
    assert lights[task.id][0] == "yellow"
    on_sept_19 = datetime(2025, 9, 19, 1, tzinfo=timezone.utc)
    _, lights = compute_lights(on_sept_19, [task.id])
    assert lights[task.id][0] == "green"
