"""Each page runs a fixed number of SQL statements, however many rows it shows (no query per row)."""
from __future__ import annotations

import io
from datetime import date

import pytest

from tests.statements import statements_sent
from tests.tasks.conftest import NOW, PDF
from tracker.tasks import reporting, reviews
from tracker.tasks.evidence import attach_evidence
from tracker.tasks.models import ProgressStatus
from tracker.tasks.reporting import ReportInput

LIMIT = 15


def _statements(db, client, url: str) -> int:
    responses = []
    sent = statements_sent(db, lambda: responses.append(client.get(url)))
    assert responses[0].status_code == 200, url
    return len(sent)


def _period(make, item, month: int):
    return make.period(item.plan, f"2025-{month:02d}", starts_on=date(2025, month, 1), ends_on=date(2025, month, 28),
                       due_on=date(2025, month, 25))


def _tasks(make, item, count: int) -> list:
    tasks = [make.task(item.plan, lead=item.lead, co=[item.co]) for _ in range(count)]
    for n, task in enumerate(tasks):
        make.milestone(task, year=2025)
        make.target(task, name=f"指标{n}")
    return tasks


def _report_on(db, item, tasks, periods) -> None:
    """A reviewed report with evidence and a contribution for each task and period; every other one returned."""
    for task in tasks:
        for period in periods:
            report = reporting.save_report(task, period, ReportInput(progress_status=ProgressStatus.IN_PROGRESS,
                                                                     narrative="进展"),
                                           by=item.liaison, expected_version=0, now=NOW)
            attach_evidence(task, "名单.pdf", io.BytesIO(PDF), by=item.liaison, report=report)
            reporting.save_contribution(task, period, "配合", by=item.co_liaison, expected_version=0, submit=True)
            reporting.submit_report(task, period, by=item.liaison, expected_version=1, now=NOW)
            if period.id % 2:
                reviews.return_report(report, "补充材料", by=item.reviewer, expected_version=report.version, now=NOW)
    db.session.commit()


PAGES = {
    "overview": lambda item: "/tasks/",
    "overview by period": lambda item: "/tasks/?period=2025-03&report=submitted",
    "review queue": lambda item: "/tasks/review",
    "item": lambda item: f"/tasks/{item.task.id}",
    "report form": lambda item: f"/tasks/{item.task.id}/periods/{item.period.id}/report",
    "liaison home": lambda item: "/",
    "reviewer home": lambda item: "/",
}


@pytest.mark.parametrize("page", PAGES)
def test_page_queries_do_not_grow_with_rows(db, make, item, login_as, page):
    who = {"review queue": item.reviewer, "report form": item.liaison, "liaison home": item.liaison,
           "reviewer home": item.reviewer}
    client = login_as(who.get(page, item.office))
    first_tasks, first_periods = [item.task, *_tasks(make, item, 1)], [item.period, _period(make, item, 1)]
    _report_on(db, item, first_tasks, first_periods)
    few = _statements(db, client, PAGES[page](item))
    more_tasks, more_periods = _tasks(make, item, 10), [_period(make, item, m) for m in (2, 4, 5, 6)]
    _report_on(db, item, first_tasks + more_tasks, more_periods)
    _report_on(db, item, more_tasks, first_periods)
    many = _statements(db, client, PAGES[page](item))
    assert many <= few, f"{page}: {few} statements with few rows, {many} with many"
    assert many <= LIMIT, f"{page}: {many} statements"
