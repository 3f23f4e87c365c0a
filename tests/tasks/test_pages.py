"""The pages over the workflow: forms keep what was typed, conflicts are shown, reasons reach the liaison,
evidence reaches only those who may see the item, and lists stay within a fixed number of queries."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.tasks.conftest import PDF
from tracker.tasks import reporting
from tracker.tasks.models import (
    CoordinationIssue,
    Evidence,
    Light,
    ProgressReport,
    ProgressStatus,
    ReportState,
    TaskAssignment,
)
from tracker.tasks.reporting import ReportInput


def _url(item, kind="report"):
    return f"/tasks/{item.task.id}/periods/{item.period.id}/{kind}"


def _report_data(item, **kwargs) -> dict:
    data = {"version": 0, "progress_status": "in_progress", "percent_complete": "40",
            "narrative": "已认定高新技术企业1010家", "targets-0-target_id": item.target.id, "targets-0-value": "1010",
            "save_draft": "1"}
    return data | kwargs


def _text(response) -> str:
    return response.get_data(as_text=True)


def _report(db) -> ProgressReport:
    db.session.expire_all()
    return db.session.scalar(sa.select(ProgressReport))


def test_liaison_saves_a_draft_with_a_target_value(db, item, login_as):
    client = login_as(item.liaison)
    form = _text(client.get(_url(item)))
    assert "高新技术企业完成值" in form and "1,200" in form
    response = client.post_form(_url(item), _report_data(item))
    assert response.status_code == 302
    report = _report(db)
    assert (report.state, report.narrative, report.target_values[0].value) == (ReportState.DRAFT,
                                                                                "已认定高新技术企业1010家", 1010)
    page = _text(client.get(_url(item)))
    assert "草稿已保存" in page and 'value="1010' in page


def test_an_empty_draft_is_not_saved_but_a_file_alone_is(db, item, login_as):
    client = login_as(item.liaison)
    empty = {"version": 0, "progress_status": "", "narrative": "  ", "targets-0-target_id": item.target.id,
             "targets-0-value": "", "save_draft": "1"}
    assert "还没有填写任何内容,草稿没有保存" in _text(client.post_form(_url(item), empty))
    assert _report(db) is None
    client.post_form(_url(item), empty | {"files": (io.BytesIO(PDF), "认定名单.pdf")},
                     content_type="multipart/form-data")
    assert [e.original_name for e in _report(db).evidence] == ["认定名单.pdf"]


def test_submit_with_evidence_file_sends_the_report_to_review(db, item, login_as):
    client = login_as(item.liaison)
    data = _report_data(item, send="1", files=(io.BytesIO(PDF), "认定名单.pdf"))
    del data["save_draft"]
    response = client.post_form(_url(item), data, content_type="multipart/form-data")
    assert response.status_code == 302
    report = _report(db)
    assert report.state == ReportState.SUBMITTED
    assert [e.original_name for e in report.evidence] == ["认定名单.pdf"]
    assert "已提交,等待审核" in _text(client.get(_url(item)))


def test_bad_file_keeps_the_draft_and_says_why(db, item, login_as):
    client = login_as(item.liaison)
    data = _report_data(item, send="1", files=(io.BytesIO(b"MZ\x90"), "病毒.exe"))
    del data["save_draft"]
    response = client.post_form(_url(item), data, content_type="multipart/form-data", follow_redirects=True)
    page = _text(response)
    assert "不支持的文件类型" in page and "报送尚未提交" in page
    assert _report(db).state == ReportState.DRAFT and _report(db).narrative == "已认定高新技术企业1010家"


def test_submit_refused_keeps_the_draft_and_the_text(db, item, login_as):
    client = login_as(item.liaison)
    data = _report_data(item, send="1", progress_status="")
    del data["save_draft"]
    page = _text(client.post_form(_url(item), data))
    assert "未能提交:请选择进展状态" in page and "已认定高新技术企业1010家" in page
    assert _report(db).state == ReportState.DRAFT
    # The form now carries the saved draft's version: the corrected submission is not a conflict with oneself.
    data["progress_status"] = "in_progress"
    assert client.post_form(_url(item), data | {"version": 1}).status_code == 302
    assert 'name="version" type="hidden" value="1"' in page
    assert _report(db).state == ReportState.SUBMITTED


def test_second_writer_is_told_and_sees_the_other_version(db, item, login_as):
    first, second = login_as(item.liaison), login_as(make_second_liaison(item, db))
    assert first.post_form(_url(item), _report_data(item, narrative="甲的版本")).status_code == 302
    # The second liaison opened the form before the first one saved: he still holds version 0.
    response = second.post_form(_url(item), _report_data(item, narrative="乙的版本"))
    page = _text(response)
    assert response.status_code == 200 and "已被他人修改" in page
    their = re.search(r'data-testid="their-narrative">([^<]*)<', page).group(1)
    assert their == "甲的版本" and "乙的版本" in page  # his own text is still in the form
    assert 'name="version" type="hidden" value="1"' in page
    assert _report(db).narrative == "甲的版本"
    assert second.post_form(_url(item), _report_data(item, version=1, narrative="乙的版本")).status_code == 302
    assert _report(db).narrative == "乙的版本"


def make_second_liaison(item, db):
    from tests.factories import Factories

    return Factories(db).liaison(item.lead, "kjj2")


def _submitted(db, item):
    reporting.save_report(item.task, item.period, ReportInput(progress_status=ProgressStatus.IN_PROGRESS,
                                                              narrative="推进中"), by=item.liaison,
                          expected_version=0)
    report = reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=1)
    db.session.commit()
    return report


def test_reviewer_returns_and_the_liaison_reads_the_reason(db, item, login_as):
    report = _submitted(db, item)
    reviewer = login_as(item.reviewer)
    response = reviewer.post_form(f"/tasks/reports/{report.id}/review", {"version": report.version, "reason": "",
                                                                        "send_back": "1"}, follow_redirects=True)
    assert "请填写退回理由" in _text(response) and _report(db).state == ReportState.SUBMITTED
    reviewer.post_form(f"/tasks/reports/{report.id}/review",
                       {"version": report.version, "reason": "请补充认定名单", "send_back": "1"})
    assert _report(db).state == ReportState.RETURNED
    liaison = login_as(item.liaison)
    assert "请补充认定名单" in _text(liaison.get(_url(item)))
    home = _text(liaison.get("/"))
    assert 'data-testid="due-return-reason"' in home and "请补充认定名单" in home


def test_only_reviewers_review_through_the_page(db, item, login_as):
    report = _submitted(db, item)
    for user in (item.liaison, item.office):
        response = login_as(user).post_form(f"/tasks/reports/{report.id}/review",
                                            {"version": report.version, "approve": "1"})
        assert response.status_code == 403
    assert _report(db).state == ReportState.SUBMITTED


def test_review_queue_lists_submitted_reports_for_reviewers_only(db, item, login_as):
    _submitted(db, item)
    assert login_as(item.liaison).get("/tasks/review").status_code == 403
    page = _text(login_as(item.reviewer).get("/tasks/review"))
    assert "培育高新技术企业" in page and "2025-03" in page


def test_co_department_contribution_is_shown_to_the_lead_while_writing(db, item, login_as):
    co = login_as(item.co_liaison)
    response = co.post_form(_url(item, "contribution"), {"version": 0, "narrative": "已拨付专项资金3000万元",
                                                          "send": "1"})
    assert response.status_code == 302
    assert "已拨付专项资金3000万元" in _text(login_as(item.liaison).get(_url(item)))
    assert login_as(item.liaison).get(_url(item, "contribution")).status_code == 403


def test_item_page_shows_departments_reports_reviews_and_history(db, item, login_as):
    report = _submitted(db, item)
    login_as(item.reviewer).post_form(f"/tasks/reports/{report.id}/review",
                                      {"version": report.version, "reason": "数据需核实", "send_back": "1"})
    page = _text(login_as(item.office).get(f"/tasks/{item.task.id}"))
    for expected in ("市科技局", "市财政局", "未签收", "推进中", "已退回", "数据需核实", "审核退回", "提交报送", "reviewer"):
        assert expected in page, expected


def test_sign_all_from_the_home_page(db, item, login_as):
    client = login_as(item.liaison)
    assert "确定签收本单位全部 1 项未签收事项吗" in _text(client.get("/"))
    client.post_form("/tasks/sign-all", {"count": 2})  # not what the page asked about: nothing signed
    assert db.session.get(TaskAssignment, (item.task.id, item.lead.id)).signed_at is None
    assert "未签收的事项已变为 1 项,没有签收" in _text(client.get("/"))
    client.post_form("/tasks/sign-all", {"count": 1})
    db.session.expire_all()
    assert db.session.get(TaskAssignment, (item.task.id, item.lead.id)).signed_at is not None
    assert "尚未签收" not in _text(client.get("/"))


def test_liaison_home_lists_what_is_due(db, make, item, login_as):
    make.milestone(item.task, year=2025, text="年内认定100家")
    page = _text(login_as(item.liaison).get("/"))
    assert "2025-03 进展报送" in page and "年内认定100家" in page
    assert "2025-03 配合材料" in _text(login_as(item.co_liaison).get("/"))


def test_office_closes_a_coordination_problem(db, item, login_as):
    reporting.save_report(item.task, item.period, ReportInput(
        progress_status=ProgressStatus.LAGGING, narrative="受阻", needs_coordination=True,
        coordination_text="需财政追加预算"), by=item.liaison, expected_version=0)
    reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=1)
    db.session.commit()
    assert login_as(item.liaison).get("/tasks/coordination").status_code == 403
    office = login_as(item.office)
    assert "需财政追加预算" in _text(office.get("/tasks/coordination"))
    issue = db.session.scalar(sa.select(CoordinationIssue))
    office.post_form(f"/tasks/coordination/{issue.id}/resolve", {"resolution": "已安排追加预算"})
    db.session.expire_all()
    assert db.session.get(CoordinationIssue, issue.id).resolution == "已安排追加预算"


def test_light_rules_page_states_the_rules(client, item, login_as):
    page = _text(login_as(item.liaison).get("/tasks/lights"))
    assert "上一期报送已过截止日" in page and "3 个工作日" in page and "退回 2 次" in page


# ---- evidence is served only to those who may see the item ----


@pytest.fixture
def evidence(db, item):
    from tracker.tasks.evidence import attach_evidence

    report = reporting.save_report(item.task, item.period, ReportInput(narrative="x"), by=item.liaison,
                                   expected_version=0)
    stored = attach_evidence(item.task, "高企名单.pdf", io.BytesIO(PDF), by=item.liaison, report=report)
    db.session.commit()
    return stored


def test_evidence_is_downloaded_by_those_who_see_the_item(item, evidence, login_as):
    for user in (item.liaison, item.co_liaison, item.reviewer, item.office):
        with login_as(user).get(f"/tasks/evidence/{evidence.id}") as response:
            assert response.status_code == 200 and response.data == PDF
            assert "attachment" in response.headers["Content-Disposition"]


def test_another_departments_liaison_gets_neither_the_file_nor_its_name(item, evidence, login_as):
    client = login_as(item.stranger)
    response = client.get(f"/tasks/evidence/{evidence.id}")
    assert response.status_code == 404 and PDF not in response.data
    for url in (f"/tasks/{item.task.id}", _url(item)):
        page = client.get(url)
        assert page.status_code == 404 and "高企名单" not in _text(page)


def test_evidence_removal_by_someone_else_is_refused(db, item, evidence, login_as):
    response = login_as(item.co_liaison).post_form(f"/tasks/evidence/{evidence.id}/remove")
    assert response.status_code == 403
    assert db.session.get(Evidence, evidence.id) is not None


# ---- the office overview ----


def test_overview_filters_by_light_department_and_period(db, make, item, login_as):
    other = make.task(item.plan, lead=item.co, title="设立科技金融专项")
    other.light = Light.RED
    db.session.commit()
    _submitted(db, item)
    office = login_as(item.office)
    red = _text(office.get("/tasks/?light=red"))
    assert "设立科技金融专项" in red and "培育高新技术企业" not in red
    by_department = _text(office.get(f"/tasks/?department={item.co.id}"))
    assert "设立科技金融专项" in by_department and "培育高新技术企业" in by_department  # co-responsible too
    missing = _text(office.get("/tasks/?period=2025-03&report=missing"))
    assert "设立科技金融专项" in missing and "培育高新技术企业" not in missing
    assert "共 2 项" in _text(office.get("/tasks/?status=nonsense&light=purple"))


def test_overview_pages(db, make, item, login_as, app):
    app.config["PAGE_SIZE"] = 5
    for n in range(11):
        make.task(item.plan, lead=item.lead, title=f"分页任务{n:02d}")
    office = login_as(item.office)
    first, third = _text(office.get("/tasks/")), _text(office.get("/tasks/?page=3"))
    assert "共 12 项" in first and "第 1 / 3 页" in first and "分页任务10" in third


def test_liaison_overview_shows_only_his_departments_items(db, make, item, login_as):
    make.task(item.plan, lead=make.department("市教育局2"), title="别人的任务")
    page = _text(login_as(item.liaison).get("/tasks/"))
    assert "培育高新技术企业" in page and "别人的任务" not in page


def test_head_confirms_from_his_home_page_and_the_item(db, item, login_as):
    item.lead.requires_head_confirmation = True
    db.session.commit()
    report = _submitted(db, item)
    assert report.state == ReportState.AWAITING_CONFIRMATION
    head = login_as(item.head)
    assert "待我确认的报送" in _text(head.get("/"))
    assert 'data-testid="confirm-decision"' in _text(head.get(f"/tasks/{item.task.id}"))
    assert 'data-testid="confirm-decision"' not in _text(login_as(item.liaison).get(f"/tasks/{item.task.id}"))
    head.post_form(f"/tasks/reports/{report.id}/confirm", {"version": report.version, "approve": "1"})
    assert _report(db).state == ReportState.SUBMITTED


def test_milestone_submitted_and_returned_through_the_item_page(db, make, item, login_as):
    from tracker.tasks.models import MilestoneStatus

    milestone = make.milestone(item.task, text="年内认定100家")
    url = f"/tasks/{item.task.id}/milestones/{milestone.id}"
    liaison = login_as(item.liaison)
    liaison.post_form(f"{url}/submit", {"version": 1, "narrative": "已认定102家", "send": "1",
                                        "files": (io.BytesIO(PDF), "名单.pdf")}, content_type="multipart/form-data")
    db.session.expire_all()
    assert milestone.status == MilestoneStatus.SUBMITTED
    assert db.session.scalar(sa.select(Evidence.milestone_id)) == milestone.id
    reviewer = login_as(item.reviewer)
    assert "milestone-decision" in _text(reviewer.get(f"/tasks/{item.task.id}"))
    reviewer.post_form(f"{url}/review", {"version": milestone.version, "reason": "名单不全", "send_back": "1"})
    db.session.expire_all()
    assert milestone.status == MilestoneStatus.RETURNED
    assert "名单不全" in _text(liaison.get(f"/tasks/{item.task.id}"))


def test_office_reopens_a_closed_item_through_its_page(db, item, login_as):
    from tracker.tasks.models import TaskStatus

    item.task.status = TaskStatus.CLOSED
    db.session.commit()
    assert 'data-testid="reopen-form"' not in _text(login_as(item.reviewer).get(f"/tasks/{item.task.id}"))
    office = login_as(item.office)
    assert 'data-testid="reopen-form"' in _text(office.get(f"/tasks/{item.task.id}"))
    page = _text(office.post_form(f"/tasks/{item.task.id}/reopen", {"version": item.task.version, "reason": ""},
                                  follow_redirects=True))
    assert "请填写重新打开的理由" in page
    office.post_form(f"/tasks/{item.task.id}/reopen", {"version": item.task.version, "reason": "整改不到位"})
    db.session.expire_all()
    assert (item.task.status, item.task.reopen_count) == (TaskStatus.ACTIVE, 1)


def test_item_page_shows_the_latest_reports_and_history_a_page_at_a_time(db, make, item, login_as):
    """Three years of monthly reports made the page 19,000 pixels tall: the newest come first, the rest a page on."""
    for month in range(1, 9):
        period = make.period(item.plan, f"2024-{month:02d}", starts_on=date(2024, month, 1),
                             ends_on=date(2024, month, 28), due_on=date(2024, month, 25))
        for version, words in enumerate(("初稿", "定稿", "补充"), start=0):
            reporting.save_report(item.task, period, ReportInput(progress_status=ProgressStatus.IN_PROGRESS,
                                                                 narrative=f"{period.label}{words}"),
                                  by=item.liaison, expected_version=version)
    db.session.commit()
    office = login_as(item.office)

    def sections(query=""):
        page = _text(office.get(f"/tasks/{item.task.id}{query}"))
        reports, history = page.split('<section class="card" id="reports">')[1].split('<section class="card" id="history">')
        return reports, history

    reports, history = sections()
    assert "2024-08补充" in reports and "2024-03补充" in reports and "2024-02补充" not in reports
    assert f"/tasks/{item.task.id}?history=1&amp;reports=2#reports" in reports
    assert f"/tasks/{item.task.id}?reports=1&amp;history=2#history" in history
    older, _history = sections("?reports=2")
    assert "2024-02补充" in older and "2024-01补充" in older and "2024-08补充" not in older
    # 24 saves in the history, 20 a page: the first page has the newest, the second the oldest.
    assert history.count("保存报送") + history.count("新建报送") == 20
    assert "2024-01初稿" not in history and "2024-01初稿" in sections("?history=2")[1]
