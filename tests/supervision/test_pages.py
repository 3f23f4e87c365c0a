"""The 督查督办 pages: register a 批示, import minutes, issue a 督办单, its PDF, the ledger, the reply."""
from __future__ import annotations

import io
import os
import shutil
from datetime import date

import sqlalchemy as sa

from tests.reports.pdf_support import pdf_fonts, pdf_pages, pdf_text
from tests.supervision.conftest import PDF, register
from tests.supervision.minutes_samples import PARAGRAPHS, TABLE
from tracker.plans.models import ItemSource, Plan
from tracker.supervision.models import Instruction, Meeting, SupervisionNotice
from tracker.tasks.models import Light, Task


def test_the_office_registers_a_batch_from_the_words_it_reads(db, people, login_as):
    client = login_as(people.office)
    form = {"document_title": "关于科技型中小企业融资难问题的报告", "document_number": "", "leader_id": people.leader.id,
            "leader_name": "", "written_on": "2026-03-09", "words": "请市科技局牵头，会同市财政局研究提出意见，月底前报我。",
            "lead_id": 0, "due_on": "", "reply_requirements": "提出具体措施"}
    page = client.post_form("/supervision/instructions/new", form | {"read": "1"}).get_data(as_text=True)
    assert "已从批示内容中读出" in page
    assert f'value="{people.lead.id}" selected' in page or f'selected value="{people.lead.id}"' in page
    assert 'value="2026-03-31"' in page
    response = client.post_form("/supervision/instructions/new", form | {
        "register": "1", "lead_id": people.lead.id, "co_ids": [people.co.id], "due_on": "2026-03-31"})
    assert response.status_code == 302
    task = db.session.scalar(sa.select(Task).where(Task.source == ItemSource.INSTRUCTION))
    assert response.headers["Location"].endswith(f"/tasks/{task.id}")
    item = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "领导批示" in item and "请市科技局牵头" in item
    # The overview filters by source.
    listed = client.get("/tasks/?source=instruction").get_data(as_text=True)
    assert f'/tasks/{task.id}">关于科技型中小企业融资难问题的报告' in listed and "共 1 项" in listed
    assert "共 0 项" in client.get("/tasks/?source=meeting").get_data(as_text=True)


def test_a_liaison_cannot_reach_the_office_pages(db, people, login_as):
    client = login_as(people.liaison)
    assert client.get("/supervision/instructions/new").status_code == 403
    assert client.get("/supervision/meetings/new").status_code == 403


def test_the_leader_sees_his_own_instructions_on_his_dashboard(db, people, login_as):
    register(db, people)
    page = login_as(people.leader).get("/overview/leader").get_data(as_text=True)
    assert "批示件办理情况" in page and "关于科技型中小企业融资难问题的报告" in page


def test_minutes_pasted_go_to_the_review_page_as_a_meeting(db, people, make, login_as):
    for name in ("市住建局", "市自然资源局", "市城管局", "市生态环境局"):
        make.department(name)
    client = login_as(people.office)
    response = client.post_form("/supervision/meetings/new", {
        "title": "城市更新专题会议", "kind": "topic", "held_on": "2026-04-10", "attendees": "李华", "doc_number": "",
        "text": PARAGRAPHS})
    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert response.headers["Location"].endswith(f"/plans/{meeting.plan_id}/review")
    review = client.get(f"/plans/{meeting.plan_id}/review").get_data(as_text=True)
    assert "完成老旧小区改造实施方案" in review and "市住建局" in review
    assert db.session.get(Plan, meeting.plan_id).source == ItemSource.MEETING
    assert 'data-testid="plan-source">会议议定' in client.get("/plans/").get_data(as_text=True)


def _red_notice(db, people, login_as):
    task = register(db, people).task
    task.light, task.light_reason = Light.RED, "3月进展逾期未报送"
    db.session.commit()
    client = login_as(people.office)
    form = client.get(f"/supervision/tasks/{task.id}/notice").get_data(as_text=True)
    assert "3月进展逾期未报送" in form
    response = client.post_form(f"/supervision/tasks/{task.id}/notice", {
        "kind": "notice", "lateness": "3月进展逾期未报送,已滞后8个工作日", "requirement": "请说明滞后原因并提出整改措施",
        "reply_due_on": "2099-03-20"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client, db.session.scalar(sa.select(SupervisionNotice))


def test_the_notice_pdf_is_a_red_headed_numbered_page_with_cjk_fonts_embedded(db, people, login_as, tmp_path):
    client, notice = _red_notice(db, people, login_as)
    response = client.get(f"/supervision/notices/{notice.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(response.data)
    if os.environ.get("TRACKER_KEEP_PDF"):
        shutil.copy(path, os.environ["TRACKER_KEEP_PDF"])
    assert pdf_pages(path) == 1
    text = pdf_text(path)
    for words in (f"督办〔{notice.year}〕1号", "督办通知单", "市科技局:", "关于科技型中小企业融资难问题的报告", "领导批示",
                  "3月进展逾期未报送,已滞后8个工作日", "请说明滞后原因并提出整改措施", "2099年3月20日", "(盖章)"):
        assert words in text, words
    fonts = pdf_fonts(path)
    assert fonts and all(font["emb"] == "yes" for font in fonts)
    assert any("CJK" in font["name"] for font in fonts)


def test_the_department_head_replies_with_evidence_and_the_office_sees_it(db, people, login_as):
    client, notice = _red_notice(db, people, login_as)
    assert people.stranger and login_as(people.stranger).get(f"/supervision/notices/{notice.id}").status_code == 404
    head = login_as(people.head)
    assert "督办〔" in head.get("/supervision/notices").get_data(as_text=True)
    page = head.get(f"/supervision/notices/{notice.id}").get_data(as_text=True)
    assert 'data-testid="reply-form"' in page
    response = head.post_form(f"/supervision/notices/{notice.id}/reply", {
        "version": notice.version, "text": "已完成整改,3月进展已补报。", "files": (io.BytesIO(PDF), "整改报告.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    seen = client.get(f"/supervision/notices/{notice.id}").get_data(as_text=True)
    assert "已完成整改,3月进展已补报。" in seen and "整改报告.pdf" in seen
    ledger = client.get("/supervision/notices?state=answered").get_data(as_text=True)
    assert "已反馈" in ledger
    history = client.get(f"/tasks/{notice.task_id}").get_data(as_text=True)
    assert "督办反馈" in history and "发出督办单/催办" in history


def test_the_office_records_what_the_meeting_decided_on_a_coordination_issue(db, people, make, login_as):
    from tracker.supervision.services import import_minutes
    from tracker.supervision.models import MeetingKind
    from tracker.tasks.models import CoordinationIssue

    task = register(db, people).task
    issue = CoordinationIssue(task=task, department_id=people.lead.id, text="融资担保资金缺口需市财政统筹")
    db.session.add(issue)
    meeting = import_minutes(title="科技创新联席会议第二次会议", kind=MeetingKind.JOINT, held_on=date(2026, 3, 5),
                             attendees="", doc_number="科创联办〔2026〕3号", text=PARAGRAPHS, by=people.office)
    db.session.commit()
    client = login_as(people.office)
    page = client.get(f"/supervision/meetings/{meeting.id}").get_data(as_text=True)
    assert "融资担保资金缺口需市财政统筹" in page
    response = client.post_form(f"/supervision/meetings/{meeting.id}/issues",
                                {"issue_id": issue.id, "decision": "由市财政局统筹安排担保资金"})
    assert response.status_code == 302
    page = client.get(f"/supervision/meetings/{meeting.id}").get_data(as_text=True)
    assert "科技创新联席会议第二次会议(科创联办〔2026〕3号)议定:由市财政局统筹安排担保资金" in page
    assert "议定:由市财政局统筹安排担保资金" in client.get("/tasks/coordination").get_data(as_text=True)


def test_minutes_uploaded_as_a_file_are_read_alike(db, people, make, login_as):
    for name in ("市大数据局", "市发展改革委", "市政务服务办"):
        make.department(name)
    response = login_as(people.office).post_form("/supervision/meetings/new", {
        "title": "数字政府建设推进会议", "kind": "topic", "held_on": "2026-02-20", "attendees": "", "doc_number": "",
        "file": (io.BytesIO(TABLE.encode("gb18030")), "纪要.txt")}, content_type="multipart/form-data")
    assert response.status_code == 302
    plan = db.session.get(Plan, db.session.scalar(sa.select(Meeting.plan_id)))
    assert [task["lead"] for task in plan.draft["tasks"]] == ["市大数据局", "市政务服务办", "市大数据局"]
