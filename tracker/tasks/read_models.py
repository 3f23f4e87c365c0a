"""Read models kept current on write: what each department owes (OwedReport), for its page.

A transaction that writes an item's report, contribution, assignments or status, or a plan's periods,
recomputes the rows of those items from the source tables just before it commits
(tracker.core.cache calls `refresh`), so the table is always what `rebuild` would make of the source
tables; `flask tasks rebuild` makes it afresh (after a bulk load, or to check).
"""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.tasks.models import (
    EDITABLE_REPORT_STATES,
    AssignmentRole,
    Contribution,
    ContributionState,
    OwedReport,
    ProgressReport,
    ReportingPeriod,
    ReportState,
    Task,
    TaskAssignment,
    TaskStatus,
)

# The tables whose rows decide what is owed; a write to an item's reviews or milestones leaves it as it is.
OWED_SOURCES = frozenset({"tasks", "task_assignments", "progress_reports", "contributions"})
_COLUMNS = ["department_id", "task_id", "period_id", "role", "due_on"]


def owed_rows(*conditions) -> sa.Select:
    """(department, item, period, role, due day) of every report or contribution owed, from the source tables."""
    report, contribution = aliased(ProgressReport), aliased(Contribution)
    role = TaskAssignment.role
    lead_owes = sa.and_(role == AssignmentRole.LEAD,
                        sa.or_(report.id.is_(None), report.state.in_(EDITABLE_REPORT_STATES)))
    co_owes = sa.and_(role == AssignmentRole.CO,
                      sa.or_(contribution.id.is_(None), contribution.state == ContributionState.DRAFT),
                      sa.or_(report.id.is_(None), report.state != ReportState.APPROVED))
    return (
        sa.select(TaskAssignment.department_id, Task.id, ReportingPeriod.id, role, ReportingPeriod.due_on)
        .select_from(Task)
        .join(TaskAssignment, TaskAssignment.task_id == Task.id)
        .join(ReportingPeriod, ReportingPeriod.plan_id == Task.plan_id)
        .outerjoin(report, sa.and_(report.task_id == Task.id, report.period_id == ReportingPeriod.id))
        .outerjoin(contribution, sa.and_(contribution.task_id == Task.id, contribution.period_id == ReportingPeriod.id,
                                         contribution.department_id == TaskAssignment.department_id))
        .where(Task.status == TaskStatus.ACTIVE, sa.or_(lead_owes, co_owes), *conditions)
    )


def refresh(changed: dict[str, set[int]], plan_ids: set[int]) -> None:
    """Recompute the rows of the items written (through their owed sources) and of the plans' items."""
    task_ids = set().union(*(ids for table, ids in changed.items() if table in OWED_SOURCES))
    if not task_ids and not plan_ids:
        return
    table = OwedReport.__table__
    of_plans = sa.select(Task.id).where(Task.plan_id.in_(plan_ids))
    chosen = sa.or_(Task.id.in_(task_ids), Task.plan_id.in_(plan_ids))
    if db.session.get_bind().dialect.name == "postgresql":
        # Two transactions refreshing one item (a lead's report and a co-department's contribution) take
        # turns: the second recomputes from what the first committed instead of inserting beside it.
        db.session.execute(sa.select(Task.id).where(chosen).order_by(Task.id).with_for_update())
    db.session.execute(table.delete().where(sa.or_(table.c.task_id.in_(task_ids), table.c.task_id.in_(of_plans))))
    db.session.execute(table.insert().from_select(_COLUMNS, owed_rows(chosen)))


def rebuild() -> int:
    """Make the read model afresh from the source tables; how many rows it holds. The caller commits."""
    table = OwedReport.__table__
    db.session.execute(table.delete())
    db.session.execute(table.insert().from_select(_COLUMNS, owed_rows()))
    return db.session.scalar(sa.select(sa.func.count()).select_from(table))


tasks_cli = AppGroup("tasks", help="事项的读模型 / The items' read models.")


@tasks_cli.command("rebuild", help="从报送、配合材料与事项重建各单位待报事项 / Rebuild what each department owes "
                                   "from the reports, contributions and items.")
def rebuild_command():
    rows = rebuild()
    db.session.commit()
    click.echo(f"owed_reports: {rows}")
