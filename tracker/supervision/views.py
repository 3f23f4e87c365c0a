"""督查督办 pages: 批示件 and their registration, meetings and minutes, the 督办单 ledger, a notice, its PDF, its reply."""
from __future__ import annotations

from pathlib import PurePath

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.auth.models import Role, User, UserRole
from tracker.core.clock import local_today
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.plans.models import ItemSource
from tracker.forms import choices
from tracker.reports.pdf import html_to_pdf, render_layout
from tracker.reports.views import file_response
from tracker.supervision import queries, services
from tracker.supervision.forms import (KIND_LABELS, NOTICE_LABELS, InstructionForm, IssueDecisionForm, MinutesForm,
                                       NoticeForm, ReplyForm)
from tracker.supervision.models import MeetingKind, NoticeKind, SupervisionNotice
from tracker.tasks import labels
from tracker.tasks.errors import WorkflowError
from tracker.tasks.forms import uploaded_files
from tracker.tasks.models import CoordinationIssue, Task
from tracker.tasks.permissions import Action, can, require

bp = Blueprint("supervision", __name__)


@bp.record_once
def _escalate_in_every_sweep(state) -> None:
    from tracker.reminders.sweep import SWEEP_PASSES

    state.app.extensions.setdefault(SWEEP_PASSES, []).append(services.escalate_unanswered)


@bp.context_processor
def _labels():
    return {"labels": labels, "can": can, "Action": Action}


@bp.app_context_processor
def _item_panel():
    """What the item page shows of this area: the 批示件 or meeting behind an item, and its 督办单."""
    return {"supervision_panel": _panel, "notice_labels": NOTICE_LABELS, "meeting_kinds": KIND_LABELS}


def _panel(task: Task) -> dict:
    # A plan's item has neither a 批示件 nor a meeting behind it: the item page asks only for its notices.
    return {"instruction": queries.instruction_of(task.id) if task.source == ItemSource.INSTRUCTION else None,
            "meeting": queries.meeting_of(task.plan_id) if task.source == ItemSource.MEETING else None,
            "notices": queries.notices_for(task.id)}


def _issuing_office() -> str:
    return current_app.config.get("ISSUING_OFFICE") or _("联席会议办公室")


@bp.get("/")
@login_required
def index():
    office = can(current_user, Action.MANAGE_PLANS)
    return render_template("supervision/index.html", office=office,
                           instructions=queries.instructions() if current_user.has_role(*_OVERSEERS) else [],
                           meetings=queries.meetings() if office else [],
                           overdue=queries.ledger(current_user, local_today(), state=queries.OVERDUE))


_OVERSEERS = (Role.ADMIN, Role.OFFICE, Role.REVIEWER, Role.LEADER)


def _leaders() -> list[tuple[int, str]]:
    return db.session.execute(sa.select(User.id, User.name).join(UserRole, UserRole.user_id == User.id)
                              .where(UserRole.role == Role.LEADER, User.is_active).order_by(User.name)).all()


def _departments() -> list[Department]:
    return list(db.session.scalars(sa.select(Department).where(Department.is_active.is_(True), Department.is_group.is_(False))
                                   .order_by(Department.name)))


@bp.route("/instructions/new", methods=["GET", "POST"])
@login_required
def register_instruction():
    require(current_user, Action.MANAGE_PLANS)
    form = InstructionForm()
    departments = _departments()
    form.leader_id.choices = choices([(0, _("(无账号)")), *_leaders()])
    form.lead_id.choices = choices([(0, _("请选择")), *((d.id, d.name) for d in departments)])
    form.co_ids.choices = choices([(d.id, d.name) for d in departments])
    if form.is_submitted() and "read" in request.form and form.words.data and form.written_on.data:
        # 识别: the words propose the lead, the co-responsible units and the deadline; the office confirms.
        proposed = services.read_instruction(form.words.data, form.written_on.data)
        form.lead_id.data = proposed["lead"].id if proposed["lead"] else form.lead_id.data
        form.co_ids.data = [d.id for d in proposed["co"]] or form.co_ids.data
        if proposed["due_on"]:
            # A date field shows what was typed (raw_data) over its data: the proposal replaces both.
            form.due_on.data, form.due_on.raw_data = proposed["due_on"], None
        return render_template("supervision/instruction_form.html", form=form, read=True)
    if form.validate_on_submit():
        by_id = {d.id: d for d in departments}
        lead = by_id.get(form.lead_id.data)
        leader = db.session.get(User, form.leader_id.data) if form.leader_id.data else None
        if lead is None or form.due_on.data is None:
            flash(_("请选择牵头单位并填写办理时限(可点“识别”从批示内容中读出)。"), "error")
        else:
            try:
                instruction = services.register_instruction(
                    document_title=form.document_title.data, document_number=form.document_number.data, leader=leader,
                    leader_name=form.leader_name.data or (leader.name if leader else ""), words=form.words.data,
                    written_on=form.written_on.data, lead=lead, co=[by_id[i] for i in form.co_ids.data if i in by_id],
                    due_on=form.due_on.data, reply_requirements=form.reply_requirements.data or "", by=current_user)
            except WorkflowError as refused:
                flash(refused.message, "error")
            else:
                db.session.commit()
                flash(_("批示件已登记并交办给%(lead)s。", lead=lead.name), "success")
                return redirect(url_for("tasks.show", task_id=instruction.task_id))
    status = 400 if form.is_submitted() else 200
    return render_template("supervision/instruction_form.html", form=form, read=False), status


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def import_minutes():
    require(current_user, Action.MANAGE_PLANS)
    from tracker.plans.parser import PlanFileError, read_plan_bytes

    form = MinutesForm()
    if form.validate_on_submit():
        try:
            text = (read_plan_bytes(form.file.data.read(), PurePath(form.file.data.filename).name)
                    if form.file.data else form.text.data)
            meeting = services.import_minutes(
                title=form.title.data, kind=MeetingKind(form.kind.data), held_on=form.held_on.data,
                attendees=form.attendees.data or "", doc_number=form.doc_number.data, text=text, by=current_user)
        except PlanFileError as error:
            form.file.errors = [*form.file.errors, error.message]
        except WorkflowError as refused:
            form.text.errors = [*form.text.errors, refused.message]
        else:
            db.session.commit()
            flash(_("已导入会议纪要,请审核议定事项后发布。"), "success")
            return redirect(url_for("plans.review", plan_id=meeting.plan_id))
    return render_template("supervision/minutes_form.html", form=form), 400 if form.is_submitted() else 200


def _issue_form(formdata=None) -> IssueDecisionForm:
    form = IssueDecisionForm(formdata=formdata)
    form.issue_id.choices = choices((issue.id, f"{issue.task.title[:30]}:{issue.text[:60]}")
                                    for issue in queries.open_issues())
    return form


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    require(current_user, Action.MANAGE_PLANS)
    record = db.get_or_404(queries.Meeting, meeting_id)
    return render_template("supervision/meeting.html", meeting=record, items=queries.meeting_items(record),
                           issue_form=_issue_form())


@bp.post("/meetings/<int:meeting_id>/issues")
@login_required
def decide_issue(meeting_id: int):
    require(current_user, Action.MANAGE_PLANS)
    record = db.get_or_404(queries.Meeting, meeting_id)
    form = _issue_form(request.form)
    issue = db.session.get(CoordinationIssue, form.issue_id.data) if form.validate_on_submit() else None
    if issue is None:
        flash(_("请选择需协调事项并填写会议议定的内容。"), "error")
    else:
        try:
            services.decide_issue(record, issue, form.decision.data, by=current_user)
        except WorkflowError as refused:
            flash(refused.message, "error")
        else:
            db.session.commit()
            flash(_("已记入会议议定,该需协调事项已办结。"), "success")
    return redirect(url_for("supervision.meeting", meeting_id=meeting_id))


@bp.route("/tasks/<int:task_id>/notice", methods=["GET", "POST"])
@login_required
def issue_notice(task_id: int):
    require(current_user, Action.MANAGE_PLANS)
    task = db.get_or_404(Task, task_id)
    form = NoticeForm()
    if not form.is_submitted():
        form.lateness.data = services.lateness_of(task, local_today())
        if task.light.value != "red":
            form.kind.data = NoticeKind.REMINDER.value
    if form.validate_on_submit():
        try:
            notice = services.issue_notice(task, kind=NoticeKind(form.kind.data), lateness=form.lateness.data or "",
                                           requirement=form.requirement.data, reply_due_on=form.reply_due_on.data,
                                           issuing_office=_issuing_office(), by=current_user)
        except WorkflowError as refused:
            flash(refused.message, "error")
        else:
            db.session.commit()
            flash(_("已发出%(what)s。", what=notice.number or _("催办")), "success")
            return redirect(url_for("supervision.notice", notice_id=notice.id))
    return render_template("supervision/notice_form.html", form=form, task=task), 400 if form.is_submitted() else 200


@bp.get("/notices")
@login_required
def ledger():
    kind = request.args.get("kind")
    kind = NoticeKind(kind) if kind in {k.value for k in NoticeKind} else None
    state = request.args.get("state") if request.args.get("state") in (queries.ANSWERED, queries.OPEN, queries.OVERDUE) else None
    return render_template("supervision/ledger.html", today=local_today(), kind=kind, state=state,
                           notices=queries.ledger(current_user, local_today(), kind=kind, state=state))


def _visible_notice(notice_id: int) -> SupervisionNotice:
    notice = db.get_or_404(SupervisionNotice, notice_id)
    if not db.session.scalar(queries.visible_notices(current_user).where(SupervisionNotice.id == notice_id)
                             .with_only_columns(SupervisionNotice.id)):
        abort(404)
    return notice


@bp.get("/notices/<int:notice_id>")
@login_required
def notice(notice_id: int):
    record = _visible_notice(notice_id)
    form = ReplyForm(formdata=None, data={"version": record.version})
    return render_template("supervision/notice.html", notice=record, form=form, today=local_today(),
                           may_reply=services.may_reply(current_user, record) and record.replied_at is None)


@bp.get("/notices/<int:notice_id>.pdf")
@login_required
def notice_pdf(notice_id: int):
    record = _visible_notice(notice_id)
    html = render_layout("notice.html", for_pdf=True, notice=record, task=record.task,
                         source=labels.SOURCE[record.task.source], issued_on=local_today(record.issued_at))
    name = record.number or _("催办-%(id)s", id=record.id)
    return file_response(html_to_pdf(html), "application/pdf", f"{name}.pdf", inline=True)


@bp.post("/notices/<int:notice_id>/reply")
@login_required
def reply(notice_id: int):
    record = _visible_notice(notice_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.reply_notice(record, form.text.data,
                                  [(upload.filename, upload.stream) for upload in uploaded_files(form.files)],
                                  by=current_user, expected_version=int(form.version.data or 0))
        except WorkflowError as refused:
            db.session.rollback()
            flash(refused.message, "error")
        else:
            db.session.commit()
            flash(_("反馈已提交。"), "success")
    else:
        flash(_("请填写反馈内容。"), "error")
    return redirect(url_for("supervision.notice", notice_id=notice_id))
