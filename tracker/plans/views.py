"""Plan pages: upload or paste a plan, review its parse, publish it, set its reporting cycle."""
from __future__ import annotations

from pathlib import PurePath

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.errors import error_messages
from tracker.departments.models import Department
from tracker.departments.services import lead_choices
from tracker.extensions import db
from tracker.forms import choices
from tracker.plans import drafts, services
from tracker.plans.forms import (ActionForm, DepartmentResolveForm, SettingsForm, SplitForm, TaskForm,
                                 UploadForm, split_units)
from tracker.plans.models import Plan, PlanStatus, ReportingCycle
from tracker.plans.periods import plan_period_specs
from tracker.tasks import labels, office
from tracker.tasks.errors import StaleRecord, WorkflowError
from tracker.tasks.forms import LeadForm
from tracker.tasks.models import Task
from tracker.tasks.permissions import Action, require

bp = Blueprint("plans", __name__)


@bp.before_request
@login_required
def only_plan_managers():
    require(current_user, Action.MANAGE_PLANS)


def _load_plan(plan_id: int) -> Plan:
    plan = db.get_or_404(Plan, plan_id)
    require(current_user, Action.MANAGE_PLANS, plan)
    return plan


def _plan_home(plan: Plan) -> str:
    endpoint = "plans.review" if plan.status == PlanStatus.DRAFT else "plans.show"
    return url_for(endpoint, plan_id=plan.id)


def _review_at(plan: Plan, anchor: str | None = None):
    return redirect(url_for("plans.review", plan_id=plan.id, _anchor=anchor))


def _is_current(plan: Plan, form) -> bool:
    """A form from a page older than the draft's last change is refused rather than overwriting that change."""
    if form.version.data == str(plan.version):
        return True
    flash(error_messages()[409], "error")
    return False


def _apply(operation, success: str | None = None) -> bool:
    """Run one service call and commit it, or flash why it was refused; True when it went through."""
    try:
        operation()
    except (services.PlanRefused, WorkflowError) as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return False
    except StaleRecord:
        db.session.rollback()
        flash(error_messages()[409], "error")
        return False
    db.session.commit()
    if success:
        flash(success, "success")
    return True


def _department_choices() -> list[tuple[int, str]]:
    departments = db.session.scalars(
        sa.select(Department).where(Department.is_active.is_(True)).order_by(Department.name)
    ).all()
    return [(d.id, d.name) for d in departments]


def _lead_choices():
    return choices([(0, _("请选择")), *lead_choices()])


@bp.get("/")
def index():
    plans = db.session.scalars(sa.select(Plan).order_by(Plan.created_at.desc(), Plan.id.desc())).all()
    counts = dict(db.session.execute(sa.select(Task.plan_id, sa.func.count()).group_by(Task.plan_id)).all())
    return render_template("plans/index.html", plans=plans, counts=counts, live_tasks=drafts.live_tasks,
                           source_names=labels.texts(labels.SOURCE))


@bp.route("/import", methods=["GET", "POST"])
def upload():
    from tracker.plans.parser import PlanFileError, read_plan_bytes

    form = UploadForm()
    if form.validate_on_submit():
        try:
            if form.file.data:
                filename = PurePath(form.file.data.filename).name
                text = read_plan_bytes(form.file.data.read(), filename)
            else:
                filename, text = None, form.text.data
            plan = services.import_plan(text, filename=filename, by=current_user,
                                        allow_same_title=form.allow_same_title.data)
        except PlanFileError as error:
            form.file.errors = [*form.file.errors, error.message]
        except services.DuplicatePlan as duplicate:
            if duplicate.identical:
                flash(duplicate.message, "warning")
                return redirect(_plan_home(duplicate.existing))
            form.allow_same_title.errors = [duplicate.message]
        except services.PlanRefused as refused:
            form.text.errors = [*form.text.errors, refused.message]
        else:
            db.session.commit()
            flash(_("已导入《%(title)s》,请审核解析结果后发布。", title=plan.title), "success")
            return _review_at(plan)
    return render_template("plans/upload.html", form=form), 400 if form.is_submitted() else 200


@bp.get("/<int:plan_id>/review")
def review(plan_id: int):
    plan = _load_plan(plan_id)
    if plan.status != PlanStatus.DRAFT:
        return redirect(_plan_home(plan))
    matches = services.match_departments(plan)
    live = drafts.live_tasks(plan.draft)
    department_choices = choices(_department_choices())
    unknown = []
    for match in matches.values():
        if not match.is_matched:
            form = DepartmentResolveForm(formdata=None, data={"name": match.name, "version": plan.version})
            form.department_id.choices = department_choices
            unknown.append((match, form))
    return render_template(
        "plans/review.html", plan=plan, rows=drafts.tree(plan.draft), matches=matches, unknown=unknown,
        problems={task["key"]: services.task_problems(task, matches) for task in live},
        live_count=len(live), first_key=live[0]["key"] if live else None,
    )


@bp.route("/<int:plan_id>/tasks/<key>", methods=["GET", "POST"])
def edit_task(plan_id: int, key: str):
    plan = _load_plan(plan_id)
    if plan.status != PlanStatus.DRAFT:
        return redirect(_plan_home(plan))
    try:
        task = drafts.find_task(plan.draft, key)
    except KeyError:
        abort(404)
    form = TaskForm() if request.method == "POST" else TaskForm.for_task(task)
    if form.validate_on_submit() and _is_current(plan, form) and _apply(
        lambda: services.edit_task(plan, key, number=form.number.data or "", title=form.title.data,
                                   lead=form.lead.data, co=split_units(form.co.data),
                                   deliverables=form.deliverable_dicts(), by=current_user),
        _("已保存任务“%(title)s”。", title=form.title.data),
    ):
        return _review_at(plan, f"task-{key}")
    form.version.data = str(plan.version)
    split_form = SplitForm(formdata=None, data={"version": plan.version})
    split_form.at_sentence.choices = list(enumerate(drafts.sentences(task.get("text", ""))))[1:]
    names = db.session.scalars(sa.select(Department.name).where(Department.is_active.is_(True))
                               .order_by(Department.name)).all()
    return render_template("plans/task_form.html", plan=plan, task=task, form=form, split_form=split_form,
                           department_names=names)


def _draft_action(plan_id: int, anchor: str, operation, form_class=ActionForm, success: str | None = None):
    """One button's change to the draft; then back to where it was on the review page."""
    plan = _load_plan(plan_id)
    form = form_class()
    if form.validate_on_submit() and _is_current(plan, form):
        _apply(lambda: operation(plan, form), success)
    elif form.errors:
        flash(_("请先选择再提交。"), "error")
    return _review_at(plan, anchor)


@bp.post("/<int:plan_id>/tasks/<key>/exclude", defaults={"excluded": True}, endpoint="exclude_task")
@bp.post("/<int:plan_id>/tasks/<key>/include", defaults={"excluded": False}, endpoint="include_task")
def exclude_task(plan_id: int, key: str, excluded: bool):
    return _draft_action(plan_id, f"task-{key}",
                         lambda plan, _form: services.exclude_task(plan, key, excluded, by=current_user))


@bp.post("/<int:plan_id>/tasks/<key>/merge")
def merge_task(plan_id: int, key: str):
    return _draft_action(plan_id, f"task-{key}", lambda plan, _form: services.merge_task(plan, key, by=current_user))


@bp.post("/<int:plan_id>/tasks/<key>/split")
def split_task(plan_id: int, key: str):
    return _draft_action(
        plan_id, f"task-{key}",
        lambda plan, form: services.split_task(plan, key, form.at_sentence.data, by=current_user),
        form_class=SplitForm, success=_("已拆分为两个任务,请检查新任务的编号和单位。"),
    )


@bp.post("/<int:plan_id>/<any(indicators, targets):kind>/<int:index>/exclude", defaults={"excluded": True},
         endpoint="exclude_measure")
@bp.post("/<int:plan_id>/<any(indicators, targets):kind>/<int:index>/include", defaults={"excluded": False},
         endpoint="include_measure")
def exclude_measure(plan_id: int, kind: str, index: int, excluded: bool):
    return _draft_action(plan_id, "measures",
                         lambda plan, _form: services.exclude_measure(plan, kind, index, excluded, by=current_user))


def _resolve(plan: Plan, form: DepartmentResolveForm) -> None:
    """An unknown unit name: a new department or group (新建), or another name of an existing one (别名)."""
    if form.action.data == "link":
        department = db.get_or_404(Department, form.department_id.data)
        services.link_department(plan, form.name.data, department, by=current_user)
        flash(_("“%(name)s”已作为“%(department)s”的别名。", name=form.name.data, department=department.name),
              "success")
        return
    is_group = form.action.data == "create_group"
    services.create_department(plan, form.name.data, is_group=is_group, by=current_user)
    flash(_("已新建单位组“%(name)s”,请到单位管理中为它添加组内单位。", name=form.name.data) if is_group
          else _("已新建单位“%(name)s”。", name=form.name.data), "success")


@bp.post("/<int:plan_id>/departments")
def resolve_department(plan_id: int):
    return _draft_action(plan_id, "unknown-units", _resolve, form_class=DepartmentResolveForm)


@bp.post("/<int:plan_id>/publish")
def publish(plan_id: int):
    plan = _load_plan(plan_id)
    form = ActionForm()
    if not (form.validate_on_submit() and _is_current(plan, form)):
        return redirect(_plan_home(plan))
    try:
        result = services.publish_plan(plan, by=current_user)
    except services.PlanRefused as refused:
        flash(refused.message, "error")
        return redirect(_plan_home(plan))
    db.session.commit()
    flash(_("已发布《%(title)s》:%(count)s 项任务已交办。", title=plan.title, count=len(result.tasks)), "success")
    if result.unassigned:
        flash(_("%(count)s 项任务没有牵头单位,请在下方指定。", count=len(result.unassigned)), "warning")
    return redirect(_plan_home(plan))


@bp.post("/<int:plan_id>/discard")
def discard(plan_id: int):
    plan = _load_plan(plan_id)
    form = ActionForm()
    if form.validate_on_submit() and _is_current(plan, form) and _apply(
        lambda: services.discard_draft(plan, by=current_user), _("已放弃该草稿。")
    ):
        return redirect(url_for("plans.index"))
    return redirect(_plan_home(plan))


@bp.route("/<int:plan_id>/settings", methods=["GET", "POST"])
def settings(plan_id: int):
    plan = _load_plan(plan_id)
    form = SettingsForm(obj=plan)
    if not form.is_submitted():
        form.reporting_cycle.data = plan.reporting_cycle.value
        form.reporting_dates.data = "\n".join(plan.reporting_dates or [])
    if form.validate_on_submit() and _apply(
        lambda: services.update_settings(
            plan, title=form.title.data, doc_number=form.doc_number.data, issuing_body=form.issuing_body.data,
            start_year=form.start_year.data, end_year=form.end_year.data,
            reporting_cycle=ReportingCycle(form.reporting_cycle.data), reporting_due_day=form.reporting_due_day.data,
            reporting_dates=form.dates(), by=current_user,
        ),
        _("已保存方案设置。"),
    ):
        return redirect(url_for("plans.settings", plan_id=plan.id))
    return render_template("plans/settings.html", plan=plan, form=form, periods=plan_period_specs(plan))


@bp.get("/<int:plan_id>")
def show(plan_id: int):
    plan = _load_plan(plan_id)
    if plan.status == PlanStatus.DRAFT:
        return redirect(_plan_home(plan))
    tasks = db.session.scalars(
        sa.select(Task).where(Task.plan_id == plan.id).order_by(Task.position)
        .options(sa.orm.selectinload(Task.assignments), sa.orm.selectinload(Task.milestones))
    ).all()
    by_lead: dict[Department, list[Task]] = {}
    for task in sorted((t for t in tasks if t.lead_department), key=lambda t: (t.lead_department.name, t.position)):
        by_lead.setdefault(task.lead_department, []).append(task)
    assign_form = LeadForm(formdata=None)
    assign_form.department_id.choices = _lead_choices()
    return render_template("plans/show.html", plan=plan, by_lead=by_lead, task_count=len(tasks),
                           unassigned=[t for t in tasks if t.lead_department is None], assign_form=assign_form)


@bp.post("/<int:plan_id>/tasks/<int:task_id>/lead")
def assign_lead(plan_id: int, task_id: int):
    plan = _load_plan(plan_id)
    task = db.get_or_404(Task, task_id)
    if task.plan_id != plan.id:
        abort(404)
    form = LeadForm()
    form.department_id.choices = _lead_choices()
    if not form.validate_on_submit():
        flash(_("请选择牵头单位。"), "error")
    else:
        department = db.get_or_404(Department, form.department_id.data)
        _apply(lambda: office.assign_lead(task, department, by=current_user, expected_version=form.version.data),
               _("已指定牵头单位。"))
    return redirect(url_for("plans.show", plan_id=plan.id))
