"""What the pages show, each loaded with a fixed number of queries however many rows there are."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, defer, joinedload, selectinload

from tracker.audit.models import AuditEntry
from tracker.auth.models import User
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import ItemSource, Plan, PlanStatus
from tracker.tasks.due_periods import DuePeriods, due_periods
from tracker.tasks.models import (
    EDITABLE_REPORT_STATES,
    AssignmentRole,
    Contribution,
    ContributionState,
    CoordinationIssue,
    Evidence,
    Light,
    Milestone,
    MilestoneStatus,
    OwedReport,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportState,
    Review,
    ReviewDecision,
    Task,
    TaskAssignment,
    TaskStatus,
)
from tracker.tasks.permissions import OVERSEERS, visible_tasks

# The overview's "status" filter: a reported progress status, or one of these.
STATUS_CLOSED = "closed"
STATUS_UNREPORTED = "unreported"
# The overview's report filter for a period: a report state, or "missing" (nothing filed yet).
REPORT_MISSING = "missing"


@dataclass
class Page:
    rows: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _plan_title(parent=None):
    """Join a task's plan for its title only: a plan row also holds the whole source text and its parse."""
    loader = parent.joinedload(Task.plan) if parent is not None else joinedload(Task.plan)
    return loader.load_only(Plan.id, Plan.title)


# A list shows a task's title, not its full text.
_TASK_LIST = (defer(Task.text), defer(Task.text_original))


def _person(relationship):
    """Join a user shown by name only, without the roles every loaded user otherwise brings along."""
    return joinedload(relationship).lazyload(User.role_rows)


def _paged(query: sa.Select, page: int, per_page: int) -> tuple[list, int]:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def departments_of_tasks(task_ids: set[int]) -> set[int]:
    """The departments whose pages show these tasks: each one's lead and co-responsible departments."""
    return set(db.session.scalars(
        sa.select(TaskAssignment.department_id).where(TaskAssignment.task_id.in_(task_ids)).union(
            sa.select(Task.lead_department_id).where(Task.id.in_(task_ids),
                                                     Task.lead_department_id.is_not(None)))))


# ---- the office overview ----------------------------------------------------------------------------


@dataclass
class OverviewFilters:
    plan_id: int | None = None
    department_id: int | None = None
    status: str | None = None
    light: Light | None = None
    period: str | None = None  # a period label such as 2025-03
    report: str | None = None  # a ReportState value or REPORT_MISSING; needs `period`
    page: int = 1
    source: ItemSource | None = None  # 规划方案, 领导批示 or 会议议定


def _status_condition(status: str):
    if status == STATUS_CLOSED:
        return Task.status == TaskStatus.CLOSED
    if status == STATUS_UNREPORTED:
        return sa.and_(Task.status == TaskStatus.ACTIVE, Task.progress_status.is_(None))
    return sa.and_(Task.status == TaskStatus.ACTIVE, Task.progress_status == ProgressStatus(status))


def overview(user: User, filters: OverviewFilters, per_page: int) -> Page:
    """Tasks the user may see, filtered; each row (task, report state, due day) for the chosen period."""
    period = aliased(ReportingPeriod)
    report = aliased(ProgressReport)
    if filters.period:
        query = (
            sa.select(Task, report.state, period.due_on)
            .outerjoin(period, sa.and_(period.plan_id == Task.plan_id, period.label == filters.period))
            .outerjoin(report, sa.and_(report.task_id == Task.id, report.period_id == period.id))
        )
    else:
        query = sa.select(Task, sa.null(), sa.null())
    # The plan's status as an IN on its id, not a join: the tasks are then read in the order of
    # ix_tasks_plan_position (plan, position, id), which is the page's order, and the LIMIT stops the
    # scan after one page instead of sorting all 30,000 tasks.
    query = visible_tasks(user, query).where(Task.plan_id.in_(_published_plan_ids()))
    query = query.where(*_filter_conditions(filters, period, report))
    query = query.options(_plan_title(), joinedload(Task.lead_department), *_TASK_LIST).order_by(
        Task.plan_id, Task.position, Task.id)
    rows, total = _paged(query, filters.page, per_page)
    return Page(rows=rows, total=total, page=filters.page, per_page=per_page)


def _published_plan_ids() -> sa.Select:
    return sa.select(Plan.id).where(Plan.status == PlanStatus.PUBLISHED)


def visibility_key(user: User) -> tuple:
    """Whose cached lists a user may be shown: every overseer sees all tasks, anyone else his own."""
    return ("all",) if user.has_role(*OVERSEERS) else ("user", user.id)


def _filter_conditions(filters: OverviewFilters, period, report) -> list:
    conditions = []
    if filters.plan_id:
        conditions.append(Task.plan_id == filters.plan_id)
    if filters.department_id:
        assigned = sa.exists().where(TaskAssignment.task_id == Task.id,
                                     TaskAssignment.department_id == filters.department_id)
        conditions.append(sa.or_(Task.lead_department_id == filters.department_id, assigned))
    if filters.status:
        conditions.append(_status_condition(filters.status))
    if filters.light:
        conditions.append(Task.light == filters.light)
    if filters.source:
        conditions.append(Task.source == filters.source)
    if filters.period and filters.report == REPORT_MISSING:
        conditions += [period.id.is_not(None), sa.or_(report.id.is_(None), report.state.in_(EDITABLE_REPORT_STATES))]
    elif filters.period and filters.report:
        conditions.append(report.state == ReportState(filters.report))
    return conditions


# The period filter offers the reporting periods due from two years back to a month ahead, not every
# period of a plan since 2018: older ones are still reached by their label in the address.
PERIOD_CHOICES_BACK = timedelta(days=731)
PERIOD_CHOICES_AHEAD = timedelta(days=31)


def filter_choices(today: date) -> dict:
    """Plans, departments and the recent period labels for the overview's filters."""
    plans = db.session.execute(
        sa.select(Plan.id, Plan.title).where(Plan.status == PlanStatus.PUBLISHED).order_by(Plan.id)).all()
    departments = db.session.execute(
        sa.select(Department.id, Department.name).where(Department.is_active).order_by(Department.name)).all()
    labels = db.session.scalars(
        sa.select(ReportingPeriod.label).join(Plan, Plan.id == ReportingPeriod.plan_id)
        .where(Plan.status == PlanStatus.PUBLISHED,
               ReportingPeriod.due_on.between(today - PERIOD_CHOICES_BACK, today + PERIOD_CHOICES_AHEAD))
        .distinct().order_by(ReportingPeriod.label.desc())).all()
    return {"plans": plans, "departments": departments, "periods": labels}


# ---- the review queue --------------------------------------------------------------------------------


def _waiting_reports(reviewer: User) -> tuple:
    """Submitted reports `reviewer` may decide: not those of his own department nor those he submitted."""
    return (ProgressReport.state == ReportState.SUBMITTED,
            ProgressReport.department_id.is_distinct_from(reviewer.department_id or 0),
            ProgressReport.submitted_by_id.is_distinct_from(reviewer.id))


def next_report_to_review(reviewer: User) -> ProgressReport | None:
    """The oldest report waiting for `reviewer`: where the queue moves on to after a decision."""
    return db.session.scalar(sa.select(ProgressReport).where(*_waiting_reports(reviewer))
                             .order_by(ProgressReport.submitted_at, ProgressReport.id).limit(1))


def task_page(query: sa.Select, page: int, per_page: int) -> Page:
    """One page of a query of tasks."""
    rows, total = _paged(query, page, per_page)
    return Page(rows=[row[0] for row in rows], total=total, page=page, per_page=per_page)


def review_queue(reviewer: User, limit: int) -> dict:
    """Submitted reports and milestones waiting for `reviewer`, oldest first: not those of his own
    department nor those he submitted, which he may not review."""
    department_id = reviewer.department_id or 0
    waiting_reports = _waiting_reports(reviewer)
    waiting_milestones = (Milestone.status == MilestoneStatus.SUBMITTED,
                          Task.lead_department_id.is_distinct_from(department_id),
                          Milestone.submitted_by_id.is_distinct_from(reviewer.id))
    reports = db.session.scalars(
        sa.select(ProgressReport).where(*waiting_reports)
        .options(_plan_title(joinedload(ProgressReport.task)), joinedload(ProgressReport.period),
                 joinedload(ProgressReport.department))
        .order_by(ProgressReport.submitted_at, ProgressReport.id).limit(limit)).all()
    milestones = db.session.scalars(
        sa.select(Milestone).join(Task, Task.id == Milestone.task_id).where(*waiting_milestones)
        .options(sa.orm.contains_eager(Milestone.task).joinedload(Task.lead_department))
        .order_by(Milestone.submitted_at, Milestone.id).limit(limit)).all()
    counts = dict(db.session.execute(
        sa.select(sa.literal("reports"), sa.func.count()).where(*waiting_reports).union_all(
            sa.select(sa.literal("milestones"), sa.func.count()).select_from(Milestone)
            .join(Task, Task.id == Milestone.task_id).where(*waiting_milestones))
    ).all())
    return {"reports": reports, "milestones": milestones, "counts": counts}


# ---- the item page -------------------------------------------------------------------------------------


@dataclass
class ItemPage:
    task: Task
    reports: list[ProgressReport]
    contributions: list[Contribution]
    periods: DuePeriods
    history: list[AuditEntry]
    reports_page: Page | None = None  # when the page shows one page of them, newest first
    history_page: Page | None = None
    evidence_of: dict = field(default_factory=dict)  # ("report" | "contribution" | "milestone", id) -> [Evidence]
    reviews_of: dict = field(default_factory=dict)  # ("report" | "milestone", id) -> [Review]

    def contributions_for(self, period_id: int) -> list[Contribution]:
        return [c for c in self.contributions if c.period_id == period_id]

    def report_for(self, period_id: int) -> ProgressReport | None:
        return next((r for r in self.reports if r.period_id == period_id), None)


def load_task(task_id: int) -> Task | None:
    """A task with what every page about it needs: plan, section, departments, targets."""
    # Targets and milestones are a few rows each: joined to the task's row rather than a query apiece.
    return db.session.execute(
        sa.select(Task).where(Task.id == task_id).options(
            _plan_title(), joinedload(Task.section), joinedload(Task.lead_department), joinedload(Task.targets),
            joinedload(Task.milestones),
            selectinload(Task.assignments).joinedload(TaskAssignment.department))).unique().scalar_one_or_none()


def _group(rows, *keys) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        for kind in keys:
            key = getattr(row, f"{kind}_id")
            if key is not None:
                grouped[(kind, key)].append(row)
    return grouped


def _some(query: sa.Select, page: int | None, per_page: int) -> tuple[list, Page | None]:
    """All the rows, or one page of them with its Page (rows of the Page left empty: they are the list)."""
    if page is None:
        return db.session.scalars(query).all(), None
    # The total rides along on each row (a window count), sparing the item page a statement per list.
    rows = db.session.execute(query.add_columns(sa.func.count().over()).limit(per_page).offset((page - 1) * per_page)).all()
    if not rows:  # past the last page
        return _some(query, 1, per_page) if page > 1 else ([], Page(rows=[], total=0, page=1, per_page=per_page))
    return [row[0] for row in rows], Page(rows=[], total=rows[0][-1], page=page, per_page=per_page)


ITEM_REPORTS_PER_PAGE = 6
ITEM_HISTORY_PER_PAGE = 20


def item_page(task: Task, today: date, reports_page: int | None = None, history_page: int | None = None) -> ItemPage:
    """Everything about the item (the API), or for the page one page of its reports and of its history: three
    years of monthly reports and their history made a page of 19,000 pixels and 18 ms of Python."""
    reports, reports_pager = _some(
        sa.select(ProgressReport).where(ProgressReport.task_id == task.id)
        .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
        .options(joinedload(ProgressReport.period), selectinload(ProgressReport.target_values))
        .order_by(ReportingPeriod.due_on.desc(), ProgressReport.id.desc()), reports_page, ITEM_REPORTS_PER_PAGE)
    contributions = db.session.scalars(
        sa.select(Contribution).where(Contribution.task_id == task.id)
        .options(joinedload(Contribution.department)).order_by(Contribution.id)).all()
    evidence = db.session.scalars(
        sa.select(Evidence).where(Evidence.task_id == task.id).options(_person(Evidence.uploaded_by))
        .order_by(Evidence.id)).all()
    reviews = db.session.scalars(
        sa.select(Review).where(Review.task_id == task.id).options(_person(Review.reviewer))
        .order_by(Review.id)).all()
    history, history_pager = _some(
        sa.select(AuditEntry).where(AuditEntry.task_id == task.id).options(_person(AuditEntry.actor))
        .order_by(AuditEntry.id.desc()), history_page, ITEM_HISTORY_PER_PAGE)
    periods = due_periods(today, [task.plan_id]).get(task.plan_id, DuePeriods(None, None))
    return ItemPage(task=task, reports=reports, contributions=contributions, periods=periods, history=history,
                    reports_page=reports_pager, history_page=history_pager,
                    evidence_of=_group(evidence, "report", "contribution", "milestone"),
                    reviews_of=_group(reviews, "report", "milestone"))


def report_page(task: Task, period: ReportingPeriod) -> dict:
    """The report being written, the co-departments' contributions beside it, and the reasons it was returned."""
    report = db.session.scalar(
        sa.select(ProgressReport).filter_by(task_id=task.id, period_id=period.id)
        .options(selectinload(ProgressReport.target_values),
                 selectinload(ProgressReport.evidence).joinedload(Evidence.uploaded_by).lazyload(User.role_rows),
                 selectinload(ProgressReport.reviews).joinedload(Review.reviewer).lazyload(User.role_rows)))
    contributions = db.session.scalars(
        sa.select(Contribution).filter_by(task_id=task.id, period_id=period.id)
        .where(Contribution.state == ContributionState.SUBMITTED)
        .options(joinedload(Contribution.department),
                 selectinload(Contribution.evidence).joinedload(Evidence.uploaded_by).lazyload(User.role_rows))).all()
    return {"report": report, "contributions": contributions}


def last_return(report: ProgressReport | None) -> Review | None:
    """The reviewer's latest return of a report still in the liaison's hands, to show him why."""
    if report is None or report.state != ReportState.RETURNED:
        return None
    returns = [r for r in report.reviews if r.decision == ReviewDecision.RETURNED]
    return returns[-1] if returns else None


# ---- my department's items and what is due -------------------------------------------------------------


@dataclass
class DueItem:
    """One thing the department owes: a report for a period, a contribution or a milestone."""

    kind: str  # "report" | "contribution" | "milestone"
    task: Task
    due_on: date
    overdue: bool
    period: ReportingPeriod | None = None
    state: str | None = None
    reason: str | None = None  # why it was returned
    milestone: Milestone | None = None


def department_tasks(department_id: int, page: int, per_page: int) -> Page:
    """The department's items (lead or co-responsible) with its role and receipt on each."""
    query = (
        sa.select(Task, TaskAssignment.role, TaskAssignment.signed_at)
        .join(TaskAssignment, sa.and_(TaskAssignment.task_id == Task.id,
                                      TaskAssignment.department_id == department_id))
        .join(Plan, Plan.id == Task.plan_id).where(Plan.status == PlanStatus.PUBLISHED)
        .options(_plan_title(), joinedload(Task.lead_department), *_TASK_LIST)
        .order_by(Task.status, sa.case({Light.RED: 0, Light.YELLOW: 1}, value=Task.light, else_=2),
                  Task.plan_id, Task.position, Task.id)
    )
    rows, total = _paged(query, page, per_page)
    return Page(rows=rows, total=total, page=page, per_page=per_page)


def unsigned_count(department_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(TaskAssignment)
        .join(Task, Task.id == TaskAssignment.task_id).join(Plan, Plan.id == Task.plan_id)
        .where(TaskAssignment.department_id == department_id, TaskAssignment.signed_at.is_(None),
               Plan.status == PlanStatus.PUBLISHED, Task.status == TaskStatus.ACTIVE))


def _owed_reports(department_id: int, period_ids: list[int], limit: int) -> list:
    """(task, role, period, report id, report state) for each report or contribution the department has
    not filed yet: the first rows of its read model (tracker.tasks.read_models) in due order, chosen before
    the items, periods and reports are joined to them."""
    owed = (sa.select(OwedReport).where(OwedReport.department_id == department_id, OwedReport.period_id.in_(period_ids))
            .order_by(OwedReport.due_on, OwedReport.task_id).limit(limit).subquery())
    report = aliased(ProgressReport)
    return db.session.execute(
        sa.select(Task, owed.c.role, ReportingPeriod, report.id, report.state)
        .select_from(owed)
        .join(Task, Task.id == owed.c.task_id)
        .join(ReportingPeriod, ReportingPeriod.id == owed.c.period_id)
        .outerjoin(report, sa.and_(report.task_id == owed.c.task_id, report.period_id == owed.c.period_id))
        .options(_plan_title(), *_TASK_LIST).order_by(owed.c.due_on, owed.c.task_id)).all()


def _return_reasons(report_ids: list[int]) -> dict[int, str]:
    """{report id: the reason of its latest return}."""
    reasons = {}
    for report_id, reason in db.session.execute(
            sa.select(Review.report_id, Review.reason)
            .where(Review.report_id.in_(report_ids), Review.decision == ReviewDecision.RETURNED)
            .order_by(Review.id)):
        reasons[report_id] = reason
    return reasons


def due_items(department_id: int, today: date, limit: int = 100) -> list[DueItem]:
    """What the department owes now, soonest first: reports and contributions for the last and the next
    period that are not filed, and its milestones not yet approved that are due by the end of this year."""
    # Every published plan's two periods (a small GROUP BY over the periods): cheaper than first finding
    # the department's plans among its thousands of assignments; the join below keeps only its tasks.
    periods = due_periods(today)
    period_ids = [pid for p in periods.values() for pid in p.ids]
    owed = _owed_reports(department_id, period_ids, limit) if period_ids else []
    returned = [report_id for *_row, report_id, state in owed if state == ReportState.RETURNED]
    reasons = _return_reasons(returned) if returned else {}
    items = [
        DueItem("report", task, period.due_on, period.due_on < today, period=period, state=state,
                reason=reasons.get(report_id)) if role == AssignmentRole.LEAD else
        DueItem("contribution", task, period.due_on, period.due_on < today, period=period)
        for task, role, period, report_id, state in owed
    ]
    milestones = db.session.execute(
        sa.select(Milestone, Task).join(Task, Task.id == Milestone.task_id).options(_plan_title(), *_TASK_LIST)
        # An IN on the department's active tasks (ix_tasks_lead_status), then their milestones by
        # task: a few thousand rows, not every pending milestone of the province.
        .where(Milestone.task_id.in_(sa.select(Task.id).where(Task.lead_department_id == department_id,
                                                                Task.status == TaskStatus.ACTIVE)),
               Milestone.status.in_([MilestoneStatus.PENDING, MilestoneStatus.RETURNED]),
               Milestone.due_on <= date(today.year, 12, 31))
        .order_by(Milestone.due_on, Milestone.id).limit(limit)).all()
    items += [DueItem("milestone", task, m.due_on, m.due_on < today, milestone=m, state=m.status)
              for m, task in milestones]
    return sorted(items, key=lambda item: (item.due_on, item.task.id))[:limit]


def awaiting_confirmation(department_id: int) -> list[ProgressReport]:
    """Reports of the department waiting for its head (负责人确认)."""
    return db.session.scalars(
        sa.select(ProgressReport).where(ProgressReport.department_id == department_id,
                                        ProgressReport.state == ReportState.AWAITING_CONFIRMATION)
        .options(joinedload(ProgressReport.task).options(*_TASK_LIST), joinedload(ProgressReport.period))
        .order_by(ProgressReport.submitted_at)).all()


def coordination_issues(limit: int) -> list[CoordinationIssue]:
    """需协调事项 for the office: open ones first, newest first."""
    return db.session.scalars(
        sa.select(CoordinationIssue)
        .options(joinedload(CoordinationIssue.task), joinedload(CoordinationIssue.department))
        .order_by(CoordinationIssue.resolved_at.is_not(None), CoordinationIssue.raised_at.desc())
        .limit(limit)).all()
