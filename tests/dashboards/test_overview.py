"""The office's and the leader's dashboards: the figures they show are the database's, the leader
only reads, and each role lands on its own page."""
from __future__ import annotations

import re

import sqlalchemy as sa

from tests.factories import PASSWORD
from tracker.plans.models import Plan
from tracker.tasks.models import Light, ProgressReport, ReportingPeriod, ReportState, Task, TaskStatus


def _signed_in(app, login):
    client = app.test_client()
    assert client.post_form("/login", {"login": login, "password": PASSWORD}).status_code == 302
    return client


def _stat(html: str, key: str) -> str:
    return re.search(rf'data-testid="stat-{key}-value">([^<]*)<', html).group(1).strip()


def _count(db, *where, model=Task):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_office_dashboard_shows_the_database_counts(small_demo, app, db):
    html = _signed_in(app, "office").get("/overview/office?period=2026-05").get_data(as_text=True)
    active = Task.status == TaskStatus.ACTIVE
    # Lights are those of the items in progress: a closed item has none (as in the supervision report).
    for light in Light:
        assert _stat(html, light.value) == str(_count(db, active, Task.light == light))
    assert _count(db, Task.status == TaskStatus.CLOSED) > 0
    may = sa.select(ReportingPeriod.id).where(ReportingPeriod.label == "2026-05")
    filed = ProgressReport.state.in_([ReportState.SUBMITTED, ReportState.APPROVED, ReportState.AWAITING_CONFIRMATION])
    on_time = _count(db, ProgressReport.period_id.in_(may), filed, ProgressReport.is_late.is_(False),
                     model=ProgressReport)
    late = _count(db, ProgressReport.period_id.in_(may), filed, ProgressReport.is_late.is_(True), model=ProgressReport)
    assert (_stat(html, "on_time"), _stat(html, "late")) == (str(on_time), str(late)) and on_time > 0
    items = [int(n) for n in re.findall(r'data-testid="plan-items">(\d+)<', html)]
    assert items == [_count(db, Task.plan_id == plan_id) for plan_id in db.session.scalars(
        sa.select(Plan.id).order_by(Plan.id))]
    assert html.count('data-testid="department-row"') >= 3
    assert "<svg" in html and "cdn" not in html.lower()


def test_each_role_lands_on_its_dashboard(small_demo, app):
    assert "<h1>办公室总览" in _signed_in(app, "office").get("/").get_data(as_text=True)
    assert "<h1>领导驾驶舱" in _signed_in(app, "leader").get("/").get_data(as_text=True)
    liaison = _signed_in(app, "kjj.liaison")
    assert liaison.get("/").status_code == 200
    assert liaison.get("/overview/office").status_code == 403
    assert liaison.get("/overview/leader").status_code == 403


def test_leader_reads_the_archived_reports_and_changes_nothing(small_demo, app, db):
    leader = _signed_in(app, "leader")
    html = leader.get("/overview/leader").get_data(as_text=True)
    links = re.findall(r'href="(/reports/\d+/download)" data-testid="archived-report"', html)
    assert len(links) == len(small_demo.archived) >= 1
    assert leader.get(links[0]).data.startswith(b"%PDF")
    assert leader.get("/overview/office").status_code == 403
    task = db.session.scalar(sa.select(Task).order_by(Task.id))
    report = db.session.scalar(sa.select(ProgressReport).order_by(ProgressReport.id.desc()).limit(1))
    state = report.state
    for url in ["/plans/import", f"/plans/{task.plan_id}/settings", f"/tasks/{task.id}/sign",
                f"/tasks/{task.id}/reopen", f"/tasks/{report.task_id}/periods/{report.period_id}/report",
                f"/tasks/reports/{report.id}/review", f"/tasks/reports/{report.id}/confirm",
                "/reports/supervision", "/admin/users/new", "/inbox/policies/default"]:
        version = report.version if "/periods/" in url else 1  # a valid form: the refusal is the permission's
        response = leader.post_form(url, {"decision": "approved", "reason": "x", "version": str(version),
                                          "progress_status": "in_progress", "narrative": "x"})
        assert response.status_code == 403, url
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id).state == state


def test_a_wrong_period_is_explained(small_demo, app):
    response = _signed_in(app, "office").get("/overview/office?period=2026-13")
    assert response.status_code == 400
    assert "2025-Q1" in response.get_data(as_text=True)


def test_items_numbered_alike_in_one_plan_are_told_apart_by_their_section(small_demo, app, db):
    plan = db.session.scalar(sa.select(Plan).where(Plan.title.contains("科技成果转移转化")))
    firsts = db.session.scalars(sa.select(Task).where(Task.plan_id == plan.id, Task.number == "一是")
                                .order_by(Task.position)).all()
    assert len(firsts) == 3  # 一是 under 主要任务, 保障措施 and 创新举措
    client = _signed_in(app, "office")
    sections = [re.search(r'data-testid="task-section">([^<]*)<', client.get(f"/tasks/{task.id}").get_data(
        as_text=True)).group(1) for task in firsts]
    assert sections == ["五、《行动方案》主要任务", "六、《行动方案》保障措施", "七、《行动方案》创新举措"]
