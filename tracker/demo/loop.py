"""The demo's 督查督办 loop, woven into the end of its history: three leaders' instructions (批示) of the
last two months, a joint meeting whose minutes' decisions were published as items, and two 督办单 to
departments with red items, one answered with evidence and one past its reply day, escalated.

Everything goes through the services with the moment it would have happened, so the audit log, the
inbox and the ledger read as if the office had done it."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from tracker.auth.models import Role, User, UserRole
from tracker.core.clock import LOCAL_TZ, as_utc, local_today
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import ItemSource
from tracker.plans.services import publish_plan
from tracker.reminders.models import Notification
from tracker.supervision import services
from tracker.supervision.models import MeetingKind, NoticeKind
from tracker.tasks import lights
from tracker.tasks.models import Light, Task, TaskStatus
from tracker.tasks.reporting import sign_for

ISSUING_OFFICE = "联席会议办公室"
REPLY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (days before the reference it was written, days it has, lead, co, document, words, reply requirements)
INSTRUCTIONS = [
    (50, 40, "市科技局", ["市财政局"], "关于科技型中小企业融资难问题的调研报告",
     "请市科技局牵头，会同市财政局研究提出意见，{due}前报我。", "提出缓解科技型中小企业融资难的具体措施和资金安排"),
    (20, 45, "市教育局", ["市人力资源社会保障局"], "关于高校毕业生留蚌就业情况的报告",
     "请市教育局会同市人社局抓紧研究高校毕业生留蚌就业的支持措施，{due}前报我。", "报送支持措施清单和责任分工"),
    (5, 40, "市经济和信息化局", [], "关于重点企业用工需求的情况反映",
     "请经信局牵头做好重点企业用工保障工作，{due}前报结果。", "报送重点企业用工缺口及保障情况"),
]
MEETING_DAYS_AGO = 40


def _at(day: date, hour: int) -> datetime:
    return as_utc(datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TZ))


def _chinese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _user(login: str) -> User:
    return db.session.scalar(sa.select(User).where(User.login == login))


def _department(name: str) -> Department:
    return db.session.scalar(sa.select(Department).where(Department.name == name))


def minutes_text(held_on: date) -> str:
    """Invented minutes of the joint meeting, numbered 一、二、三、, deadlines after the meeting."""
    first, second = held_on + timedelta(days=35), held_on + timedelta(days=80)
    return f"""科技创新联席会议第三次会议纪要
科创联办〔{held_on.year}〕3号

{_chinese(held_on)}，分管领导赵领导主持召开科技创新联席会议第三次会议，市科技局、市财政局、市人社局、市发展改革委负责同志参加。
会议听取了联席会议办公室关于重点任务推进情况和需协调事项的汇报。
会议议定：
一、加快科技型企业培育入库，由市科技局牵头，市财政局配合，{first.year}年{first.month}月底前完成。
二、研究制定高层次人才引进配套政策，由市人社局牵头，市科技局、市财政局配合，{_chinese(second)}前报市政府。
三、推进科技成果转化服务平台建设，市发展改革委负责，{held_on.year}年12月31日前完成。
"""


def build_loop(reference: datetime) -> int:
    """Write the loop up to `reference` and refresh its items' lights; how many notices (inbox, 通报) its
    督办单 sent. The caller commits."""
    today = local_today(reference)
    office, leader = _user("office"), _user("leader")
    made = []
    for days_ago, days, lead, co, document, words, requirements in INSTRUCTIONS:
        written_on = today - timedelta(days=days_ago)
        due_on = written_on + timedelta(days=days)
        instruction = services.register_instruction(
            document_title=document, document_number=None, leader=leader, leader_name=leader.name,
            words=words.format(due=f"{due_on.month}月{due_on.day}日"), written_on=written_on,
            lead=_department(lead), co=[_department(name) for name in co], due_on=due_on,
            reply_requirements=requirements, by=office, now=_at(written_on, 16))
        made.append(instruction.task_id)
        liaison = _liaison(instruction.task.lead_department_id)
        if liaison is not None and days_ago > 10:
            sign_for(instruction.task, by=liaison, now=_at(written_on + timedelta(days=1), 10))
    held_on = today - timedelta(days=MEETING_DAYS_AGO)
    meeting = services.import_minutes(title="科技创新联席会议第三次会议", kind=MeetingKind.JOINT, held_on=held_on,
                                      attendees="赵领导;市科技局、市财政局、市人社局、市发展改革委负责同志",
                                      doc_number=None, text=minutes_text(held_on), by=office,
                                      now=_at(held_on + timedelta(days=2), 10))
    made += [task.id for task in publish_plan(meeting.plan, by=office,
                                              now=_at(held_on + timedelta(days=2), 11)).tasks]
    _notices(reference, today, office)
    db.session.flush()
    lights.refresh_lights(reference, made)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.subject_key.like("notice:%")))


def _liaison(department_id: int | None) -> User | None:
    return db.session.scalar(sa.select(User).join(UserRole, UserRole.user_id == User.id).where(
        User.department_id == department_id, UserRole.role == Role.LIAISON).order_by(User.id).limit(1))


def _head(department_id: int | None) -> User | None:
    return db.session.scalar(sa.select(User).join(UserRole, UserRole.user_id == User.id).where(
        User.department_id == department_id, UserRole.role == Role.HEAD).order_by(User.id).limit(1))


def _notices(reference: datetime, today: date, office: User) -> None:
    """Two 督办单 to red plan items whose department has a head: one answered in time, one left unanswered."""
    red = [task for task in db.session.scalars(
        sa.select(Task).where(Task.light == Light.RED, Task.status == TaskStatus.ACTIVE,
                              Task.source == ItemSource.PLAN, Task.lead_department_id.is_not(None))
        .order_by(Task.plan_id, Task.position)) if _head(task.lead_department_id) is not None]
    chosen = []
    for task in red:
        if all(task.lead_department_id != other.lead_department_id for other in chosen):
            chosen.append(task)
        if len(chosen) == 2:
            break
    for number, task in enumerate(chosen):
        issued = today - timedelta(days=20 if number == 0 else 12)
        notice = services.issue_notice(
            task, kind=NoticeKind.NOTICE, lateness=services.lateness_of(task, issued) or task.light_reason or "",
            requirement="请说明滞后原因,提出整改措施和完成时间,并补报进展情况。",
            reply_due_on=issued + timedelta(days=7), issuing_office=ISSUING_OFFICE, by=office, now=_at(issued, 15))
        if number == 0:
            head = _head(task.lead_department_id)
            services.reply_notice(notice, "已召开专题会议研究整改,滞后原因为项目审批周期较长;已明确整改措施和时间表,"
                                          "本月进展已补报。", [("整改情况报告.pdf", io.BytesIO(REPLY_PDF))], by=head,
                                  expected_version=notice.version, now=_at(issued + timedelta(days=5), 11))
    services.escalate_unanswered(reference)
