"""Two years of reporting history (报送历史) for the demo, ending at a reference moment.

For every published item and every reporting period owed since publication, the lead department's
liaison files a progress report: most on time, some late (a few departments habitually), some
returned once with a reason and filed again, most approved; a few items report 滞后, a few are
completed and closed (销号) with evidence, targets are partly reached and some problems are raised
for coordination (需协调事项). Milestones (年度任务) are submitted and approved around their due day.

The story is drawn first, as dated steps, from a seeded random.Random, so the demo is the same on
every run with the same reference. It is then written in two ways that leave the same rows:
- the older history in bulk (set-based INSERTs and UPDATEs with the states, versions, reviews and
  audit entries the services would have left): filing ~3,500 reports one by one through the
  services would take minutes;
- the last two reporting periods through the services themselves (tracker.tasks.reporting,
  reviews, evidence), day by day, with the reminder sweep run every morning and the supervision
  report of each month archived when the office would have issued it.
Steps dated after the reference moment have not happened: those reports stay drafts or unfiled.
"""
from __future__ import annotations

import hashlib
import io
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from tracker.audit.models import AuditEntry
from tracker.auth.models import Role, User, UserRole
from tracker.core.clock import LOCAL_TZ, as_utc, local_today
from tracker.demo import texts
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.tasks import evidence as evidence_service
from tracker.tasks import lights, reporting, reviews
from tracker.tasks.models import (
    CoordinationIssue,
    Evidence,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ProgressStatus,
    ReportingPeriod,
    ReportState,
    ReportTargetValue,
    Review,
    ReviewDecision,
    ReviewSubject,
    Target,
    Task,
    TaskStatus,
)

SEED = 20241125
HISTORY_MONTHS = 24
# Departments that habitually report late (经常逾期), with their chance of a late report.
HABITUALLY_LATE = {"市人力资源社会保障局": 0.35, "市教育局": 0.3, "市地方金融监管局": 0.2}
LATE_CHANCE = 0.04
# A late report of a habitually late department is sometimes very late: weeks after its due day.
VERY_LATE_CHANCE = 0.25
RETURN_CHANCE = 0.08
COORDINATION_CHANCE = 0.01
DRAFT_FIRST_CHANCE = 0.5
LAGGING_TASKS = 8
CLOSED_TASKS = 6
PENDING_MILESTONES = 3
CONTRIBUTION_CHANCE = 0.5
# Supervision reports (督查通报) archived for this many of the last closed months.
ARCHIVED_MONTHS = 2
SWEEP_AT = time(9, 30)
RESUBMITTED_NOTE = "(已按审核意见补充完善)"


def publication_moment(reference: datetime) -> datetime:
    """When the demo office published the plans: two years (and a few days) before the reference."""
    return as_utc(reference) - timedelta(days=round(HISTORY_MONTHS * 365.25 / 12) + 10)


@dataclass
class Step:
    at: datetime
    kind: str  # save, evidence, submit, confirm, return, approve
    reason: str = ""


@dataclass
class Filing:
    """One report's story: what the liaison writes and the dated steps it goes through."""

    task: Task
    period: ReportingPeriod
    status: ProgressStatus
    percent: int
    narrative: str
    target_values: dict[int, float]
    coordination: str = ""
    completes: bool = False
    steps: list[Step] = field(default_factory=list)


@dataclass
class MilestoneStory:
    milestone: Milestone
    narrative: str
    submitted_at: datetime | None
    approved_at: datetime | None


@dataclass
class HistoryResult:
    """What the history left, for the command's summary and the tests."""

    reports: int = 0
    late: int = 0
    returned: int = 0
    approved: int = 0
    closed_tasks: list[int] = field(default_factory=list)
    lagging_tasks: list[int] = field(default_factory=list)
    unfiled: set[tuple[int, int]] = field(default_factory=set)  # (task, period) owed and not filed
    coordination: int = 0
    notifications: int = 0
    archived: list[str] = field(default_factory=list)


@dataclass
class Cast:
    """Who acts: each department's liaison and head, the reviewer and the office."""

    liaison: dict[int, User]
    head: dict[int, User]
    reviewer: User
    office: User
    confirms: set[int]  # departments whose head confirms every report (负责人确认)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return as_utc(datetime.combine(day, time(hour, minute), LOCAL_TZ))


def _cast() -> Cast:
    liaison, head = {}, {}
    rows = db.session.execute(sa.select(User, UserRole.role).join(UserRole, UserRole.user_id == User.id)
                              .order_by(User.id)).all()
    reviewer = office = None
    for user, role in rows:
        if role == Role.LIAISON and user.department_id:
            liaison.setdefault(user.department_id, user)
        elif role == Role.HEAD and user.department_id:
            head.setdefault(user.department_id, user)
        elif role == Role.REVIEWER:
            reviewer = reviewer or user
        elif role == Role.OFFICE:
            office = office or user
    confirms = set(db.session.scalars(sa.select(Department.id).where(Department.requires_head_confirmation)))
    return Cast(liaison, head, reviewer, office, confirms)


def _tasks() -> list[Task]:
    return db.session.scalars(
        sa.select(Task).join(Plan, Plan.id == Task.plan_id)
        .where(Plan.status == PlanStatus.PUBLISHED, Task.lead_department_id.is_not(None))
        .options(selectinload(Task.targets), selectinload(Task.milestones), selectinload(Task.assignments),
                 selectinload(Task.plan), selectinload(Task.lead_department))
        .order_by(Task.plan_id, Task.position, Task.id)).all()


def _owed_periods(reference: datetime) -> dict[int, list[ReportingPeriod]]:
    """{plan id: periods owed since publication whose due day is not past the reference's next period}."""
    today = local_today(reference)
    by_plan = defaultdict(list)
    for period, published_at in db.session.execute(
            sa.select(ReportingPeriod, Plan.published_at).join(Plan, Plan.id == ReportingPeriod.plan_id)
            .where(Plan.status == PlanStatus.PUBLISHED).order_by(ReportingPeriod.due_on)):
        if published_at is None or period.due_on < local_today(published_at):
            continue
        periods = by_plan[period.plan_id]
        if not periods or periods[-1].due_on < today:
            periods.append(period)
    return by_plan


# ---- the story ---------------------------------------------------------------------------------------


def _expected(task: Task, day: date) -> float:
    start = date(task.plan.start_year or day.year, 1, 1)
    end = task.due_on or date(day.year, 12, 31)
    if end <= start:
        return 50.0
    return 100 * min(max((day - start).days, 0), (end - start).days) / (end - start).days


def _target_value(target: Target, task: Task, day: date, performance: float) -> float | None:
    """What a target has reached by `day`: its share of the time elapsed, times the item's performance."""
    if target.year is not None and target.year < day.year - 1:
        return None
    recurring = target.milestone is not None and target.milestone.is_recurring
    start = date(target.year if recurring and target.year else (task.plan.start_year or day.year), 1, 1)
    end = date(target.year or day.year, 12, 31)
    share = 1.0 if day >= end else max(0.05, (day - start).days / max((end - start).days, 1))
    value = target.value * min(share, 1.0) * performance
    return round(value, 1) if target.unit == "%" or target.value < 10 else float(round(value))


def _timeline(rng: random.Random, filing: Filing, late_chance: float, confirms: bool, returned: bool) -> list[Step]:
    due = filing.period.due_on
    if rng.random() < late_chance:
        very_late = late_chance > LATE_CHANCE and rng.random() < VERY_LATE_CHANCE
        submit_day = due + timedelta(days=rng.randint(35, 60) if very_late else rng.randint(1, 15))
    else:
        submit_day = due - timedelta(days=rng.randint(0, 7))
    submitted = _local(submit_day, rng.randint(9, 17), rng.randint(0, 59))
    steps = []
    if rng.random() < DRAFT_FIRST_CHANCE:
        steps.append(Step(submitted - timedelta(hours=rng.randint(20, 60)), "save"))
    else:
        steps.append(Step(submitted - timedelta(minutes=rng.randint(5, 50)), "save"))
    if filing.completes:
        steps.append(Step(steps[0].at + timedelta(minutes=2), "evidence"))
    steps.append(Step(submitted, "submit"))
    moment = submitted
    if confirms:
        moment += timedelta(hours=rng.randint(2, 30))
        steps.append(Step(moment, "confirm"))
    if returned:
        moment += timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5))
        steps.append(Step(moment, "return", rng.choice(texts.RETURN_REASONS)))
        moment += timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 5))
        steps += [Step(moment, "save"), Step(moment + timedelta(minutes=3), "submit")]
        moment += timedelta(minutes=3)
        if confirms:
            moment += timedelta(hours=rng.randint(2, 30))
            steps.append(Step(moment, "confirm"))
    steps.append(Step(moment + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6)), "approve"))
    return steps


def draw_story(tasks: list[Task], periods: dict[int, list[ReportingPeriod]], cast: Cast, reference: datetime,
               rng: random.Random) -> tuple[list[Filing], list[MilestoneStory], set[int], set[int]]:
    """Every filing and milestone, with steps up to the reference; (filings, milestones, lagging, closing)."""
    names = {t.lead_department_id: t.lead_department.name for t in tasks}
    reportable = [t for t in tasks if t.lead_department_id in cast.liaison and periods.get(t.plan_id)]
    lagging = set(t.id for t in rng.sample(reportable, min(LAGGING_TASKS, len(reportable))))
    closing = set(t.id for t in rng.sample([t for t in reportable if t.id not in lagging],
                                           min(CLOSED_TASKS, max(len(reportable) - len(lagging), 0))))
    filings = []
    for task in reportable:
        owed = periods[task.plan_id]
        performance = rng.uniform(0.7, 1.15)
        lag_from = len(owed) - rng.randint(3, 8) if task.id in lagging else len(owed)
        close_at = rng.randint(max(len(owed) - 14, 0), max(len(owed) - 4, 0)) if task.id in closing else None
        percent = 0
        for index, period in enumerate(owed):
            completes = index == close_at
            is_lagging = index >= lag_from
            expected = _expected(task, period.ends_on)
            if completes:
                percent = 100
            else:
                drawn = expected - (rng.uniform(15, 25) if is_lagging else rng.uniform(-6, 8))
                percent = min(99, max(percent, round(drawn)))
            status = ProgressStatus.COMPLETED if completes else ProgressStatus.LAGGING if is_lagging else \
                ProgressStatus.NOT_STARTED if percent == 0 else ProgressStatus.IN_PROGRESS
            values = {}
            for target in task.targets:
                value = _target_value(target, task, period.ends_on, performance if not completes else 1.05)
                if value is not None:
                    values[target.id] = value
            shown = [(t.name, values[t.id], t.value, t.unit) for t in task.targets if t.id in values]
            deliverable = next((m.text for m in task.milestones if m.year == period.ends_on.year), None)
            filing = Filing(task, period, status, percent,
                            texts.narrative(rng, month=period.ends_on.month, title=task.title,
                                            deliverable=deliverable, targets=shown, lagging=is_lagging,
                                            completed=completes),
                            values, completes=completes)
            if rng.random() < COORDINATION_CHANCE or (is_lagging and index == lag_from):
                filing.coordination = rng.choice(texts.COORDINATION)
            late_chance = HABITUALLY_LATE.get(names[task.lead_department_id], LATE_CHANCE)
            filing.steps = [s for s in _timeline(rng, filing, late_chance,
                                                 task.lead_department_id in cast.confirms,
                                                 rng.random() < RETURN_CHANCE and not completes)
                            if s.at <= reference]
            filings.append(filing)
            if completes:
                break
    return filings, _milestone_stories(reportable, closing, reference, rng), lagging, closing


def _milestone_stories(tasks: list[Task], closing: set[int], reference: datetime,
                       rng: random.Random) -> list[MilestoneStory]:
    """Milestones due by the reference are submitted near their due day (those due before publication
    soon after it) and approved some days later; a few are left overdue."""
    published = {t.plan_id: local_today(t.plan.published_at) for t in tasks}
    today = local_today(reference)
    due = [(t, m) for t in tasks for m in t.milestones if m.due_on < today]
    left = {m.id for _t, m in rng.sample([(t, m) for t, m in due if t.id not in closing and m.due_on >= published[t.plan_id]],
                                         min(PENDING_MILESTONES, len(due)))}
    stories = []
    for task, milestone in due:
        if milestone.id in left:
            continue
        start = max(milestone.due_on - timedelta(days=20), published[task.plan_id] + timedelta(days=5))
        submitted = _local(start + timedelta(days=rng.randint(0, 25)), rng.randint(9, 17), rng.randint(0, 59))
        approved = submitted + timedelta(days=rng.randint(2, 10), hours=rng.randint(0, 6))
        stories.append(MilestoneStory(milestone, texts.milestone_narrative(rng, milestone.text),
                                      submitted if submitted <= reference else None,
                                      approved if approved <= reference else None))
    return stories


# ---- writing the older history in bulk --------------------------------------------------------------


class Ledger:
    """Rows to insert, gathered while the bulk history is folded, with the ids they will refer to."""

    def __init__(self):
        self.audit: list[dict] = []
        self.reviews: list[dict] = []
        self.issues: list[dict] = []
        self.evidence: list[dict] = []
        self.target_values: list[dict] = []
        self.task_updates: dict[int, dict] = {}
        self.target_updates: dict[int, dict] = {}

    def entry(self, action, object_type, object_id, before, after, *, actor, at, task):
        changed = [k for k in after if after[k] != (before or {}).get(k)]
        if not changed:
            return
        self.audit.append({"action": action, "object_type": object_type, "object_id": object_id,
                           "actor_id": actor.id if actor else None, "at": at, "task_id": task.id,
                           "plan_id": task.plan_id, "remote_addr": None,
                           "before": {k: before.get(k) for k in changed} if before else None,
                           "after": {k: after[k] for k in changed}})


def _report_snapshot(row: dict, filing: Filing, names: dict[int, str]) -> dict:
    snap = {name: row[name] for name in reporting.REPORT_FIELDS}
    snap = {k: (v.value if hasattr(v, "value") else v) for k, v in snap.items()}
    return snap | {"target_values": {names[t]: v for t, v in sorted(filing.target_values.items())}}


def _fold(filing: Filing, cast: Cast, ledger: Ledger, sent: dict, names: dict[int, str]) -> dict | None:
    """The report row the steps leave, with its audit entries under "_audits"; reviews, problems and
    side effects on the item go to `ledger`."""
    task, period = filing.task, filing.period
    liaison, head = cast.liaison[task.lead_department_id], cast.head.get(task.lead_department_id)
    row, audits = None, []
    for step in filing.steps:
        if step.kind == "evidence":
            ledger.evidence.append({"filing": filing, "at": step.at, "by": liaison})
            continue
        before = _report_snapshot(row, filing, names) if row else {}
        actor, extra = liaison, {}
        if step.kind == "save" and row is None:
            action = "report.created"
            row = {"task_id": task.id, "period_id": period.id, "department_id": task.lead_department_id,
                   "state": ReportState.DRAFT, "progress_status": filing.status,
                   "percent_complete": filing.percent, "narrative": filing.narrative,
                   "needs_coordination": bool(filing.coordination), "coordination_text": filing.coordination,
                   "claims_completion": filing.completes, "submitted_at": None, "submitted_by_id": None,
                   "is_late": False, "confirmed_at": None, "confirmed_by_id": None, "return_count": 0,
                   "version": 1, "created_at": step.at}
        elif step.kind == "save":
            action = "report.saved"
            row.update(state=ReportState.DRAFT, version=row["version"] + 1,
                       narrative=filing.narrative + RESUBMITTED_NOTE)
        elif step.kind == "submit":
            action = "report.submitted"
            if row["submitted_at"] is None:
                row["is_late"] = local_today(step.at) > period.due_on
            row.update(submitted_at=step.at, submitted_by_id=liaison.id, version=row["version"] + 1)
            if task.lead_department_id in cast.confirms:
                row["state"] = ReportState.AWAITING_CONFIRMATION
            else:
                _to_review(row, filing, step.at, liaison, ledger, sent)
        elif step.kind == "confirm":
            action, actor = "report.confirmed", head
            row.update(confirmed_at=step.at, confirmed_by_id=head.id, version=row["version"] + 1)
            _to_review(row, filing, step.at, head, ledger, sent)
        elif step.kind == "return":
            action, actor, extra = "report.returned", cast.reviewer, {"reason": step.reason}
            row.update(state=ReportState.RETURNED, return_count=row["return_count"] + 1, version=row["version"] + 1)
            ledger.reviews.append({"filing": filing, "decision": ReviewDecision.RETURNED, "reason": step.reason,
                                   "at": step.at})
        else:
            action, actor = "report.approved", cast.reviewer
            row.update(state=ReportState.APPROVED, version=row["version"] + 1)
            ledger.reviews.append({"filing": filing, "decision": ReviewDecision.APPROVED, "reason": "",
                                   "at": step.at})
        row["updated_at"] = step.at
        audits.append((action, before, _report_snapshot(row, filing, names) | extra, actor, step.at))
        if action == "report.approved" and filing.completes:
            _close(task, step.at, cast.reviewer, ledger)
    if row is not None:
        row["_audits"] = audits
    return row


def _to_review(row: dict, filing: Filing, at: datetime, by: User, ledger: Ledger, sent: dict) -> None:
    """What reaching the reviewers does: the item's latest figures, reached targets, a raised problem."""
    row["state"] = ReportState.SUBMITTED
    task = filing.task
    if sent.get(task.id) is None or sent[task.id] <= at:
        sent[task.id] = at
        update = ledger.task_updates.setdefault(task.id, {"changes": 0})
        if (update.get("progress_status"), update.get("percent_complete")) != (filing.status, filing.percent):
            update["changes"] += 1
        update.update(progress_status=filing.status, percent_complete=filing.percent)
        for target_id, value in filing.target_values.items():
            ledger.target_updates[target_id] = {"reached_value": value, "reached_at": at}
    if filing.coordination and not row.get("_raised"):
        row["_raised"] = True
        ledger.issues.append({"filing": filing, "at": at, "by": by})


def _close(task: Task, at: datetime, reviewer: User, ledger: Ledger) -> None:
    update = ledger.task_updates.setdefault(task.id, {"changes": 0})
    update.update(status=TaskStatus.CLOSED, closed_at=at, closed_by_id=reviewer.id, closes=1)


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(sa.insert(model.__table__), rows)


def write_bulk(filings: list[Filing], stories: list[MilestoneStory], cast: Cast, rng: random.Random) -> None:
    """Write the older history set-based, leaving what the services would have left."""
    names = {t.id: t.name for f in filings for t in f.task.targets}
    ledger, sent, rows = Ledger(), {}, []
    for filing in sorted(filings, key=lambda f: f.steps[0].at if f.steps else datetime.max.replace(tzinfo=LOCAL_TZ)):
        row = _fold(filing, cast, ledger, sent, names)
        if row is not None:
            rows.append((filing, row))
    _insert(ProgressReport, [{k: v for k, v in row.items() if not k.startswith("_")} for _f, row in rows])
    ids = {(t, p): i for i, t, p in db.session.execute(
        sa.select(ProgressReport.id, ProgressReport.task_id, ProgressReport.period_id))}
    for filing, row in rows:
        report_id = ids[(filing.task.id, filing.period.id)]
        for action, before, after, actor, at in row["_audits"]:
            ledger.entry(action, "ProgressReport", report_id, before, after, actor=actor, at=at, task=filing.task)
        ledger.target_values += [{"report_id": report_id, "target_id": t, "value": v}
                                 for t, v in filing.target_values.items()]
    _insert(ReportTargetValue, ledger.target_values)
    _insert(Review, [{"task_id": r["filing"].task.id, "report_id": ids[(r["filing"].task.id, r["filing"].period.id)],
                      "subject": ReviewSubject.COMPLETION if r["filing"].completes else ReviewSubject.REPORT,
                      "decision": r["decision"], "reason": r["reason"], "reviewer_id": cast.reviewer.id,
                      "decided_at": r["at"]} for r in ledger.reviews])
    _write_issues(ledger, ids, cast, rng)
    _write_evidence(ledger, ids)
    _write_milestones(stories, cast, ledger)
    _update_tasks(ledger, cast)
    _insert(AuditEntry, ledger.audit)


def _write_issues(ledger: Ledger, ids: dict, cast: Cast, rng: random.Random) -> None:
    rows = []
    for issue in ledger.issues:
        filing = issue["filing"]
        resolved = issue["at"] + timedelta(days=rng.randint(7, 40))
        rows.append({"task_id": filing.task.id, "report_id": ids[(filing.task.id, filing.period.id)],
                     "department_id": filing.task.lead_department_id, "text": filing.coordination,
                     "raised_at": issue["at"], "resolved_at": resolved, "resolved_by_id": cast.office.id,
                     "resolution": rng.choice(texts.RESOLUTIONS)})
    _insert(CoordinationIssue, rows)


def _evidence_file(filing: Filing, at: datetime) -> tuple[str, bytes]:
    content = texts.evidence_text(filing.task.title, filing.task.lead_department.name,
                                  local_today(at).isoformat()).encode()
    return f"销号佐证材料-{filing.task.number or filing.task.id}.txt", content


def _write_evidence(ledger: Ledger, ids: dict) -> None:
    folder = evidence_service.evidence_folder()
    rows = []
    for item in ledger.evidence:
        filing = item["filing"]
        name, content = _evidence_file(filing, item["at"])
        stored = f"{secrets.token_hex(16)}.txt"
        (folder / stored).write_bytes(content)
        rows.append({"task_id": filing.task.id, "report_id": ids[(filing.task.id, filing.period.id)],
                     "original_name": name, "stored_name": stored, "content_type": "text/plain",
                     "size_bytes": len(content), "sha256": hashlib.sha256(content).hexdigest(),
                     "uploaded_by_id": item["by"].id, "uploaded_at": item["at"]})
    _insert(Evidence, rows)


def _write_milestones(stories: list[MilestoneStory], cast: Cast, ledger: Ledger) -> None:
    """Milestones submitted (and approved) as submit_milestone and approve_milestone leave them."""
    updates, decisions = [], []
    for story in stories:
        milestone, task = story.milestone, story.milestone.task
        if story.submitted_at is None:
            continue
        liaison = cast.liaison[task.lead_department_id]
        submitted = {"status": MilestoneStatus.SUBMITTED.value, "narrative": story.narrative, "return_count": 0,
                     "version": 2}
        ledger.entry("milestone.submitted", "Milestone", milestone.id,
                     {"status": MilestoneStatus.PENDING.value, "narrative": "", "return_count": 0, "version": 1},
                     submitted, actor=liaison, at=story.submitted_at, task=task)
        update = {"mid": milestone.id, "status": MilestoneStatus.SUBMITTED, "narrative": story.narrative,
                  "submitted_at": story.submitted_at, "submitted_by_id": liaison.id, "version": 2}
        if story.approved_at is not None:
            ledger.entry("milestone.approved", "Milestone", milestone.id, submitted,
                         submitted | {"status": MilestoneStatus.APPROVED.value, "version": 3},
                         actor=cast.reviewer, at=story.approved_at, task=task)
            decisions.append({"task_id": task.id, "milestone_id": milestone.id, "subject": ReviewSubject.MILESTONE,
                              "decision": ReviewDecision.APPROVED, "reason": "", "reviewer_id": cast.reviewer.id,
                              "decided_at": story.approved_at})
            update.update(status=MilestoneStatus.APPROVED, version=3)
        updates.append(update)
    _insert(Review, decisions)
    if updates:
        table = Milestone.__table__
        db.session.execute(table.update().where(table.c.id == sa.bindparam("mid")).values(
            status=sa.bindparam("status"), narrative=sa.bindparam("narrative"),
            submitted_at=sa.bindparam("submitted_at"), submitted_by_id=sa.bindparam("submitted_by_id"),
            version=sa.bindparam("version")), updates)


def _update_tasks(ledger: Ledger, cast: Cast) -> None:
    versions = dict(db.session.execute(sa.select(Task.id, Task.version).where(Task.id.in_(ledger.task_updates))).all())
    statuses = dict(db.session.execute(sa.select(Task.id, Task.status).where(Task.id.in_(ledger.task_updates))).all())
    rows = []
    for task_id, update in ledger.task_updates.items():
        rows.append({"tid": task_id, "progress_status": update["progress_status"],
                     "percent_complete": update["percent_complete"],
                     "status": update.get("status", statuses[task_id]), "closed_at": update.get("closed_at"),
                     "closed_by_id": update.get("closed_by_id"),
                     "version": versions[task_id] + update["changes"] + update.get("closes", 0)})
    table = Task.__table__
    if rows:
        db.session.execute(table.update().where(table.c.id == sa.bindparam("tid")).values(
            progress_status=sa.bindparam("progress_status"), percent_complete=sa.bindparam("percent_complete"),
            status=sa.bindparam("status"), closed_at=sa.bindparam("closed_at"),
            closed_by_id=sa.bindparam("closed_by_id"), version=sa.bindparam("version")), rows)
    targets = [{"tgid": t, **v} for t, v in ledger.target_updates.items()]
    if targets:
        table = Target.__table__
        db.session.execute(table.update().where(table.c.id == sa.bindparam("tgid")).values(
            reached_value=sa.bindparam("reached_value"), reached_at=sa.bindparam("reached_at")), targets)
    closed = [u for u in ledger.task_updates.items() if u[1].get("closes")]
    tasks = {t.id: t for t in db.session.scalars(sa.select(Task).where(Task.id.in_([c[0] for c in closed])))}
    for task_id, update in closed:
        version = versions[task_id] + update["changes"]
        ledger.entry("task.closed", "Task", task_id,
                     {"status": "active", "closed_at": None, "closed_by_id": None, "version": version},
                     {"status": "closed", "closed_at": update["closed_at"].isoformat(),
                      "closed_by_id": update["closed_by_id"], "version": version + 1},
                     actor=cast.reviewer, at=update["closed_at"], task=tasks[task_id])


# ---- the last weeks, through the services ---------------------------------------------------------


class Replay:
    """Runs dated actions in order through the services, as the users and the scheduler would have."""

    def __init__(self, cast: Cast, rng: random.Random):
        self.cast, self.rng = cast, rng
        self.actions: list[tuple[datetime, int, callable]] = []

    def at(self, moment: datetime, action) -> None:
        self.actions.append((moment, len(self.actions), action))

    def run(self) -> None:
        for _moment, _order, action in sorted(self.actions, key=lambda a: (a[0], a[1])):
            action()

    def filing(self, filing: Filing) -> None:
        task, period, cast = filing.task, filing.period, self.cast
        liaison, head = cast.liaison[task.lead_department_id], cast.head.get(task.lead_department_id)
        data = reporting.ReportInput(filing.status, filing.percent, filing.narrative, dict(filing.target_values),
                                     bool(filing.coordination), filing.coordination, filing.completes)

        def report():
            return reporting.find_report(task.id, period.id)

        def step_action(step: Step):
            def act():
                current = report()
                version = current.version if current is not None else 0
                if step.kind == "save":
                    if current is not None:
                        data.narrative = filing.narrative + RESUBMITTED_NOTE
                    reporting.save_report(task, period, data, by=liaison, expected_version=version, now=step.at)
                elif step.kind == "evidence":
                    name, content = _evidence_file(filing, step.at)
                    evidence_service.attach_evidence(task, name, io.BytesIO(content), by=liaison, report=current,
                                                     now=step.at)
                elif step.kind == "submit":
                    reporting.submit_report(task, period, by=liaison, expected_version=version, now=step.at)
                elif step.kind == "confirm":
                    reporting.confirm_report(current, by=head, expected_version=version, now=step.at)
                elif step.kind == "return":
                    reviews.return_report(current, step.reason, by=cast.reviewer, expected_version=version,
                                          now=step.at)
                else:
                    reviews.approve_report(current, by=cast.reviewer, expected_version=version, now=step.at)
            return act

        for step in filing.steps:
            self.at(step.at, step_action(step))
        if filing.steps:
            self._contributions(filing)

    def _contributions(self, filing: Filing) -> None:
        """配合单位 with a liaison add their part a day or three before the lead department files."""
        task, first = filing.task, filing.steps[0].at
        for assignment in sorted(task.assignments, key=lambda a: a.department_id):
            co = self.cast.liaison.get(assignment.department_id)
            if co is None or assignment.department_id == task.lead_department_id \
                    or self.rng.random() >= CONTRIBUTION_CHANCE:
                continue
            moment = first - timedelta(days=self.rng.randint(1, 3), hours=self.rng.randint(0, 6))
            text = f"{co.department.name}配合推进“{texts.short(task.title)}”," + self.rng.choice(texts.ACTIONS).format(
                n=self.rng.randint(1, 5), m=self.rng.randint(2, 30)) + "。"
            self.at(moment, lambda t=task, p=filing.period, c=co, x=text, m=moment: reporting.save_contribution(
                t, p, x, by=c, expected_version=0, submit=True, now=m))

    def milestone(self, story: MilestoneStory) -> None:
        milestone, cast = story.milestone, self.cast
        liaison = cast.liaison[milestone.task.lead_department_id]
        self.at(story.submitted_at, lambda: reviews.submit_milestone(
            milestone, story.narrative, by=liaison, expected_version=milestone.version, now=story.submitted_at))
        if story.approved_at is not None:
            self.at(story.approved_at, lambda: reviews.approve_milestone(
                milestone, by=cast.reviewer, expected_version=milestone.version, now=story.approved_at))


def sweep_moments(start: datetime, reference: datetime) -> list[datetime]:
    """Each morning's reminder sweep from `start` to the reference (the sweep itself skips holidays)."""
    day, last, moments = local_today(start), local_today(reference), []
    while day <= last:
        moment = _local(day, SWEEP_AT.hour, SWEEP_AT.minute)
        if start <= moment <= reference:
            moments.append(moment)
        day += timedelta(days=1)
    return moments


def archive_moments(reference: datetime) -> list[tuple[str, datetime]]:
    """(month label, moment) of the supervision reports of the last closed months, issued on the 5th."""
    from tracker.reports.figures import latest_closed_period

    period, found = latest_closed_period(local_today(reference)), []
    for _ in range(ARCHIVED_MONTHS):
        moment = _local(period.ends_on + timedelta(days=5), 10)
        if moment <= reference:
            found.append((period.label, moment))
        period = period.previous()
    return sorted(found, key=lambda item: item[1])


# ---- the whole history ---------------------------------------------------------------------------------


def build_history(reference: datetime, *, seed: int = SEED) -> HistoryResult:
    """Write the history up to `reference` (UTC), compute the lights, send the reminders and archive
    the monthly supervision reports. The caller commits."""
    reference = as_utc(reference)
    rng = random.Random(seed)
    cast = _cast()
    tasks = _tasks()
    periods = _owed_periods(reference)
    filings, stories, lagging, closing = draw_story(tasks, periods, cast, reference, rng)
    # The last closed period and the current one are replayed through the services.
    replayed = {p.id for owed in periods.values() for p in owed[-2:]}
    cutoff = min((f.steps[0].at for f in filings if f.period.id in replayed and f.steps), default=reference)
    write_bulk([f for f in filings if f.period.id not in replayed],
               [s for s in stories if s.submitted_at is not None and s.submitted_at < cutoff], cast, rng)
    db.session.flush()
    db.session.expire_all()
    result = HistoryResult(lagging_tasks=sorted(lagging))
    replay = Replay(cast, rng)
    for filing in filings:
        if filing.period.id in replayed:
            replay.filing(filing)
    for story in stories:
        if story.submitted_at is not None and story.submitted_at >= cutoff:
            replay.milestone(story)
    sweep_start = max(cutoff, reference - timedelta(days=35))
    for moment in sweep_moments(sweep_start, reference):
        replay.at(moment, lambda m=moment: _sweep(m, result))
    for label, moment in archive_moments(reference):
        if moment < cutoff:
            _archive(label, moment, cast, result)
        else:
            replay.at(moment, lambda lb=label, m=moment: _archive(lb, m, cast, result))
    replay.run()
    lights.refresh_lights(reference)
    db.session.flush()
    _tally(result, filings, periods, reference)
    return result


def _sweep(moment: datetime, result: HistoryResult) -> None:
    from tracker.reminders.sweep import sweep

    lights.refresh_lights(moment)
    result.notifications += sweep(moment).created


def _archive(label: str, moment: datetime, cast: Cast, result: HistoryResult) -> None:
    """The office issues the month's supervision report (督查通报), archived as it was then."""
    from tracker.reports.figures import parse_period
    from tracker.reports.supervision import generate

    lights.refresh_lights(moment)
    archived, _content = generate(parse_period(label), by=cast.office, today=local_today(moment))
    archived.generated_at = moment
    result.archived.append(label)


def _tally(result: HistoryResult, filings: list[Filing], periods: dict, reference: datetime) -> None:
    today = local_today(reference)
    filed, closed_at = set(), {}
    for filing in filings:
        kinds = [s.kind for s in filing.steps]
        if not kinds:
            continue
        result.reports += 1
        last_submit = max((i for i, k in enumerate(kinds) if k == "submit"), default=None)
        if last_submit is not None and "return" not in kinds[last_submit:]:
            filed.add((filing.task.id, filing.period.id))
        result.returned += "return" in kinds
        result.approved += "approve" in kinds
        result.coordination += bool(filing.coordination) and ("confirm" in kinds or "submit" in kinds)
        if filing.completes and "approve" in kinds:
            closed_at[filing.task.id] = filing.steps[-1].at
    result.late = db.session.scalar(sa.select(sa.func.count()).select_from(ProgressReport)
                                    .where(ProgressReport.is_late.is_(True)))
    result.closed_tasks = sorted(closed_at)
    all_tasks = db.session.scalars(sa.select(Task).join(Plan, Plan.id == Task.plan_id)
                                   .where(Plan.status == PlanStatus.PUBLISHED)).all()
    for task in all_tasks:
        for period in periods.get(task.plan_id, []):
            if period.due_on >= today:
                continue
            if task.id in closed_at and _local(period.starts_on, 0) > closed_at[task.id]:
                continue
            if (task.id, period.id) not in filed:
                result.unfiled.add((task.id, period.id))
