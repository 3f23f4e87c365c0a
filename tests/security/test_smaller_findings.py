"""The smaller findings: nobody reviews his own work; names cannot read backwards; another department's item
answers as a missing one; production insists on a strong secret key, HTTPS and uncached pages."""
from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import Forbidden

from tracker import create_app
from tracker.admin.services import save_user_from_form
from tracker.config import ProductionConfig
from tracker.departments.models import Department
from tracker.departments.services import save_department
from tracker.plans.services import update_settings
from tracker.tasks import reporting, reviews
from tracker.tasks.models import MilestoneStatus, ProgressReport, ProgressStatus, ReportState
from tracker.tasks.reporting import ReportInput

# ---- nobody reviews his own department's work ----


@pytest.fixture
def liaison_and_reviewer(make, item):
    """The lead department's liaison who was also given the reviewer role."""
    return make.user("kjj.both", roles=["liaison", "reviewer"], department=item.lead)


def _submitted_by(db, item, user) -> ProgressReport:
    reporting.save_report(item.task, item.period, ReportInput(progress_status=ProgressStatus.IN_PROGRESS,
                                                              narrative="进展顺利"), by=user, expected_version=0)
    report = reporting.submit_report(item.task, item.period, by=user, expected_version=1)
    db.session.commit()
    return report


def test_a_liaison_who_is_also_a_reviewer_cannot_approve_his_own_report(db, item, liaison_and_reviewer, login_as):
    report = _submitted_by(db, item, liaison_and_reviewer)
    client = login_as(liaison_and_reviewer)
    assert "report-decision" not in client.get(f"/tasks/{item.task.id}").get_data(as_text=True)
    assert "进展顺利" not in client.get("/tasks/review").get_data(as_text=True)
    response = client.post_form(f"/tasks/reports/{report.id}/review", {"version": report.version, "approve": "1"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id).state == ReportState.SUBMITTED
    reviews.approve_report(report, by=item.reviewer, expected_version=report.version)
    assert report.state == ReportState.APPROVED


def test_nor_a_report_of_his_department_filed_by_a_colleague(db, item, liaison_and_reviewer):
    report = _submitted_by(db, item, item.liaison)
    with pytest.raises(Forbidden):
        reviews.approve_report(report, by=liaison_and_reviewer, expected_version=report.version)
    with pytest.raises(Forbidden):
        reviews.return_report(report, "自己退回", by=liaison_and_reviewer, expected_version=report.version)


def test_nor_his_departments_milestone(db, make, item, liaison_and_reviewer):
    milestone = make.milestone(item.task)
    reviews.submit_milestone(milestone, "完成", by=item.liaison, expected_version=1)
    db.session.commit()
    with pytest.raises(Forbidden):
        reviews.approve_milestone(milestone, by=liaison_and_reviewer, expected_version=milestone.version)
    reviews.approve_milestone(milestone, by=item.reviewer, expected_version=milestone.version)
    assert milestone.status == MilestoneStatus.APPROVED


# ---- bidi controls in names ----

RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"


def test_bidi_controls_are_removed_from_unit_user_and_plan_names(db, make, item, admin_user):
    department = save_department(None, name=f"市{RLO}局技科", short_name=f"{LRI}科技{PDI}", aliases=[f"科技局{RLO}"])
    plan = item.plan
    update_settings(plan, title=f"科技创新{RLO}案方动行", doc_number=None, issuing_body=None, start_year=2025,
                    end_year=2027, reporting_cycle=plan.reporting_cycle, reporting_due_day=25, reporting_dates=[])
    user = make.user(f"wang{RLO}", name=f"王{RLO}五", department=department)
    db.session.commit()
    db.session.expire_all()
    assert (department.name, department.short_name, [a.alias for a in department.aliases]) == (
        "市局技科", "科技", ["科技局"])
    assert plan.title == "科技创新案方动行"
    assert (user.login, user.name) == ("wang", "王五")


def test_the_admin_user_form_removes_them_too(db, make, admin_client):
    user = make.user("zhang")
    response = admin_client.post_form(f"/admin/users/{user.id}", {
        "login": "zhang", "name": f"张{RLO}三\u200f", "email": "", "roles": "liaison", "department_id": "0",
        "is_active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(user), user.id).name == "张三"


def test_a_department_named_only_with_a_different_bidi_mark_is_the_same_department(db):
    save_department(None, name="市科技局")
    db.session.commit()
    from tracker.departments.services import DepartmentNameTaken

    with pytest.raises(DepartmentNameTaken):
        save_department(None, name=f"市科技局{RLO}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Department)) == 1


# ---- another department's item answers 404, as a missing one ----


def test_another_departments_item_is_not_found_like_a_missing_one(db, item, login_as):
    report = _submitted_by(db, item, item.liaison)
    client = login_as(item.stranger)
    for url in (f"/tasks/{item.task.id}", f"/tasks/{item.task.id}/periods/{item.period.id}/report",
                f"/tasks/{item.task.id}/periods/{item.period.id}/contribution"):
        assert client.get(url).status_code == 404, url
    for url in (f"/tasks/{item.task.id}/sign", f"/tasks/reports/{report.id}/confirm"):
        assert client.post_form(url, {"version": report.version}).status_code == 404, url
    missing = client.get("/tasks/99999")
    assert missing.status_code == 404
    # The same page but for the address itself (in the language switch's return link).
    same = client.get(f"/tasks/{item.task.id}").get_data(as_text=True).replace(f"/tasks/{item.task.id}", "/tasks/99999")
    assert same == missing.get_data(as_text=True)


def test_the_api_answers_the_same(client, item, bearer):
    headers = bearer(item.stranger)
    for url in (f"/api/v1/tasks/{item.task.id}", f"/api/v1/tasks/{item.task.id}/reports/{item.period.id}"):
        assert client.get(url, headers=headers).status_code == 404, url
    response = client.put(f"/api/v1/tasks/{item.task.id}/reports/{item.period.id}", headers=headers,
                          json={"version": 0, "narrative": "越权"})
    assert response.status_code == 404


# ---- production settings ----


@pytest.fixture
def production(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")

    def _app(secret_key: str):
        monkeypatch.setenv("TRACKER_SECRET_KEY", secret_key)
        return create_app(ProductionConfig)

    return _app


@pytest.mark.parametrize("key", ["x", "a-long-random-production-secret", "0123456789abcdef" * 4,
                                 secrets.token_hex(24), "tracker" * 20],
                         ids=["one-character", "a-sentence", "a-repeated-pattern", "24-random-bytes", "a-repeated-word"])
def test_production_refuses_a_secret_key_with_less_than_32_bytes_of_entropy(production, key):
    with pytest.raises(RuntimeError, match="TRACKER_SECRET_KEY.*熵"):
        production(key)


@pytest.mark.parametrize("key", [secrets.token_hex(32), secrets.token_urlsafe(32), secrets.token_hex(64)],
                         ids=["hex-32-bytes", "urlsafe-32-bytes", "hex-64-bytes"])
def test_production_starts_with_a_random_key_of_32_bytes(production, key):
    assert production(key).config["SECRET_KEY"] == key


def test_production_pages_ask_for_https_only(production):
    response = production(secrets.token_hex(32)).test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_pages_behind_login_are_never_stored_by_a_browser_or_proxy(item, login_as, client, bearer):
    office = login_as(item.office)
    for url in ("/", f"/tasks/{item.task.id}", "/tasks/", "/profile"):
        assert office.get(url).headers["Cache-Control"] == "no-store", url
    api = client.get("/api/v1/tasks", headers=bearer(item.liaison))
    assert api.headers["Cache-Control"] == "no-store"
    with client.get("/static/css/app.css") as style:
        assert style.status_code == 200 and "no-store" not in style.headers.get("Cache-Control", "")
