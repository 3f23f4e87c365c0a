"""What the 督查督办 pages list: 批示件, meetings, and the 督办单 ledger as each user may see it."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker.auth.models import User
from tracker.extensions import db
from tracker.supervision.models import Instruction, Meeting, NoticeKind, SupervisionNotice
from tracker.tasks.models import CoordinationIssue, Task
from tracker.tasks.permissions import OVERSEERS, is_department_member

# The ledger's state filter.
ANSWERED, OPEN, OVERDUE = "answered", "open", "overdue"


def instructions(leader_id: int | None = None) -> list[Instruction]:
    """批示件, newest first; a leader's own when `leader_id` (批示件办理情况)."""
    query = sa.select(Instruction).options(joinedload(Instruction.task).joinedload(Task.lead_department))
    if leader_id is not None:
        query = query.where(Instruction.leader_id == leader_id)
    return list(db.session.scalars(query.order_by(Instruction.written_on.desc(), Instruction.id.desc())))


def instruction_of(task_id: int) -> Instruction | None:
    return db.session.scalar(sa.select(Instruction).where(Instruction.task_id == task_id))


def meetings() -> list[Meeting]:
    return list(db.session.scalars(
        sa.select(Meeting).options(joinedload(Meeting.plan)).order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def meeting_of(plan_id: int) -> Meeting | None:
    return db.session.scalar(sa.select(Meeting).where(Meeting.plan_id == plan_id))


def meeting_items(meeting: Meeting) -> list[Task]:
    return list(db.session.scalars(
        sa.select(Task).where(Task.plan_id == meeting.plan_id).options(joinedload(Task.lead_department))
        .order_by(Task.position, Task.id)))


def open_issues() -> list[CoordinationIssue]:
    """需协调事项 still open, oldest first: what the office puts to the meeting."""
    return list(db.session.scalars(
        sa.select(CoordinationIssue).where(CoordinationIssue.resolved_at.is_(None))
        .options(joinedload(CoordinationIssue.task).load_only(Task.id, Task.title))
        .order_by(CoordinationIssue.raised_at, CoordinationIssue.id)))


def visible_notices(user: User) -> sa.Select:
    """Every notice for an overseer; a department's own for its liaison and head; none for anyone else."""
    query = sa.select(SupervisionNotice)
    if user.has_role(*OVERSEERS):
        return query
    if not is_department_member(user):
        return query.where(sa.false())
    return query.where(SupervisionNotice.department_id == user.department_id)


def ledger(user: User, today: date, *, kind: NoticeKind | None = None, state: str | None = None) -> list[SupervisionNotice]:
    """督办单台账: newest first, with the item and the department."""
    query = visible_notices(user).options(
        joinedload(SupervisionNotice.task).load_only(Task.id, Task.title, Task.light, Task.source),
        joinedload(SupervisionNotice.department), selectinload(SupervisionNotice.evidence))
    if kind is not None:
        query = query.where(SupervisionNotice.kind == kind)
    if state == ANSWERED:
        query = query.where(SupervisionNotice.replied_at.is_not(None))
    elif state == OPEN:
        query = query.where(SupervisionNotice.replied_at.is_(None), SupervisionNotice.reply_due_on >= today)
    elif state == OVERDUE:
        query = query.where(SupervisionNotice.replied_at.is_(None), SupervisionNotice.reply_due_on < today)
    return list(db.session.scalars(query.order_by(SupervisionNotice.issued_at.desc(), SupervisionNotice.id.desc())))


def notices_for(task_id: int) -> list[SupervisionNotice]:
    return list(db.session.scalars(
        sa.select(SupervisionNotice).where(SupervisionNotice.task_id == task_id).order_by(SupervisionNotice.id)))
