"""Who may do what, decided in one place: role + department + object.

Every page, the JSON API and the CLI ask `can()` / `require()`; lists are narrowed with
`visible_tasks()` so that a list never shows what the item page would refuse.
"""
from __future__ import annotations

import enum

import sqlalchemy as sa
from werkzeug.exceptions import Forbidden, NotFound

from tracker.auth.models import Role, User
from tracker.tasks.models import (
    AssignmentRole,
    Evidence,
    Milestone,
    ProgressReport,
    Task,
    TaskAssignment,
    TaskStatus,
)

# Roles that see every item of every plan.
OVERSEERS = (Role.ADMIN, Role.OFFICE, Role.REVIEWER, Role.LEADER)


class Action(enum.StrEnum):
    VIEW_TASK = "view_task"
    REPORT = "report"  # file the lead department's progress report
    CONTRIBUTE = "contribute"  # file a co-responsible department's contribution
    SIGN_FOR = "sign_for"  # 签收
    CONFIRM_REPORT = "confirm_report"  # 负责人确认
    REVIEW = "review"  # 审核
    MANAGE_PLANS = "manage_plans"  # import, publish, assign, set cycles, reopen
    GENERATE_REPORTS = "generate_reports"
    READ_REPORTS = "read_reports"
    ADMINISTER = "administer"  # departments, users, calendar
    VIEW_EVIDENCE = "view_evidence"  # read or download a file: whoever may see its item
    REMOVE_EVIDENCE = "remove_evidence"  # its uploader, while still working on the item
    REOPEN_TASK = "reopen_task"  # 重新打开 a closed (销号) item
    RESOLVE_COORDINATION = "resolve_coordination"  # answer a 需协调事项
    VIEW_COORDINATION = "view_coordination"  # read the 需协调事项: who answers them and the leaders they go up to
    VIEW_REVIEW_QUEUE = "view_review_queue"  # what waits for review: the reviewers, and the office that chases it
    DIRECT_TASK = "direct_task"  # 督办 an active item: name or change its lead, extend its deadline, 催办
    MANAGE_CHANNELS = "manage_channels"  # group robots (webhooks) and the delivery log
    VIEW_OFFICE_OVERVIEW = "view_office_overview"  # 办公室总览
    VIEW_LEADER_DASHBOARD = "view_leader_dashboard"  # 领导驾驶舱


def _department_role(user: User, task: Task) -> AssignmentRole | None:
    if user.department_id is None:
        return None
    if task.lead_department_id == user.department_id:
        return AssignmentRole.LEAD
    for assignment in task.assignments:
        if assignment.department_id == user.department_id:
            return assignment.role
    return None


def is_department_member(user: User) -> bool:
    """A liaison or head of a department: his home is his department's items."""
    return user.department_id is not None and user.has_role(Role.LIAISON, Role.HEAD)


def can(user: User | None, action: Action, obj=None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = _RULES[action]
    return rule(user, obj)


def require(user: User | None, action: Action, obj=None) -> None:
    """Refuse with 403, or with 404 when the object belongs to an item the user may not see: he is not
    told that it exists (another department's item answers as a missing one does)."""
    if can(user, action, obj):
        return
    task = obj if isinstance(obj, Task) else getattr(obj, "task", None)
    if isinstance(task, Task) and not can(user, Action.VIEW_TASK, task):
        raise NotFound()
    raise Forbidden()


def _view_task(user: User, task: Task) -> bool:
    if user.has_role(*OVERSEERS):
        return True
    return is_department_member(user) and _department_role(user, task) is not None


def _report(user: User, task: Task) -> bool:
    return user.has_role(Role.LIAISON) and _department_role(user, task) == AssignmentRole.LEAD


def _contribute(user: User, task: Task) -> bool:
    return user.has_role(Role.LIAISON) and _department_role(user, task) == AssignmentRole.CO


def _sign_for(user: User, task: Task) -> bool:
    return user.has_role(Role.LIAISON, Role.HEAD) and _department_role(user, task) is not None


def _confirm_report(user: User, report: ProgressReport) -> bool:
    return user.has_role(Role.HEAD) and user.department_id is not None and report.department_id == user.department_id


def _review(user: User, obj) -> bool:
    """Reviewers review; nobody reviews his own department's report or milestone, nor what he submitted."""
    if not user.has_role(Role.REVIEWER):
        return False
    if isinstance(obj, ProgressReport):
        department_id, submitter_id = obj.department_id, obj.submitted_by_id
    elif isinstance(obj, Milestone):
        department_id, submitter_id = obj.task.lead_department_id, obj.submitted_by_id
    else:
        return True
    own_department = user.department_id is not None and department_id == user.department_id
    return not own_department and submitter_id != user.id


def _view_evidence(user: User, evidence: Evidence) -> bool:
    return _view_task(user, evidence.task)


def _remove_evidence(user: User, evidence: Evidence) -> bool:
    if evidence.uploaded_by_id != user.id:
        return False
    return _report(user, evidence.task) or _contribute(user, evidence.task)


def _direct_task(user: User, task: Task) -> bool:
    # A closed (销号) item is reopened first: its lead and deadline are history until then.
    return user.has_role(Role.OFFICE, Role.ADMIN) and task.status == TaskStatus.ACTIVE


def _role_rule(*roles: Role):
    return lambda user, _obj: user.has_role(*roles)


_RULES = {
    Action.VIEW_TASK: _view_task,
    Action.REPORT: _report,
    Action.CONTRIBUTE: _contribute,
    Action.SIGN_FOR: _sign_for,
    Action.CONFIRM_REPORT: _confirm_report,
    Action.REVIEW: _review,
    Action.MANAGE_PLANS: _role_rule(Role.OFFICE, Role.ADMIN),
    Action.GENERATE_REPORTS: _role_rule(Role.OFFICE, Role.ADMIN),
    Action.READ_REPORTS: _role_rule(Role.OFFICE, Role.ADMIN, Role.LEADER, Role.REVIEWER),
    Action.ADMINISTER: _role_rule(Role.ADMIN),
    Action.VIEW_EVIDENCE: _view_evidence,
    Action.REMOVE_EVIDENCE: _remove_evidence,
    Action.REOPEN_TASK: _role_rule(Role.OFFICE, Role.ADMIN),
    Action.RESOLVE_COORDINATION: _role_rule(Role.OFFICE, Role.ADMIN),
    Action.VIEW_COORDINATION: _role_rule(Role.OFFICE, Role.ADMIN, Role.LEADER),
    Action.VIEW_REVIEW_QUEUE: _role_rule(Role.REVIEWER, Role.OFFICE, Role.ADMIN),
    Action.DIRECT_TASK: _direct_task,
    Action.MANAGE_CHANNELS: _role_rule(Role.OFFICE, Role.ADMIN),
    Action.VIEW_OFFICE_OVERVIEW: _role_rule(Role.OFFICE, Role.ADMIN),
    Action.VIEW_LEADER_DASHBOARD: _role_rule(Role.LEADER, Role.OFFICE, Role.ADMIN),
}


def visible_tasks(user: User, query: sa.Select | None = None) -> sa.Select:
    """`query` (default: all tasks) narrowed to the tasks `user` may see."""
    query = query if query is not None else sa.select(Task)
    if user.has_role(*OVERSEERS):
        return query
    if not is_department_member(user):
        return query.where(sa.false())
    # EXISTS on the assignment table rather than a join: a task is listed once even with several roles.
    assigned = sa.exists().where(
        TaskAssignment.task_id == Task.id, TaskAssignment.department_id == user.department_id
    )
    return query.where(sa.or_(Task.lead_department_id == user.department_id, assigned))
