"""督办 on the item itself: the office names or changes an item's lead department and extends its
deadline with a reason, where it reads the item. Each change is audited and the item's light follows at
once. (催办, a reminder to the lead department, is sent by tracker.reminders.urging.)"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _

from tracker.audit.services import record
from tracker.core.clock import utcnow
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.tasks import lights
from tracker.tasks.errors import WorkflowError
from tracker.tasks.models import AssignmentRole, Task, TaskAssignment
from tracker.tasks.permissions import Action, require
from tracker.tasks.reporting import check_version, conflicts_as_stale

REASON_LIMIT = 500


def assign_lead(task: Task, department: Department, *, by, expected_version: int,
                now: datetime | None = None) -> None:
    """指定 or 更换牵头单位: `department` leads the item; a former lead stays on it as co-responsible.
    A group cannot lead (see tracker.plans.services.assignments_for)."""
    require(by, Action.DIRECT_TASK, task)
    check_version(task, Task, {"id": task.id}, expected_version)
    if department.is_group:
        raise WorkflowError(_("单位组不能作为牵头单位,请选择组内的一个单位。"))
    if task.lead_department_id == department.id:
        raise WorkflowError(_("“%(name)s”已是该事项的牵头单位", name=department.name))
    before = task.lead_department.name if task.lead_department else None
    task.lead_department = department
    for assignment in task.assignments:
        if assignment.role == AssignmentRole.LEAD:
            assignment.role = AssignmentRole.CO
    existing = next((a for a in task.assignments if a.department_id == department.id), None)
    if existing is not None:
        existing.role = AssignmentRole.LEAD
    else:
        task.assignments.append(TaskAssignment(department=department, role=AssignmentRole.LEAD))
    with conflicts_as_stale(Task, {"id": task.id}):
        db.session.flush()
    record("task.lead_assigned" if before is None else "task.lead_changed", task, by=by, task_id=task.id,
           plan_id=task.plan_id, before={"lead": before}, after={"lead": department.name}, now=now)
    lights.refresh_lights(now or utcnow(), task_ids=[task.id])


def extend_deadline(task: Task, due_on: date, reason: str, *, by, expected_version: int,
                    now: datetime | None = None) -> None:
    """延期: the item's deadline moves later, for a reason the history keeps."""
    require(by, Action.DIRECT_TASK, task)
    check_version(task, Task, {"id": task.id}, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("请填写延期的理由"))
    if len(reason) > REASON_LIMIT:
        raise WorkflowError(_("理由不能超过 %(limit)s 字", limit=REASON_LIMIT))
    if task.due_on is not None and due_on <= task.due_on:
        raise WorkflowError(_("新的期限须晚于现在的期限(%(due)s)", due=format_date(task.due_on)))
    before = task.due_on
    task.due_on = due_on
    with conflicts_as_stale(Task, {"id": task.id}):
        db.session.flush()
    record("task.deadline_extended", task, by=by, task_id=task.id, plan_id=task.plan_id,
           before={"due_on": before}, after={"due_on": due_on, "reason": reason}, now=now)
    lights.refresh_lights(now or utcnow(), task_ids=[task.id])
