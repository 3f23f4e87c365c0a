"""Notices about something since done stop waiting: "今日截止…请报送" is settled (已办结, not unread) once
the report is filed; a 需协调事项 tells the office the next pass, once, and is settled when answered."""
from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from tests.reminders.sweep_support import beijing, file_report
from tracker.reminders.models import Notification, StepTarget
from tracker.reminders.sweep import run_sweep
from tracker.tasks import reporting
from tracker.tasks.models import CoordinationIssue, ProgressStatus
from tracker.tasks.reporting import ReportInput

DUE = date(2025, 9, 25)  # a Thursday


def _late_item(make):
    science = make.department("市科技局")
    liaison = make.liaison(science, "kjj")
    plan = make.plan()
    period = make.period(plan, "2025-09", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30), due_on=DUE)
    return make.task(plan, lead=science, title="培育高新技术企业"), period, liaison


def _notices(db, **where) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Notification).filter_by(**where).order_by(Notification.id)))


def _unread_badge(page: str) -> int | None:
    match = re.search(r'data-testid="unread-count">(\d+)<', page)
    return int(match.group(1)) if match else None


def test_the_due_today_notice_is_settled_once_the_report_is_filed(db, make, login_as):
    task, period, liaison = _late_item(make)
    run_sweep(beijing(DUE))
    [notice] = _notices(db, recipient_id=liaison.id)
    assert notice.title.startswith("【今日截止】") and notice.done_at is None
    client = login_as(liaison)
    assert _unread_badge(client.get("/inbox/").get_data(as_text=True)) == 1

    file_report(task, period, liaison, DUE)
    db.session.commit()
    result = run_sweep(beijing(DUE, 10))
    assert result.settled == 1
    [notice] = _notices(db, recipient_id=liaison.id)
    assert notice.done_at is not None and notice.read_at is not None
    page = client.get("/inbox/").get_data(as_text=True)
    assert _unread_badge(page) is None and 'data-testid="notice-done"' in page and "已办结" in page


def test_a_notice_still_owed_stays_unread(db, make):
    task, period, liaison = _late_item(make)
    other = make.task(task.plan, lead=task.lead_department, title="建设创新平台")
    run_sweep(beijing(DUE))
    file_report(task, period, liaison, DUE)
    db.session.commit()
    run_sweep(beijing(DUE, 10))
    owed = _notices(db, recipient_id=liaison.id, task_id=other.id)
    assert owed and all(n.read_at is None and n.done_at is None for n in owed)


def test_a_new_coordination_problem_tells_the_office_once_and_is_settled_when_answered(db, make, office, login_as):
    task, period, liaison = _late_item(make)
    data = ReportInput(progress_status=ProgressStatus.LAGGING, narrative="进度滞后。", needs_coordination=True,
                       coordination_text="用地指标不足,需市自然资源局协调")
    now = beijing(DUE - timedelta(days=1), 10)
    report = reporting.save_report(task, period, data, by=liaison, expected_version=0, now=now)
    reporting.submit_report(task, period, by=liaison, expected_version=report.version, now=now)
    db.session.commit()

    run_sweep(beijing(DUE - timedelta(days=1), 11))
    [notice] = _notices(db, recipient_id=office.id)
    assert notice.target == StepTarget.OFFICE and notice.title.startswith("【需协调】")
    assert "用地指标不足" in notice.body and notice.link == "/tasks/coordination"
    run_sweep(beijing(DUE - timedelta(days=1), 12))
    assert len(_notices(db, recipient_id=office.id)) == 1
    assert "【需协调】" in login_as(office).get("/inbox/").get_data(as_text=True)

    issue = db.session.scalar(sa.select(CoordinationIssue))
    reporting.resolve_coordination_issue(issue, "已协调市自然资源局调剂指标", by=office)
    db.session.commit()
    run_sweep(beijing(DUE - timedelta(days=1), 13))
    [notice] = _notices(db, recipient_id=office.id)
    assert notice.done_at is not None
