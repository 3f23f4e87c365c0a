"""Working days (工作日): China's statutory holidays (法定节假日) and adjusted working days (调休).

Sources, strongest first:

1. a year the admin entered on the calendar page (CalendarYear): its CalendarDay rows are the whole
   official schedule of that year and nothing else is consulted;
2. otherwise the `chinese_calendar` package, with any CalendarDay rows of that year overriding it
   (a correction for a single day);
3. a year neither knows is counted Monday to Friday plus its CalendarDay rows, and is shown as
   unconfirmed (`is_confirmed`) until `pip install -U chinese-calendar` or the admin enters it.

Each year is read once per app context (one request, one sweep, one scheduler job) and kept on
`flask.g`, so counting days for 30,000 items costs two queries per year, not one per item.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
import sqlalchemy as sa
from flask import g

from tracker.core.models import CalendarDay, CalendarYear
from tracker.extensions import db

# chinese_calendar names its holidays in English; the office reads them in Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
# The years a calendar can be shown or entered for: those a plan may cover (see the plan forms).
YEARS = range(1949, 2101)
# How far a working-day count may walk before giving up: a year has far fewer days off than this.
_MAX_WALK = 400


@dataclass(frozen=True)
class YearCalendar:
    """One year: the days that differ from Monday–Friday, as {day: (is working day, name)}."""

    year: int
    confirmed: bool
    source: str  # "admin", "package" or "weekdays"
    exceptions: dict

    def is_workday(self, day: date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day][0]
        return day.weekday() < 5

    def name(self, day: date) -> str | None:
        entry = self.exceptions.get(day)
        return entry[1] or None if entry else None


def _package_days(year: int) -> dict | None:
    """The package's holidays and adjusted working days of `year`, or None if it does not cover it."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return None
    days = {}
    for table, is_workday in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for day, name in table.items():
            if day.year == year:
                days[day] = (is_workday, HOLIDAY_NAMES.get(name, name or ""))
    return days


def load_year(year: int) -> YearCalendar:
    """Read one year from the database and the package (uncached; `year_calendar` caches)."""
    entered = db.session.get(CalendarYear, year) is not None
    rows = db.session.execute(
        sa.select(CalendarDay.day, CalendarDay.is_workday, CalendarDay.note)
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
    ).all()
    admin_days = {day: (is_workday, note or "") for day, is_workday, note in rows}
    if entered:
        return YearCalendar(year, True, "admin", admin_days)
    package = _package_days(year)
    if package is None:
        return YearCalendar(year, False, "weekdays", admin_days)
    return YearCalendar(year, True, "package", package | admin_days)


def year_calendar(year: int) -> YearCalendar:
    cache = g.setdefault("_workday_years", {})
    if year not in cache:
        cache[year] = load_year(year)
    return cache[year]


def forget() -> None:
    """Drop the cached years, after the calendar was edited in this app context."""
    g.pop("_workday_years", None)


def is_workday(day: date) -> bool:
    return year_calendar(day.year).is_workday(day)


def is_confirmed(year: int) -> bool:
    """Whether `year`'s schedule comes from an official source (the admin or the package)."""
    return year_calendar(year).confirmed


def holiday_name(day: date) -> str | None:
    """The holiday a day off belongs to, e.g. "国庆节"; None for a working day or a plain weekend."""
    calendar = year_calendar(day.year)
    return None if calendar.is_workday(day) else calendar.name(day)


def add_workdays(day: date, count: int) -> date:
    """The `count`-th working day after `day` (before it when negative); `day` itself when 0."""
    step = timedelta(days=1 if count > 0 else -1)
    left = abs(count)
    for _ in range(_MAX_WALK * max(left, 1)):
        if left == 0:
            return day
        day += step
        if is_workday(day):
            left -= 1
    raise ValueError("no working days in the calendar")


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier).

    `workdays_between(due_on, today)` is how many working days a report is late.
    """
    if end < start:
        return -workdays_between(end, start)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_workday(day)
    return count


def due_label(day: date | None) -> str:
    """A due date as shown to users: "2025-10-01(国庆节)" when it falls on a holiday."""
    if day is None:
        return ""
    name = holiday_name(day)
    return f"{day.isoformat()}({name})" if name else day.isoformat()


# ---- the admin's calendar page (节假日安排) --------------------------------------------------------

class ScheduleError(ValueError):
    """A line of an entered schedule that cannot be read; the message names the line."""


_KINDS = {"休": False, "放假": False, "off": False, "班": True, "上班": True, "work": True}


def parse_schedule(text: str, year: int) -> list[tuple[date, bool, str]]:
    """Lines such as "2026-10-01~2026-10-07 休 国庆节" or "2026-09-27 班 国庆节调休" as (day, working?, name)."""
    days = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        if len(words) < 2 or words[1] not in _KINDS:
            raise ScheduleError(f"第{number}行应为“日期 休|班 名称”:{line.strip()}")
        try:
            first, _, last = words[0].partition("~")
            start, end = date.fromisoformat(first), date.fromisoformat(last or first)
        except ValueError:
            raise ScheduleError(f"第{number}行的日期无法识别:{words[0]}") from None
        if start.year != year or end.year != year or end < start:
            raise ScheduleError(f"第{number}行的日期不在{year}年内:{words[0]}")
        name = " ".join(words[2:])[:100]
        days += [(start + timedelta(days=i), _KINDS[words[1]], name) for i in range((end - start).days + 1)]
    return days


def schedule_text(year: int) -> str:
    """The admin's entered days of `year`, one per line, as parse_schedule reads them."""
    rows = db.session.execute(
        sa.select(CalendarDay.day, CalendarDay.is_workday, CalendarDay.note)
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)).order_by(CalendarDay.day)
    ).all()
    return "\n".join(f"{day.isoformat()} {'班' if working else '休'} {note}".rstrip() for day, working, note in rows)
