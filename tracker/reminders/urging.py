"""催办: the office reminds an item's lead department from the item page, on the channels every reminder
takes (the inbox, and e-mail and the department's group robot as their settings say)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.services import record
from tracker.auth.models import Role, User
from tracker.core.clock import as_utc, utcnow
from tracker.extensions import db
from tracker.reminders import outbox
from tracker.reminders.models import Notification, StepTarget
from tracker.reminders.sweep import department_staff, insert_notifications, item_name
from tracker.tasks.errors import WorkflowError
from tracker.tasks.models import Task
from tracker.tasks.permissions import Action, require

STEP_KEY = "urge"
# An office's 催办 is an escalation by nature: it reaches those who take e-mail from the first level up.
URGE_LEVEL = 1


def urge(task: Task, message: str, *, by: User, now: datetime | None = None) -> int:
    """催办 the lead department's liaisons once more; how many were reached. The caller commits."""
    require(by, Action.DIRECT_TASK, task)
    if task.lead_department_id is None:
        raise WorkflowError(_("该事项未明确牵头单位,无人可催办,请先指定牵头单位"))
    liaisons = department_staff({task.lead_department_id}).get((task.lead_department_id, Role.LIAISON), [])
    if not liaisons:
        raise WorkflowError(_("“%(name)s”没有在用的联络员账号,催办无人接收", name=task.lead_department.name))
    now = as_utc(now or utcnow())
    subject = f"urge:{task.id}"
    # Each 催办 is a new occurrence of the one subject: the notices' unique key keeps a double click to one.
    occurrence = 1 + (db.session.scalar(sa.select(sa.func.max(Notification.occurrence))
                                        .where(Notification.subject_key == subject)) or 0)
    message = " ".join((message or "").split())
    lines = [f"事项:{task.number}{task.title}", f"牵头单位:{task.lead_department.name}",
             f"办公室催办:请尽快办理并报送进展{'。' if not message else ':' + message}",
             f"催办人:{by.name}"]
    rows = [{"subject_key": subject, "step_key": STEP_KEY, "recipient_key": f"user:{user_id}",
             "occurrence": occurrence, "recipient_id": user_id, "task_id": task.id, "period_id": None,
             "milestone_id": None, "department_id": task.lead_department_id, "escalation_level": URGE_LEVEL,
             "target": StepTarget.LIAISON, "title": f"【催办】{item_name(task.number, task.title)}:请尽快办理",
             "body": "\n".join(lines), "link": f"/tasks/{task.id}", "due_on": task.due_on, "workdays_late": 0,
             "created_at": now, "read_at": None} for user_id in liaisons]
    notices = insert_notifications(rows)
    outbox.enqueue_deliveries(notices, now=now)
    record("task.urged", task, by=by, task_id=task.id, plan_id=task.plan_id, now=now,
           after={"message": message, "recipients": len(notices)})
    return len(notices)
