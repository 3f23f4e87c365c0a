"""Item pages: the office overview, the review queue, an item with its reports, reviews, evidence and
history, the report and contribution forms, the light rules, and the coordination problems."""
from __future__ import annotations

from dataclasses import astuple

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker.core import cache
from tracker.core.clock import local_today
from tracker.core.database import bounded_int
from tracker.extensions import db
from tracker.tasks import evidence as evidence_service
from tracker.departments.models import Department
from tracker.departments.services import lead_choices
from tracker.forms import choices
from tracker.tasks import forms, labels, lights, office, queries, reporting, reviews
from tracker.tasks.errors import StaleRecord, WorkflowError
from tracker.tasks.models import (
    Contribution,
    CoordinationIssue,
    Evidence,
    Milestone,
    ProgressReport,
    ReportingPeriod,
    ReportState,
    Task,
)
from tracker.tasks.permissions import Action, can, require

bp = Blueprint("tasks", __name__)


@bp.context_processor
def _labels():
    return {"labels": labels, "can": can, "Action": Action}


def _task_or_404(task_id: int) -> Task:
    task = queries.load_task(task_id)
    if task is None:
        abort(404)
    require(current_user, Action.VIEW_TASK, task)
    return task


def _period_of(task: Task, period_id: int) -> ReportingPeriod:
    period = db.get_or_404(ReportingPeriod, period_id)
    if period.plan_id != task.plan_id:
        abort(404)
    return period


def _back_to(task: Task, anchor: str = ""):
    return redirect(url_for("tasks.show", task_id=task.id) + (f"#{anchor}" if anchor else ""))


def _run(step, done: str) -> bool:
    """Take one workflow step and commit; a refusal or a conflict is rolled back and told to the user."""
    try:
        step()
        db.session.commit()
    except StaleRecord:
        db.session.rollback()
        flash(_("该记录已被他人修改,您的操作没有保存。请查看最新内容后再操作。"), "error")
        return False
    except WorkflowError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    flash(done, "success")
    return True


def _valid(form):
    """A form of buttons and hidden fields: anything invalid is a tampered request, not a user's slip."""
    if not form.validate_on_submit():
        abort(400)
    return form


# ---- lists ---------------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    filters = forms.parse_overview_filters(request.args)
    query_args = {key: request.args[key] for key in forms.FILTER_KEYS if request.args.get(key)}
    # The day is in the key: the period filter offers the periods around today.
    key = ("overview", queries.visibility_key(current_user), astuple(filters), tuple(query_args.items()),
           str(get_locale()), local_today())
    return render_template("tasks/index.html", body=cache.cached(key, lambda: _overview_body(filters, query_args)))


def _overview_body(filters, query_args: dict) -> Markup:
    """The filters and the table: the same for every overseer with the same filters until the next write."""
    page = queries.overview(current_user, filters, current_app.config["PAGE_SIZE"])
    return Markup(render_template("tasks/_overview.html", page=page, filters=filters,
                                  choices=queries.filter_choices(local_today()), status_filters=forms.STATUS_FILTERS,
                                  report_filters=forms.REPORT_FILTERS, query_args=query_args))


@bp.get("/review")
@login_required
def review_queue():
    """What waits for review: the reviewer decides from it, the office sees what to chase."""
    require(current_user, Action.VIEW_REVIEW_QUEUE)
    return render_template("tasks/review_queue.html", queue=queries.review_queue(current_user, current_app.config["PAGE_SIZE"]),
                           action_form=forms.ActionForm(), deciding=can(current_user, Action.REVIEW))


@bp.get("/lights")
@login_required
def light_rules():
    return render_template("tasks/light_rules.html", rules=lights.RULES, green=lights.GREEN_DESCRIPTION)


@bp.get("/coordination")
@login_required
def coordination():
    """需协调事项: the office answers them; the leaders read them (they are what goes up to them)."""
    require(current_user, Action.VIEW_COORDINATION)
    issues = queries.coordination_issues(current_app.config["PAGE_SIZE"])
    return render_template("tasks/coordination.html", issues=issues, form=forms.ResolveForm())


@bp.post("/coordination/<int:issue_id>/resolve")
@login_required
def resolve_coordination(issue_id: int):
    issue = db.get_or_404(CoordinationIssue, issue_id)
    form = _valid(forms.ResolveForm())
    _run(lambda: reporting.resolve_coordination_issue(issue, form.resolution.data, by=current_user),
         _("已记录协调结果"))
    return redirect(url_for("tasks.coordination"))


# ---- the item ------------------------------------------------------------------------------------------


@bp.get("/<int:task_id>")
@login_required
def show(task_id: int):
    task = _task_or_404(task_id)
    item = queries.item_page(task, local_today(), reports_page=bounded_int(request.args.get("reports")) or 1,
                             history_page=bounded_int(request.args.get("history")) or 1)
    return render_template("tasks/show.html", task=task, item=item, review_form=forms.DecisionForm(),
                           milestone_form=forms.MilestoneForm(), reason_form=forms.ReasonForm(),
                           action_form=forms.ActionForm(), office_forms=_office_forms(task))


def _lead_form(task: Task, formdata=None) -> forms.LeadForm:
    form = forms.LeadForm(formdata=formdata, version=task.version)
    form.department_id.choices = choices([(0, _("请选择")), *((id_, name) for id_, name in lead_choices()
                                                              if id_ != task.lead_department_id)])
    return form


def _office_forms(task: Task) -> dict | None:
    """The 督办 panel's forms (lead, deadline, 催办), for those who may direct the item."""
    if not can(current_user, Action.DIRECT_TASK, task):
        return None
    return {"lead": _lead_form(task), "deadline": forms.DeadlineForm(formdata=None, version=task.version),
            "urge": forms.UrgeForm(formdata=None)}


@bp.post("/<int:task_id>/lead")
@login_required
def assign_lead(task_id: int):
    task = _task_or_404(task_id)
    form = _lead_form(task, request.form)
    if not form.validate_on_submit():
        flash(_("请选择牵头单位。"), "error")
        return _back_to(task, "office-actions")
    department = db.get_or_404(Department, form.department_id.data)
    _run(lambda: office.assign_lead(task, department, by=current_user, expected_version=form.version.data),
         _("牵头单位已改为“%(name)s”", name=department.name))
    return _back_to(task, "office-actions")


@bp.post("/<int:task_id>/deadline")
@login_required
def extend_deadline(task_id: int):
    task = _task_or_404(task_id)
    form = forms.DeadlineForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash("、".join(str(error) for error in errors), "error")
        return _back_to(task, "office-actions")
    _run(lambda: office.extend_deadline(task, form.due_on.data, form.reason.data, by=current_user,
                                        expected_version=form.version.data),
         _("期限已延至 %(due)s", due=format_date(form.due_on.data)))
    return _back_to(task, "office-actions")


@bp.post("/<int:task_id>/sign")
@login_required
def sign(task_id: int):
    task = _task_or_404(task_id)
    _valid(forms.ActionForm())
    _run(lambda: reporting.sign_for(task, by=current_user), _("已签收"))
    return _back_to(task)


@bp.post("/sign-all")
@login_required
def sign_all():
    form = _valid(forms.SignAllForm())
    try:
        count = reporting.sign_for_all(by=current_user, expected=form.count.data)
        db.session.commit()
    except WorkflowError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("已签收 %(count)s 项", count=count), "success")
    return redirect(url_for("dashboards.index"))


@bp.post("/<int:task_id>/reopen")
@login_required
def reopen(task_id: int):
    task = _task_or_404(task_id)
    form = _valid(forms.ReasonForm())
    _run(lambda: reviews.reopen_task(task, form.reason.data, by=current_user, expected_version=form.version.data),
         _("事项已重新打开"))
    return _back_to(task)


# ---- the report -----------------------------------------------------------------------------------------


def _attach(task: Task, upload, **subject) -> None:
    """Store one chosen file; a refusal names the file."""
    try:
        evidence_service.attach_evidence(task, upload.filename, upload.stream, by=current_user, **subject)
    except WorkflowError as error:
        raise WorkflowError(_("“%(name)s”未上传:%(why)s", name=upload.filename, why=error.message)) from error


def _attach_files(task: Task, files, **subject) -> list[str]:
    """Store each chosen file; a refused file is reported and does not undo the others."""
    problems = []
    for upload in files:
        try:
            _attach(task, upload, **subject)
            db.session.commit()
        except WorkflowError as error:
            db.session.rollback()
            problems.append(error.message)
    return problems


@bp.route("/<int:task_id>/periods/<int:period_id>/report", methods=["GET", "POST"])
@login_required
def report_form(task_id: int, period_id: int):
    task = _task_or_404(task_id)
    period = _period_of(task, period_id)
    form = forms.ReportForm()
    outcome = _save_report_from_form(task, period, form) if form.validate_on_submit() else None
    if outcome == "done":
        return redirect(url_for("tasks.report_form", task_id=task.id, period_id=period.id))
    page = queries.report_page(task, period)
    if request.method == "GET":
        forms.fill_report_form(form, page["report"], reporting.open_targets(task.targets, period))
    elif outcome in ("conflict", "saved"):
        # The user's text stays in the form; the next save goes on top of the version now shown.
        forms.show_version(form, page["report"].version if page["report"] else 0)
    return render_template("tasks/report_form.html", task=task, period=period, form=form,
                           conflict=outcome == "conflict",
                           targets={t.id: t for t in task.targets}, return_review=queries.last_return(page["report"]),
                           editable=can(current_user, Action.REPORT, task), action_form=forms.ActionForm(),
                           withdraw_form=forms.WithdrawForm(formdata=None, version=page["report"].version if page["report"] else 0),
                           **page)


def _save_report_from_form(task: Task, period: ReportingPeriod, form) -> str:
    """Save, attach, and if asked submit. "done": all went through; "conflict": someone else saved first;
    "saved": the draft was saved but a file or the submission was refused; "refused": nothing was saved."""
    data, files = forms.report_input(form), forms.uploaded_files(form.files)
    if data.is_empty and not files:
        flash(_("还没有填写任何内容,草稿没有保存"), "warning")
        return "refused"
    try:
        report = reporting.save_report(task, period, data, by=current_user,
                                       expected_version=form.version.data)
        db.session.commit()
    except StaleRecord:
        db.session.rollback()
        flash(_("在您编辑期间,该报送已被他人修改,您的内容没有保存。下方列出了对方保存的版本,"
                "您填写的内容仍在表单中,核对后可再次保存。"), "error")
        return "conflict"
    except WorkflowError as error:
        db.session.rollback()
        flash(error.message, "error")
        return "refused"
    problems = _attach_files(task, files, report=report)
    for problem in problems:
        flash(problem, "error")
    if not form.send.data:
        flash(_("草稿已保存"), "success")
        return "saved" if problems else "done"
    if problems:
        flash(_("草稿已保存;有文件未能上传,报送尚未提交"), "warning")
        return "saved"
    try:
        report = reporting.submit_report(task, period, by=current_user, expected_version=report.version)
        db.session.commit()
    except (StaleRecord, WorkflowError) as error:
        db.session.rollback()
        flash(_("草稿已保存,但未能提交:%(why)s", why=getattr(error, "message", _("该报送已被他人修改"))), "error")
        return "saved"
    waiting = report.state == ReportState.AWAITING_CONFIRMATION
    flash(_("已提交,等待负责人确认") if waiting else _("已提交,等待审核"), "success")
    return "done"


def _decide(subject, approve, send_back, approved: str, returned: str) -> bool:
    """Approve or return `subject` as the decision form says, with its reason; whether it was decided."""
    form = _valid(forms.DecisionForm())
    step = send_back if form.send_back.data else approve
    return _run(lambda: step(subject, reason=form.reason.data, by=current_user, expected_version=form.version.data),
                returned if form.send_back.data else approved)


@bp.post("/reports/<int:report_id>/confirm")
@login_required
def confirm_report(report_id: int):
    report = db.get_or_404(ProgressReport, report_id)
    _decide(report, reporting.confirm_report, reporting.send_back_to_liaison, _("已确认,报送已提交审核"),
            _("已退回联络员修改"))
    return _back_to(report.task, f"report-{report.id}")


@bp.post("/reports/<int:report_id>/withdraw")
@login_required
def withdraw_report(report_id: int):
    report = db.get_or_404(ProgressReport, report_id)
    form = _valid(forms.WithdrawForm())
    _run(lambda: reporting.withdraw_report(report, by=current_user, expected_version=form.version.data),
         _("已撤回,可修改后重新提交"))
    return redirect(url_for("tasks.report_form", task_id=report.task_id, period_id=report.period_id))


@bp.post("/reports/<int:report_id>/review")
@login_required
def review_report(report_id: int):
    report = db.get_or_404(ProgressReport, report_id)
    if not _decide(report, reviews.approve_report, reviews.return_report, _("已审核通过"), _("已退回,理由已告知联络员")):
        return _back_to(report.task, f"report-{report.id}")
    return _next_in_queue()


def _next_in_queue():
    """After a decision the reviewer goes on to the oldest report still waiting, or back to the emptied queue."""
    following = queries.next_report_to_review(current_user)
    if following is None:
        flash(_("待审核的报送已全部处理"), "success")
        return redirect(url_for("tasks.review_queue"))
    flash(_("下一项待审核:%(number)s %(title)s", number=following.task.number, title=following.task.title), "info")
    return _back_to(following.task, f"report-{following.id}")


@bp.post("/review/approve")
@login_required
def approve_chosen():
    """审核通过 the reports ticked in the queue, each at the version the reviewer saw."""
    require(current_user, Action.REVIEW)
    _valid(forms.ActionForm())
    chosen = [forms.parse_choice(value) for value in request.form.getlist("report")]
    approved, problems = reviews.approve_reports([choice for choice in chosen if choice], by=current_user)
    db.session.commit()
    for problem in problems:
        flash(problem, "error")
    flash(_("已审核通过 %(count)s 项", count=approved), "success" if approved else "warning")
    return redirect(url_for("tasks.review_queue"))


# ---- contributions ------------------------------------------------------------------------------------


@bp.route("/<int:task_id>/periods/<int:period_id>/contribution", methods=["GET", "POST"])
@login_required
def contribution_form(task_id: int, period_id: int):
    task = _task_or_404(task_id)
    period = _period_of(task, period_id)
    require(current_user, Action.CONTRIBUTE, task)
    form = forms.ContributionForm()
    current = reporting.find_contribution(task.id, period.id, current_user.department_id)
    if request.method == "GET" and current is not None:
        form.version.data, form.narrative.data = current.version, current.narrative
    elif form.validate_on_submit():
        try:
            current = reporting.save_contribution(task, period, form.narrative.data, by=current_user,
                                                  expected_version=form.version.data, submit=form.send.data)
            db.session.commit()
        except StaleRecord:
            db.session.rollback()
            flash(_("在您编辑期间,本单位的配合材料已被他人修改,您的内容没有保存。下方是对方的版本,"
                    "您填写的内容仍在表单中。"), "error")
            current = reporting.find_contribution(task.id, period.id, current_user.department_id)
            forms.show_version(form, current.version if current else 0)
            return render_template("tasks/contribution_form.html", task=task, period=period, form=form,
                                   current=current, conflict=True, action_form=forms.ActionForm())
        except WorkflowError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            for problem in _attach_files(task, forms.uploaded_files(form.files), contribution=current):
                flash(problem, "error")
            flash(_("已提交给牵头单位") if form.send.data else _("草稿已保存"), "success")
            return redirect(url_for("tasks.contribution_form", task_id=task.id, period_id=period.id))
    return render_template("tasks/contribution_form.html", task=task, period=period, form=form, current=current,
                           conflict=False, action_form=forms.ActionForm())


# ---- milestones -------------------------------------------------------------------------------------------


def _milestone_of(task: Task, milestone_id: int) -> Milestone:
    milestone = db.get_or_404(Milestone, milestone_id)
    if milestone.task_id != task.id:
        abort(404)
    return milestone


@bp.post("/<int:task_id>/milestones/<int:milestone_id>/submit")
@login_required
def submit_milestone(task_id: int, milestone_id: int):
    task = _task_or_404(task_id)
    milestone = _milestone_of(task, milestone_id)
    form = _valid(forms.MilestoneForm())

    def attach_and_submit():
        # Files first, while the milestone can still take them; a refused one submits nothing.
        for upload in forms.uploaded_files(form.files):
            _attach(task, upload, milestone=milestone)
        reviews.submit_milestone(milestone, form.narrative.data, by=current_user, expected_version=form.version.data)

    _run(attach_and_submit, _("年度任务已提交审核"))
    return _back_to(task, f"milestone-{milestone.id}")


@bp.post("/<int:task_id>/milestones/<int:milestone_id>/review")
@login_required
def review_milestone(task_id: int, milestone_id: int):
    task = _task_or_404(task_id)
    milestone = _milestone_of(task, milestone_id)
    _decide(milestone, reviews.approve_milestone, reviews.return_milestone, _("已审核通过"), _("已退回"))
    return _back_to(task, f"milestone-{milestone.id}")


# ---- evidence ----------------------------------------------------------------------------------------------


@bp.get("/evidence/<int:evidence_id>")
@login_required
def download_evidence(evidence_id: int):
    evidence = db.get_or_404(Evidence, evidence_id)
    require(current_user, Action.VIEW_EVIDENCE, evidence)
    return send_file(evidence_service.evidence_path(evidence), mimetype=evidence.content_type, as_attachment=True,
                     download_name=evidence.original_name)


@bp.post("/evidence/<int:evidence_id>/remove")
@login_required
def remove_evidence(evidence_id: int):
    evidence = db.get_or_404(Evidence, evidence_id)
    _valid(forms.ActionForm())
    name, back = evidence.original_name, _page_of_evidence(evidence)
    _run(lambda: evidence_service.remove_evidence(evidence, by=current_user), _("已删除文件“%(name)s”", name=name))
    return redirect(back)


def _page_of_evidence(evidence: Evidence) -> str:
    """Where the file was attached: the report or contribution form, else the item page."""
    if evidence.report_id:
        report = db.session.get(ProgressReport, evidence.report_id)
        return url_for("tasks.report_form", task_id=evidence.task_id, period_id=report.period_id)
    if evidence.contribution_id:
        contribution = db.session.get(Contribution, evidence.contribution_id)
        return url_for("tasks.contribution_form", task_id=evidence.task_id, period_id=contribution.period_id)
    return url_for("tasks.show", task_id=evidence.task_id)
