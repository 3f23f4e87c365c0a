"""批示 registered and assigned as an item; minutes imported, reviewed and published; 督办单 issued, answered, escalated."""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from tests.supervision.conftest import NOW, pdf_file, register
from tests.supervision.minutes_samples import NUMBERED
from tracker.audit.models import AuditEntry
from tracker.plans.models import ItemSource, PlanStatus
from tracker.plans.services import match_departments, publish_plan
from tracker.reminders.models import Notification, StepTarget
from tracker.reports.figures import escalated_items, parse_period
from tracker.supervision import services
from tracker.supervision.models import MeetingKind, NoticeKind
from tracker.tasks.errors import WorkflowError
from tracker.tasks.models import AssignmentRole, Light
from tracker.tasks.reporting import sign_for


def test_a_registered_instruction_is_an_item_of_its_source_with_lead_co_and_deadline(db, people):
    instruction = register(db, people)
    task = instruction.task
    assert task.source == ItemSource.INSTRUCTION and instruction.plan.source == ItemSource.INSTRUCTION
    assert task.title == "关于科技型中小企业融资难问题的报告"
    assert task.lead_department == people.lead
    assert {(a.department.name, a.role) for a in task.assignments} == {
        ("市科技局", AssignmentRole.LEAD), ("市财政局", AssignmentRole.CO)}
    assert task.due_on == date(2026, 3, 31)
    assert [(m.due_on, m.text) for m in task.milestones] == [(date(2026, 3, 31), "提出支持科技型中小企业融资的具体措施")]
    # It follows the plan items' workflow: periods to report in, and 签收.
    assert instruction.plan.status == PlanStatus.PUBLISHED
    sign_for(task, by=people.liaison, now=NOW)
    db.session.commit()
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.task_id == task.id)).all()
    assert {"task.published", "instruction.registered", "task.signed"} <= set(actions)


def test_the_words_propose_lead_co_and_deadline(db, people):
    proposed = services.read_instruction("请市科技局牵头，会同市财政局研究提出意见，月底前报我。", date(2026, 3, 9))
    assert proposed == {"lead": people.lead, "co": [people.co], "due_on": date(2026, 3, 31)}


def test_only_the_office_registers(db, people):
    with pytest.raises(Exception) as refused:
        register(db, people, by=people.liaison)
    assert getattr(refused.value, "code", None) == 403


def test_minutes_become_a_meeting_whose_published_decisions_are_its_items(db, people, make):
    make.department("市人社局"), make.department("市发展改革委")
    meeting = services.import_minutes(title="科技创新联席会议第二次会议", kind=MeetingKind.JOINT,
                                      held_on=date(2026, 3, 5), attendees="王明、市科技局、市财政局",
                                      doc_number=None, text=NUMBERED, by=people.office, now=NOW)
    db.session.commit()
    plan = meeting.plan
    assert plan.source == ItemSource.MEETING and plan.status == PlanStatus.DRAFT
    assert meeting.doc_number == "科创联办〔2026〕3号"
    assert all(match.is_matched for match in match_departments(plan).values())
    result = publish_plan(plan, by=people.office, now=NOW)
    db.session.commit()
    assert [(t.title, t.lead_department.name, t.due_on, t.source) for t in result.tasks] == [
        ("加快高新技术企业培育", "市科技局", date(2026, 3, 31), ItemSource.MEETING),
        ("研究制定人才引进配套政策", "市人社局", date(2026, 6, 30), ItemSource.MEETING),
        ("推进科技成果转化平台建设", "市发展改革委", date(2026, 12, 31), ItemSource.MEETING),
    ]


def _red(db, task):
    task.light, task.light_reason = Light.RED, "3月进展逾期未报送"
    db.session.commit()
    return task


def test_a_numbered_notice_for_a_red_item_then_the_departments_reply_with_evidence(db, people):
    task = register(db, people).task
    with pytest.raises(WorkflowError):
        services.issue_notice(task, kind=NoticeKind.NOTICE, lateness="", requirement="", reply_due_on=None,
                              issuing_office="联席会议办公室", by=people.office, now=NOW)
    _red(db, task)
    first = services.issue_notice(task, kind=NoticeKind.NOTICE, lateness=services.lateness_of(task, date(2026, 3, 10)),
                                  requirement="请说明滞后原因并提出整改措施", reply_due_on=None,
                                  issuing_office="联席会议办公室", by=people.office, now=NOW)
    second = services.issue_notice(task, kind=NoticeKind.NOTICE, lateness="", requirement="再次督办",
                                   reply_due_on=date(2026, 3, 20), issuing_office="联席会议办公室",
                                   by=people.office, now=NOW)
    reminder = services.issue_notice(task, kind=NoticeKind.REMINDER, lateness="", requirement="请尽快报送",
                                     reply_due_on=None, issuing_office="联席会议办公室", by=people.office, now=NOW)
    db.session.commit()
    assert (first.number, second.number, reminder.number) == ("督办〔2026〕1号", "督办〔2026〕2号", None)
    assert first.reply_due_on == date(2026, 3, 17)  # five working days
    assert first.lateness == "3月进展逾期未报送"
    inbox = db.session.scalars(sa.select(Notification.recipient_id).where(
        Notification.subject_key == f"notice:{first.id}")).all()
    assert set(inbox) == {people.liaison.id, people.head.id}

    with pytest.raises(WorkflowError):
        services.reply_notice(first, "已整改", [], by=people.co_liaison, expected_version=first.version)
    services.reply_notice(first, "已完成整改,3月进展已补报。", [("整改报告.pdf", pdf_file())], by=people.head,
                          expected_version=first.version, now=datetime(2026, 3, 12, 2, 0, tzinfo=timezone.utc))
    db.session.commit()
    assert first.replied_by_id == people.head.id
    assert [e.original_name for e in first.evidence] == ["整改报告.pdf"]
    with pytest.raises(WorkflowError):
        services.reply_notice(first, "再次反馈", [], by=people.head, expected_version=first.version)
    office_told = db.session.scalars(sa.select(Notification.recipient_id).where(
        Notification.subject_key == f"notice:{first.id}", Notification.step_key == "replied")).all()
    assert office_told == [people.office.id]


def test_an_unanswered_notice_escalates_once_to_the_head_the_office_and_the_next_report(db, people):
    task = _red(db, register(db, people).task)
    notice = services.issue_notice(task, kind=NoticeKind.NOTICE, lateness="", requirement="请说明原因",
                                   reply_due_on=date(2026, 3, 12), issuing_office="联席会议办公室",
                                   by=people.office, now=NOW)
    db.session.commit()
    assert services.escalate_unanswered(datetime(2026, 3, 12, 8, 0, tzinfo=timezone.utc)) == 0
    later = datetime(2026, 3, 13, 2, 0, tzinfo=timezone.utc)
    assert services.escalate_unanswered(later) == 1
    assert services.escalate_unanswered(later) == 0
    db.session.commit()
    targets = db.session.execute(sa.select(Notification.target, Notification.recipient_id).where(
        Notification.subject_key == f"notice:{notice.id}", Notification.step_key == "escalated")).all()
    assert set(targets) == {(StepTarget.HEAD, people.head.id), (StepTarget.OFFICE, people.office.id),
                            (StepTarget.SUPERVISION_REPORT, None)}
    assert services.unanswered(date(2026, 3, 13)) == [notice]
    # The next 通报 lists it among the items escalated to it.
    listed = escalated_items(parse_period("2026-03")).rows
    assert [(row.task_id, row.reason, row.workdays_late) for row in listed] == [
        (task.id, f"{notice.number}逾期未反馈:{task.title}", 1)]


def test_an_instruction_has_a_shorter_ladder_whose_last_step_tells_the_leaders(db, people):
    from tracker.reminders.policies import plan_policy
    from tracker.reminders.sweep import sweep

    instruction = register(db, people, written_on=date(2026, 3, 2), due_on=date(2026, 3, 10))
    policy = plan_policy(instruction.plan)
    assert [(s.key, s.offset_workdays, s.target) for s in policy.steps if s.condition.value == "milestone_not_approved"] \
        == [("milestone-head", 0, StepTarget.HEAD), ("milestone-office", 1, StepTarget.OFFICE),
            ("milestone-leader", 2, StepTarget.LEADER)]
    sweep(datetime(2026, 3, 12, 2, 0, tzinfo=timezone.utc))  # Thursday, two working days past the deadline
    db.session.commit()
    told = db.session.execute(sa.select(Notification.target, Notification.recipient_id, Notification.title).where(
        Notification.task_id == instruction.task_id)).all()
    assert (StepTarget.LEADER, people.leader.id) in {(target, user) for target, user, _title in told}
    assert any(title.startswith("【报领导】") for target, _user, title in told if target == StepTarget.LEADER)


def test_a_coordination_issue_decided_by_the_meeting_is_closed_and_shown_so_in_the_next_report(db, people, make):
    from tracker.reports.figures import coordination_agenda
    from tracker.tasks.models import CoordinationIssue

    task = register(db, people).task
    issue = CoordinationIssue(task=task, department_id=people.lead.id, text="融资担保资金缺口需市财政统筹",
                              raised_at=datetime(2026, 3, 3, 2, 0, tzinfo=timezone.utc))
    db.session.add(issue)
    meeting = services.import_minutes(title="科技创新联席会议第二次会议", kind=MeetingKind.JOINT,
                                      held_on=date(2026, 3, 5), attendees="", doc_number=None, text=NUMBERED,
                                      by=people.office, now=NOW)
    services.decide_issue(meeting, issue, "由市财政局统筹安排担保资金,见议定事项一", by=people.office, now=NOW)
    db.session.commit()
    assert meeting.issues == [issue] and issue.resolved_at is not None
    [row] = coordination_agenda(parse_period("2026-03")).rows
    assert row.resolved and row.resolution == \
        "科技创新联席会议第二次会议(科创联办〔2026〕3号)议定:由市财政局统筹安排担保资金,见议定事项一"
