"""Registering a 批示, importing a meeting's minutes, issuing a 督办单 or 催办, filing the department's reply,
escalating the unanswered. Like every service these flush and audit but never commit."""
from __future__ import annotations

from datetime import date, datetime
from typing import BinaryIO

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.services import record
from tracker.auth.models import Role, User
from tracker.core.clock import local_today, utcnow
from tracker.core.workdays import add_workdays, workdays_between
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans import drafts
from tracker.plans.matching import DepartmentDirectory
from tracker.plans.models import ItemSource, Plan, PlanStatus, ReportingCycle
from tracker.plans.parser.minutes import parse_minutes, read_decision
from tracker.plans.services import PlanRefused, create_draft, publish_plan, source_digest
from tracker.reminders import outbox
from tracker.reminders.models import StepTarget
from tracker.reminders.policies import INSTRUCTION_STEPS, give_plan_steps
from tracker.reminders.sweep import department_staff, insert_notifications, office_staff
from tracker.supervision.models import Instruction, Meeting, MeetingKind, NoticeKind, SupervisionNotice
from tracker.tasks.errors import WorkflowError
from tracker.tasks.evidence import store_evidence
from tracker.tasks.models import CoordinationIssue, Light, Task, TaskStatus
from tracker.tasks.permissions import Action, require
from tracker.tasks.reporting import resolve_coordination_issue
from tracker.text import clean_name

# Working days a department has to answer a 督办单 in writing, unless the office sets another day.
REPLY_WORKDAYS = 5


# ---- 批示 ----------------------------------------------------------------------------------------


def read_instruction(words: str, written_on: date) -> dict:
    """What a 批示's words say of who and by when ("请科技局牵头,会同财政局…,月底前报我"), matched to
    the directory: {"lead": Department|None, "co": [Department], "due_on": date|None}, for the form to offer."""
    decision = read_decision(words, written_on)
    directory = DepartmentDirectory.load()
    named = [directory.match(name).department for name in [decision.lead, *decision.co] if name]
    lead = named[0] if decision.lead and named else None
    return {"lead": lead, "co": [d for d in named[1:] if d is not None], "due_on": decision.due}


def register_instruction(*, document_title: str, document_number: str | None, leader: User | None,
                         leader_name: str, words: str, written_on: date, lead: Department, co: list[Department],
                         due_on: date, reply_requirements: str, by, now: datetime | None = None) -> Instruction:
    """登记并交办: the 批示件 is kept and becomes an item with its lead, co-responsible units and deadline,
    published as a plan's item is, so that it is signed for, reported on, reviewed and reminded alike."""
    require(by, Action.MANAGE_PLANS)
    now = now or utcnow()
    if not words.strip() or not document_title.strip():
        raise WorkflowError(_("请填写批示件标题和批示内容。"))
    if due_on < written_on:
        raise WorkflowError(_("办理时限不能早于批示日期。"))
    co = [department for department in co if department.id != lead.id]
    title = clean_name(document_title)[:300]
    task = {"number": "", "path": [], "title": title, "text": words.strip(), "lead": lead.name,
            "co": [department.name for department in co],
            "deliverables": [{"year": due_on.year, "text": reply_requirements.strip() or _("办理情况报批示领导"),
                              "recurring": False, "due_on": due_on.isoformat(), "targets": []}]}
    plan = Plan(title=_("批示件:%(title)s", title=title)[:300], doc_number=(document_number or "").strip() or None,
                issuing_body=leader_name.strip()[:200] or None, start_year=written_on.year, end_year=due_on.year,
                status=PlanStatus.DRAFT, source=ItemSource.INSTRUCTION, source_text=words.strip(),
                source_sha256=source_digest(f"{title}\n{written_on}\n{words}"),
                draft=drafts.prepare({"title": title, "tasks": [task]}), reporting_cycle=ReportingCycle.MONTHLY,
                reporting_due_day=25, reporting_dates=[], created_by_id=getattr(by, "id", None))
    db.session.add(plan)
    db.session.flush()
    try:
        published = publish_plan(plan, by=by, now=now)
    except PlanRefused as refused:
        raise WorkflowError(refused.message) from None
    give_plan_steps(plan, INSTRUCTION_STEPS, by=by)
    instruction = Instruction(
        plan=plan, task=published.tasks[0], document_title=title, leader_id=getattr(leader, "id", None),
        document_number=plan.doc_number, leader_name=leader_name.strip()[:100], words=words.strip(),
        written_on=written_on, reply_requirements=reply_requirements.strip(), registered_by_id=getattr(by, "id", None))
    db.session.add(instruction)
    db.session.flush()
    record("instruction.registered", instruction, by=by, now=now, task_id=instruction.task_id, plan_id=plan.id,
           after={"document_title": title, "leader": instruction.leader_name, "written_on": written_on,
                  "lead": lead.name, "co": [d.name for d in co], "due_on": due_on,
                  "reply_requirements": instruction.reply_requirements})
    return instruction


# ---- 会议 ----------------------------------------------------------------------------------------


def import_minutes(*, title: str, kind: MeetingKind, held_on: date, attendees: str, doc_number: str | None,
                   text: str, by, now: datetime | None = None) -> Meeting:
    """The meeting as a record, and its minutes read into proposed items: a draft of source MEETING, for
    the plans' review page, whose publication makes each decision an item of this meeting."""
    require(by, Action.MANAGE_PLANS)
    if not text.strip():
        raise WorkflowError(_("纪要内容为空,未导入。"))
    parse = parse_minutes(text, held_on).to_dict()
    parse["title"] = clean_name(title) or parse["title"]
    parse["doc_number"] = (doc_number or "").strip() or parse.get("doc_number")
    try:
        plan = create_draft(text, parse, by=by, now=now)
    except PlanRefused as refused:
        raise WorkflowError(refused.message) from None
    plan.source = ItemSource.MEETING
    meeting = Meeting(plan=plan, kind=kind, title=plan.title, held_on=held_on, attendees=attendees.strip(),
                      doc_number=plan.doc_number, created_by_id=getattr(by, "id", None))
    db.session.add(meeting)
    db.session.flush()
    record("meeting.created", meeting, by=by, now=now, plan_id=plan.id,
           after={"title": meeting.title, "kind": kind, "held_on": held_on, "doc_number": meeting.doc_number,
                  "decisions": len(parse["tasks"])})
    return meeting


def decide_issue(meeting: Meeting, issue: CoordinationIssue, decision: str, *, by,
                 now: datetime | None = None) -> CoordinationIssue:
    """A 需协调事项 the meeting took up (提请联席会议研究事项) is resolved with what it decided, naming the
    meeting, and linked to it, so the next 通报 shows the issue closed by the meeting."""
    require(by, Action.MANAGE_PLANS)
    if not decision.strip():
        raise WorkflowError(_("请填写会议议定的内容。"))
    reference = meeting.doc_number or meeting.held_on.isoformat()
    resolve_coordination_issue(issue, _("%(meeting)s(%(reference)s)议定:%(decision)s", meeting=meeting.title,
                                        reference=reference, decision=decision.strip()), by=by, now=now)
    meeting.issues.append(issue)
    db.session.flush()
    return issue


# ---- 督办单 and 催办 ---------------------------------------------------------------------------------


def lateness_of(task: Task, today: date) -> str:
    """What is late and by how much, as the notice first says it (the office may rewrite it)."""
    parts = [task.light_reason] if task.light_reason else []
    if task.due_on and task.due_on < today:
        parts.append(_("已超过办理时限(%(due)s)%(days)s个工作日", due=task.due_on.isoformat(),
                       days=workdays_between(task.due_on, today)))
    return ";".join(parts)


def issue_notice(task: Task, *, kind: NoticeKind, lateness: str, requirement: str, reply_due_on: date | None,
                 issuing_office: str, by, now: datetime | None = None) -> SupervisionNotice:
    """Send a 督办单 (numbered, for a red item) or a 催办 (any open item) to the item's lead department."""
    require(by, Action.MANAGE_PLANS)
    now = now or utcnow()
    today = local_today(now)
    if task.status == TaskStatus.CLOSED:
        raise WorkflowError(_("该事项已销号,无需督办。"))
    if task.lead_department_id is None:
        raise WorkflowError(_("该事项尚无牵头单位,请先指定牵头单位。"))
    if kind == NoticeKind.NOTICE and task.light != Light.RED:
        raise WorkflowError(_("督办单只发给红灯事项;其他事项可发催办。"))
    reply_due_on = reply_due_on or add_workdays(today, REPLY_WORKDAYS)
    if reply_due_on < today:
        raise WorkflowError(_("反馈时限不能早于今天。"))
    notice = SupervisionNotice(kind=kind, task=task, department_id=task.lead_department_id, issued_at=now,
                               issued_by_id=by.id, issuing_office=issuing_office.strip()[:200],
                               lateness=lateness.strip(), requirement=requirement.strip(), reply_due_on=reply_due_on)
    if kind == NoticeKind.NOTICE:
        notice.year = today.year
        notice.serial = 1 + (db.session.scalar(sa.select(sa.func.max(SupervisionNotice.serial))
                                               .where(SupervisionNotice.year == today.year)) or 0)
    db.session.add(notice)
    db.session.flush()
    record("notice.issued", notice, by=by, now=now, task_id=task.id, plan_id=task.plan_id,
           after={"notice": _notice_name(notice), "department": task.lead_department.name,
                  "lateness": notice.lateness, "requirement": notice.requirement, "reply_due_on": reply_due_on})
    _notify(notice, "issued", [Role.HEAD, Role.LIAISON], now,
            title=_("%(what)s:%(title)s", what=_notice_name(notice), title=task.title[:60]),
            body=_("请于 %(day)s 前书面反馈。%(requirement)s", day=reply_due_on.isoformat(), requirement=notice.requirement))
    return notice


def _notice_name(notice: SupervisionNotice) -> str:
    return notice.number or _("催办")


def may_reply(user: User, notice: SupervisionNotice) -> bool:
    """The department's head or liaison answers its own notice (反馈)."""
    return (user.is_authenticated and user.department_id is not None and user.department_id == notice.department_id
            and user.has_role(Role.HEAD, Role.LIAISON))


def reply_notice(notice: SupervisionNotice, text: str, files: list[tuple[str, BinaryIO]], *, by,
                 expected_version: int, now: datetime | None = None) -> SupervisionNotice:
    """The department's written reply (反馈) with its evidence; filed once."""
    if not may_reply(by, notice):
        require(by, Action.VIEW_TASK, notice.task)
        raise WorkflowError(_("只有被督办单位的负责人或联络员可以反馈。"))
    if notice.version != expected_version:
        raise WorkflowError(_("该督办单已被他人修改,请刷新页面。"))
    if notice.replied_at is not None:
        raise WorkflowError(_("该督办单已于 %(day)s 反馈。", day=local_today(notice.replied_at).isoformat()))
    if not text.strip():
        raise WorkflowError(_("请填写反馈内容。"))
    now = now or utcnow()
    for filename, stream in files:
        notice.evidence.append(store_evidence(notice.task, filename, stream, by=by, now=now))
    notice.reply_text, notice.replied_at, notice.replied_by_id = text.strip(), now, by.id
    db.session.flush()
    record("notice.replied", notice, by=by, now=now, task_id=notice.task_id, plan_id=notice.task.plan_id,
           after={"notice": _notice_name(notice), "reply_text": notice.reply_text,
                  "late": local_today(now) > notice.reply_due_on, "evidence": [e.original_name for e in notice.evidence]})
    _notify(notice, "replied", [], now, office=True,
            title=_("%(what)s已反馈:%(title)s", what=_notice_name(notice), title=notice.task.title[:60]),
            body=notice.reply_text[:500])
    return notice


def escalate_unanswered(now: datetime) -> int:
    """An unanswered notice past its reply day goes to the department's head and to the office, and is
    listed for the next 通报, once; how many were escalated. Run by the reminders' sweep."""
    today = local_today(now)
    late = db.session.scalars(
        sa.select(SupervisionNotice).where(SupervisionNotice.replied_at.is_(None),
                                           SupervisionNotice.escalated_at.is_(None),
                                           SupervisionNotice.reply_due_on < today)
        .order_by(SupervisionNotice.id)).all()
    for notice in late:
        notice.escalated_at = now
        record("notice.escalated", notice, now=now, task_id=notice.task_id, plan_id=notice.task.plan_id,
               after={"notice": _notice_name(notice), "reply_due_on": notice.reply_due_on})
        _notify(notice, "escalated", [Role.HEAD], now, office=True, listed=True, level=2,
                late=workdays_between(notice.reply_due_on, today),
                title=_("%(what)s逾期未反馈:%(title)s", what=_notice_name(notice), title=notice.task.title[:60]),
                body=_("反馈时限 %(day)s 已过,%(department)s尚未书面反馈。", day=notice.reply_due_on.isoformat(),
                       department=notice.department.name if notice.department else ""))
    db.session.flush()
    return len(late)


def unanswered(today: date) -> list[SupervisionNotice]:
    """Notices past their reply day without a reply: the ledger's and the 通报's list."""
    return list(db.session.scalars(
        sa.select(SupervisionNotice).where(SupervisionNotice.replied_at.is_(None),
                                           SupervisionNotice.reply_due_on < today)
        .order_by(SupervisionNotice.reply_due_on, SupervisionNotice.id)))


def _notify(notice: SupervisionNotice, step: str, roles: list[Role], now: datetime, *, title: str, body: str,
            office: bool = False, listed: bool = False, level: int = 1, late: int = 0) -> None:
    """Notices through the reminders' outbox (inbox, e-mail, group robots), as a due report's are sent; one
    `listed` is also in the next 通报's 列入通报事项, `late` working days past the reply day."""
    staff = department_staff({notice.department_id}) if notice.department_id and roles else {}
    recipients = [(user_id, StepTarget.HEAD if role == Role.HEAD else StepTarget.LIAISON)
                  for role in roles for user_id in staff.get((notice.department_id, role), [])]
    recipients += [(user_id, StepTarget.OFFICE) for user_id in (office_staff() if office else [])]
    recipients += [(None, StepTarget.SUPERVISION_REPORT)] if listed else []
    rows = [{"subject_key": f"notice:{notice.id}", "step_key": step,
             "recipient_key": f"user:{user_id}" if user_id else "supervision_report", "occurrence": 0,
             "recipient_id": user_id, "task_id": notice.task_id, "period_id": None, "milestone_id": None,
             "department_id": notice.department_id, "escalation_level": level, "target": target,
             "title": title[:300], "body": body, "link": f"/supervision/notices/{notice.id}",
             "due_on": notice.reply_due_on, "workdays_late": late, "created_at": now, "read_at": None}
            for user_id, target in recipients]
    if rows:
        created = insert_notifications(sorted(rows, key=lambda row: row["recipient_key"]))
        if created:
            outbox.enqueue_deliveries(created, now=now)
