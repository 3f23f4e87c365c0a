"""Operations on plans: import a draft, review it, publish it, set its reporting cycle.

Like every service these flush and audit but never commit: the caller (a view, a command) commits
once, so a publish either creates every task, milestone and period or nothing.
"""
from __future__ import annotations

import copy
import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.services import record, snapshot
from tracker.core.clock import utcnow
from tracker.departments.models import Department, DepartmentLevel
from tracker.departments.services import DepartmentNameTaken, save_department
from tracker.extensions import db
from tracker.plans import drafts
from tracker.plans.matching import DepartmentDirectory, DepartmentMatch, add_alias
from tracker.plans.models import ItemSource, Plan, PlanStatus, ReportingCycle, Section
from tracker.plans.periods import milestone_specs, plan_years, sync_periods
from tracker.tasks.models import AssignmentRole, Indicator, Milestone, Target, Task, TaskAssignment
from tracker.text import clean_name

SETTINGS_FIELDS = ("title", "doc_number", "issuing_body", "start_year", "end_year", "reporting_cycle",
                   "reporting_due_day", "reporting_dates")


class PlanRefused(Exception):
    """An operation the plan's state or content does not allow; `message` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DuplicatePlan(PlanRefused):
    """The plan was imported before: the same text (`identical`), or the same title and 文号."""

    def __init__(self, existing: Plan, identical: bool):
        if identical:
            message = _("这份方案已经导入过(方案 #%(id)s《%(title)s》),未重复导入。", id=existing.id, title=existing.title)
        else:
            message = _("已有同名同文号的方案(方案 #%(id)s《%(title)s》)。如确为新版本,请勾选“仍然导入”后重新提交。",
                        id=existing.id, title=existing.title)
        super().__init__(message)
        self.existing = existing
        self.identical = identical


@dataclass
class PublishResult:
    tasks: list[Task]
    unassigned: list[Task]  # 待指定牵头单位: no lead named, or a group named as lead


def source_digest(text: str) -> str:
    """SHA-256 of the text with Unicode, line endings and trailing blanks normalised, so that the
    same plan pasted or uploaded twice is recognised."""
    normal = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    normal = "\n".join(line.rstrip() for line in normal.split("\n")).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def find_duplicate(digest: str, title: str | None, doc_number: str | None) -> DuplicatePlan | None:
    same_text = db.session.scalar(sa.select(Plan).where(Plan.source_sha256 == digest).order_by(Plan.id).limit(1))
    if same_text is not None:
        return DuplicatePlan(same_text, identical=True)
    if not title:
        return None
    doc_match = Plan.doc_number.is_(None) if not doc_number else Plan.doc_number == doc_number
    same_title = db.session.scalar(
        sa.select(Plan).where(Plan.title == title, doc_match, Plan.status != PlanStatus.ARCHIVED)
        .order_by(Plan.id).limit(1)
    )
    return DuplicatePlan(same_title, identical=False) if same_title is not None else None


def import_plan(text: str, *, filename: str | None = None, by=None, now: datetime | None = None,
                allow_same_title: bool = False) -> Plan:
    """Parse `text` and keep it as a draft for review (导入); nothing is assigned yet."""
    from tracker.plans.parser import parse_plan  # the parser loads OpenCC's dictionaries: only when needed

    if not text or not text.strip():
        raise PlanRefused(_("方案内容为空,未导入。"))
    parse = parse_plan(text, filename=filename).to_dict()
    return create_draft(text, parse, filename=filename, by=by, now=now, allow_same_title=allow_same_title)


def create_draft(text: str, parse: dict, *, filename: str | None = None, by=None, now: datetime | None = None,
                 allow_same_title: bool = False) -> Plan:
    """Keep a plan's text and its parse as a draft.

    The same text imported again is always refused; a different text under the same title and
    文号 (a new version, or the same plan as .docx and as .txt) only when `allow_same_title`.
    """
    digest = source_digest(text)
    title = clean_name(parse.get("title") or filename or _("未命名方案"))[:300]
    doc_number = (parse.get("doc_number") or "").strip()[:100] or None
    duplicate = find_duplicate(digest, title, doc_number)
    if duplicate is not None and (duplicate.identical or not allow_same_title):
        raise duplicate
    plan = Plan(
        title=title, doc_number=doc_number, issuing_body=(parse.get("issuer") or None),
        start_year=parse.get("start_year"), end_year=parse.get("end_year"), status=PlanStatus.DRAFT,
        source_filename=filename, source_text=text, source_sha256=digest, draft=drafts.prepare(parse),
        reporting_cycle=ReportingCycle.MONTHLY, reporting_due_day=25, reporting_dates=[],
        created_by_id=getattr(by, "id", None),
    )
    if now is not None:
        plan.created_at = now
    db.session.add(plan)
    db.session.flush()
    record("plan.imported", plan, by=by, now=now, plan_id=plan.id,
           after={"title": title, "doc_number": doc_number, "filename": filename, "sha256": digest,
                  "tasks": len(parse.get("tasks", [])), "warnings": len(parse.get("warnings", []))})
    return plan


def _require_draft(plan: Plan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise PlanRefused(_("方案已发布,草稿不能再修改。"))


def _change_draft(plan: Plan, action: str, change, *, by=None) -> dict:
    """Run `change(draft)` on a copy of the draft and store it: a JSON column only notices a new value."""
    _require_draft(plan)
    draft = copy.deepcopy(plan.draft)
    try:
        detail = change(draft)
    except KeyError:
        raise PlanRefused(_("找不到该条目,它可能已被合并或删除,请刷新页面。")) from None
    plan.draft = draft
    db.session.flush()
    record(action, plan, by=by, plan_id=plan.id, after=detail)
    return detail


def _task_summary(task: dict) -> dict:
    return {k: task.get(k) for k in ("key", "number", "title", "lead", "co", "deliverables", "excluded")}


def edit_task(plan: Plan, key: str, *, number: str, title: str, lead: str | None, co: list[str],
              deliverables: list[dict], by=None) -> None:
    """Save the office's corrections to one task of the draft (heading, units, deliverables, targets)."""
    def change(draft):
        before, after = drafts.update_task(draft, key, number=number, title=title, lead=lead, co=co,
                                           deliverables=deliverables)
        changed = [k for k, v in _task_summary(after).items() if _task_summary(before).get(k) != v]
        return {"key": key, **{k: after.get(k) for k in changed}}

    _change_draft(plan, "plan.task_edited", change, by=by)


def exclude_task(plan: Plan, key: str, excluded: bool, *, by=None) -> None:
    """Mark a paragraph as not a task (不是任务), or take it back."""
    _change_draft(plan, "plan.task_excluded" if excluded else "plan.task_included",
                  lambda draft: _task_summary(drafts.set_excluded(draft, key, excluded)), by=by)


def merge_task(plan: Plan, key: str, *, by=None) -> None:
    def change(draft):
        try:
            return {"merged": key, "into": _task_summary(drafts.merge_with_previous(draft, key))}
        except ValueError:
            raise PlanRefused(_("这是第一个任务,前面没有可合并的任务。")) from None

    _change_draft(plan, "plan.task_merged", change, by=by)


def split_task(plan: Plan, key: str, at_sentence: int, *, by=None) -> None:
    def change(draft):
        try:
            return {"split": key, "new": _task_summary(drafts.split_task(draft, key, at_sentence))}
        except ValueError:
            raise PlanRefused(_("请选择任务中间的一句作为新任务的开头。")) from None

    _change_draft(plan, "plan.task_split", change, by=by)


def exclude_measure(plan: Plan, kind: str, index: int, excluded: bool, *, by=None) -> None:
    """Drop a plan-level indicator or target the parser misread (e.g. "10项行动"), or take it back."""
    def change(draft):
        try:
            item = drafts.set_measure_excluded(draft, kind, index, excluded)
        except IndexError:
            raise KeyError(index) from None
        return {"kind": kind, "index": index, "name": item.get("name"), "excluded": excluded}

    _change_draft(plan, "plan.measure_excluded" if excluded else "plan.measure_included", change, by=by)


def match_departments(plan: Plan) -> dict[str, DepartmentMatch]:
    """Each unit name the draft cites, matched against today's directory."""
    return DepartmentDirectory.load().match_all(drafts.department_names(plan.draft))


_LEVELS_BY_PREFIX = {"省": DepartmentLevel.PROVINCE, "市": DepartmentLevel.CITY, "区": DepartmentLevel.COUNTY,
                     "县": DepartmentLevel.COUNTY}


def _guess_level(name: str) -> DepartmentLevel:
    return _LEVELS_BY_PREFIX.get(name.strip()[:1], DepartmentLevel.OTHER)


def create_department(plan: Plan, name: str, *, is_group: bool = False, by=None) -> Department:
    """Create a unit the draft names but the directory lacks (新建单位); a group starts without members."""
    _require_draft(plan)
    try:
        return save_department(None, name=name.strip(), level=_guess_level(name), is_group=is_group, by=by)
    except DepartmentNameTaken:
        raise PlanRefused(_("名称“%(name)s”已被其他单位使用。", name=name)) from None


def link_department(plan: Plan, name: str, department: Department, *, by=None) -> Department:
    """Record that the draft's `name` means an existing department (并入已有单位), for every later plan too."""
    _require_draft(plan)
    try:
        return add_alias(department, name.strip(), by=by)
    except DepartmentNameTaken:
        raise PlanRefused(_("名称“%(name)s”已被其他单位使用。", name=name)) from None


def update_settings(plan: Plan, *, title: str, doc_number: str | None, issuing_body: str | None,
                    start_year: int | None, end_year: int | None, reporting_cycle: ReportingCycle,
                    reporting_due_day: int, reporting_dates: list[date], by=None) -> None:
    """The plan's details and reporting cycle (调度周期); a published plan's periods follow at once."""
    if start_year and end_year and start_year > end_year:
        raise PlanRefused(_("起始年份不能晚于结束年份。"))
    if reporting_cycle == ReportingCycle.DATES and not reporting_dates:
        raise PlanRefused(_("按指定日期调度时,请至少填写一个日期。"))
    before = snapshot(plan, SETTINGS_FIELDS)
    plan.title, plan.doc_number, plan.issuing_body = clean_name(title), doc_number or None, issuing_body or None
    plan.start_year, plan.end_year = start_year, end_year
    plan.reporting_cycle, plan.reporting_due_day = reporting_cycle, reporting_due_day
    plan.reporting_dates = sorted({d.isoformat() for d in reporting_dates})
    db.session.flush()
    after = snapshot(plan, SETTINGS_FIELDS)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        record("plan.settings_changed", plan, by=by, plan_id=plan.id,
               before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    if plan.status == PlanStatus.PUBLISHED:
        sync_periods(plan)


def discard_draft(plan: Plan, *, by=None) -> None:
    """Throw a draft away (放弃导入), e.g. to import a better copy of the same plan."""
    _require_draft(plan)
    record("plan.discarded", plan, by=by, plan_id=plan.id, before={"title": plan.title, "sha256": plan.source_sha256})
    db.session.delete(plan)
    db.session.flush()


def assignments_for(lead: Department | None, co: list[Department]) -> tuple[Department | None, list[tuple]]:
    """Who gets a task: (lead department, [(department, role), …]).

    Groups (单位组 such as 苏南五市) fan out to their members, because a group has no liaison of its
    own. A group named as lead makes every member co-responsible and leaves the task without a
    lead, to be listed for the office: a task has one lead who files its report, and picking one
    city of five is the office's decision, not the importer's. A group named as co-responsible
    makes every member co-responsible. A department reached twice keeps its first role, lead first.
    """
    roles: dict[int, tuple[Department, AssignmentRole]] = {}
    lead_department = None
    if lead is not None and not lead.is_group:
        lead_department = lead
        roles[lead.id] = (lead, AssignmentRole.LEAD)
    for department in ([lead] if lead is not None and lead.is_group else []) + list(co):
        for member in (department.members if department.is_group else [department]):
            roles.setdefault(member.id, (member, AssignmentRole.CO))
    return lead_department, list(roles.values())


def publish_plan(plan: Plan, *, by=None, now: datetime | None = None) -> PublishResult:
    """Turn the reviewed draft into items (发布): sections, tasks with their lead and co-responsible
    departments, milestones, targets, indicators and reporting periods, all in the caller's one
    transaction. Refused twice, refused with no task, refused while a cited unit is unknown."""
    now = now or utcnow()
    _require_draft(plan)
    draft = plan.draft
    live = drafts.live_tasks(draft)
    if not live:
        raise PlanRefused(_("草稿中没有任务,无法发布。"))
    matches = match_departments(plan)
    unmatched = [name for name, match in matches.items() if not match.is_matched]
    if unmatched:
        raise PlanRefused(_("以下单位尚未对应到单位名录:%(names)s。请新建或并入已有单位后再发布。",
                            names="、".join(unmatched)))
    years = plan_years(plan)
    sections = _create_sections(plan, draft.get("sections", []))
    tasks = [_create_task(plan, item, position, sections, matches, years, by=by, now=now)
             for position, item in enumerate(live, 1)]
    _create_indicators(plan, drafts.live_measures(draft), years)
    plan.status, plan.published_at, plan.published_by_id = PlanStatus.PUBLISHED, now, getattr(by, "id", None)
    sync_periods(plan)
    unassigned = [task for task in tasks if task.lead_department is None]
    record("plan.published", plan, by=by, now=now, plan_id=plan.id,
           after={"tasks": len(tasks), "unassigned": [t.number or t.title for t in unassigned],
                  "milestones": sum(len(t.milestones) for t in tasks)})
    return PublishResult(tasks, unassigned)


def _create_sections(plan: Plan, items: list[dict]) -> dict[tuple, Section]:
    """Sections in reading order; a parent always comes before its children, so its id is known."""
    by_path: dict[tuple, Section] = {}
    for position, item in enumerate(items, 1):
        path = tuple(item.get("path") or [item.get("number")])
        parent = drafts.section_of(list(path[:-1]), by_path)
        section = Section(plan=plan, number=(item.get("number") or "")[:40], title=item.get("title") or "",
                          level=item.get("level") or 1, position=position, parent_id=parent.id if parent else None)
        db.session.add(section)
        db.session.flush()
        by_path[path] = section
    return by_path


def _create_task(plan, item, position, sections, matches, years, *, by, now) -> Task:
    lead_match = matches.get(item.get("lead"))
    lead, assignments = assignments_for(
        lead_match.department if lead_match else None,
        [matches[name].department for name in item.get("co", []) if name in matches],
    )
    task = Task(
        plan=plan, section=drafts.section_of(item.get("path", []), sections), number=(item.get("number") or "")[:40],
        path=list(item.get("path", [])), title=item.get("title") or drafts.first_clause(item.get("text", "")),
        text=item.get("text") or "", text_original=item.get("text_original"), position=position,
        lead_department=lead, due_on=date(years[-1], 12, 31) if years else None, source=plan.source,
        assignments=[TaskAssignment(department=d, role=role) for d, role in assignments],
    )
    for deliverable in item.get("deliverables", []):
        _add_deliverable(task, deliverable, years)
    if plan.source != ItemSource.PLAN and task.milestones:
        # A decision or an instruction is due on its own deadline, not at the end of its year.
        task.due_on = max(milestone.due_on for milestone in task.milestones)
    db.session.add(task)
    db.session.flush()
    for indicator in item.get("indicators", []):
        db.session.add(_indicator(plan, indicator, task_id=task.id))
    record("task.published", task, by=by, now=now, task_id=task.id, plan_id=plan.id,
           after={"number": task.number, "title": task.title, "lead": lead.name if lead else None,
                  "co": [d.name for d, role in assignments if role == AssignmentRole.CO]})
    return task


def _add_deliverable(task: Task, deliverable: dict, years: range) -> None:
    """One milestone per due date (每年… gives one per plan year), each with its own copy of the targets."""
    for spec in milestone_specs(deliverable, years):
        milestone = Milestone(year=spec.year, due_on=spec.due_on, text=deliverable.get("text") or "",
                              is_recurring=spec.is_recurring)
        task.milestones.append(milestone)
        for target in deliverable.get("targets", []):
            if target.get("value") is None:
                continue
            task.targets.append(Target(milestone=milestone, name=(target.get("name") or "")[:200],
                                       value=float(target["value"]), unit=(target.get("unit") or "")[:40],
                                       year=spec.year))


def _create_indicators(plan: Plan, items: list[dict], years: range) -> None:
    """Plan-level indicators; a target with no year of its own is the plan's last year's."""
    for position, item in enumerate(items, 1):
        indicator = _indicator(plan, item, position=position)
        indicator.target_year = indicator.target_year or (years[-1] if years else None)
        db.session.add(indicator)


def _indicator(plan: Plan, item: dict, *, task_id: int | None = None, position: int = 0) -> Indicator:
    """A 专栏 row (指标) as the parser gives it: values in the base unit (亿元 → 元) where it could read
    them, and always the text as printed, with its printed unit (572.13亿元)."""
    printed_unit = item.get("unit_text") or ""
    return Indicator(
        plan_id=plan.id, task_id=task_id, name=(item.get("name") or "")[:300], unit=(item.get("unit") or "")[:40],
        category=item.get("category"), attribute=item.get("attribute"),
        baseline=_number(item.get("baseline")), baseline_year=item.get("baseline_year"),
        baseline_text=_printed(item.get("baseline_text", item.get("baseline")), printed_unit),
        target=_number(item.get("target")), target_year=item.get("year") or item.get("target_year"),
        target_text=_printed(item.get("target_text", item.get("target")), printed_unit),
        yearly_targets=item.get("yearly_targets") or {}, position=position,
    )


def _number(value) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _printed(value, unit: str) -> str | None:
    return None if value is None else f"{value}{unit}"[:100]


def task_problems(task: dict, matches: dict[str, DepartmentMatch]) -> list[str]:
    """What the office should look at before publishing a draft task, against today's directory
    (a missing lead shows in the tree itself, and in the parser's own warning)."""
    problems = []
    lead = matches.get(task.get("lead"))
    if lead is not None and lead.department is not None and lead.department.is_group:
        problems.append(_("牵头单位“%(name)s”是单位组:发布后组内各单位为配合单位,请指定一个牵头单位。", name=lead.name))
    for name in [task.get("lead"), *task.get("co", [])]:
        match = matches.get(name)
        if match is None or match.is_matched:
            continue
        if match.candidates:
            problems.append(_("“%(name)s”可能是:%(candidates)s,请写明全称。", name=name,
                              candidates="、".join(d.name for d in match.candidates)))
        else:
            problems.append(_("“%(name)s”不在单位名录中。", name=name))
    return problems
