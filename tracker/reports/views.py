"""Report pages: generate (office), preview, download and list the archive (office, leaders, reviewers)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, \
    send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.core.database import bounded_int
from tracker.departments.models import Department
from tracker.extensions import db
from tracker.forms import choices
from tracker.reports import archive, dispatch, ledger, supervision
from tracker.reports.figures import PeriodError, resolve_period
from tracker.reports.forms import DispatchForm, LedgerForm, PreviewForm, SupervisionForm
from tracker.reports.models import ArchivedReport
from tracker.reports.pdf import LAYOUT_FOLDER
from tracker.tasks.permissions import Action, can, require

bp = Blueprint("reports", __name__)


def _department_choices() -> list:
    return choices(db.session.execute(
        sa.select(Department.id, Department.name).where(Department.is_active).order_by(Department.name)).all())


def _forms() -> dict:
    departments = _department_choices()
    dispatch_form = DispatchForm(prefix="dispatch")
    dispatch_form.department.choices = departments
    preview_form = PreviewForm(formdata=None)
    preview_form.department.choices = choices([(0, _("全市督查通报"))] + [
        (choice.value, _("调度单:%(name)s", name=choice.label)) for choice in departments])
    return {"supervision_form": SupervisionForm(prefix="supervision"), "dispatch_form": dispatch_form,
            "ledger_form": LedgerForm(prefix="ledger"), "preview_form": preview_form}


@bp.get("/")
@login_required
def index():
    require(current_user, Action.READ_REPORTS)
    return render_template("reports/index.html", reports=archive.archive_list(),
                           can_generate=can(current_user, Action.GENERATE_REPORTS), **_forms())


def _invalid(form):
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")
    return redirect(url_for("reports.index"))


def _done(archived: ArchivedReport):
    db.session.commit()
    flash(_("已生成并存档:%(name)s", name=archived.filename), "success")
    return redirect(url_for("reports.index", _anchor=f"report-{archived.id}"))


@bp.post("/supervision")
@login_required
def generate_supervision():
    require(current_user, Action.GENERATE_REPORTS)
    form = SupervisionForm(prefix="supervision")
    if not form.validate_on_submit():
        return _invalid(form)
    archived, _content = supervision.generate(resolve_period(form.period.data), by=current_user,
                                              doc_number=form.doc_number.data)
    return _done(archived)


@bp.post("/dispatch")
@login_required
def generate_dispatch():
    require(current_user, Action.GENERATE_REPORTS)
    form = DispatchForm(prefix="dispatch")
    form.department.choices = _department_choices()
    if not form.validate_on_submit():
        return _invalid(form)
    department = db.get_or_404(Department, form.department.data)
    archived, _content = dispatch.generate(department, resolve_period(form.period.data), by=current_user)
    return _done(archived)


@bp.get("/ledger")
@login_required
def download_ledger():
    """The workbook of a period, downloaded as it is now: nothing is archived (`flask reports ledger` does)."""
    require(current_user, Action.READ_REPORTS)
    form = LedgerForm(request.args, prefix="ledger")
    if not form.validate():
        return _invalid(form)
    period = resolve_period(form.period.data)
    content, _count = ledger.ledger_bytes(period)
    return file_response(content, archive.CONTENT_TYPES[".xlsx"], ledger.filename(period), inline=False)


@bp.get("/preview")
@login_required
def preview():
    """The supervision report (or a department's dispatch sheet) as it would be generated, not archived:
    the HTML of the same layout, or with format=pdf the PDF shown inline."""
    require(current_user, Action.READ_REPORTS)
    try:
        period = resolve_period(request.args.get("period"))
    except PeriodError as error:
        flash(str(error), "error")
        return redirect(url_for("reports.index"))
    as_pdf = request.args.get("format") == "pdf"
    department_id = bounded_int(request.args.get("department"))
    if department_id:
        sheet = dispatch.prepare(db.get_or_404(Department, department_id), period)
        body = dispatch.render_pdf(sheet) if as_pdf else dispatch.render_html(sheet, for_pdf=False)
        name = sheet.filename
    else:
        report = supervision.prepare(period, doc_number=request.args.get("doc_number"))
        body = supervision.render_pdf(report) if as_pdf else supervision.render_html(report, for_pdf=False)
        name = report.filename
    if as_pdf:
        return file_response(body, "application/pdf", name, inline=True)
    return Response(body, mimetype="text/html")


def file_response(content: bytes, content_type: str, filename: str, *, inline: bool) -> Response:
    from urllib.parse import quote

    disposition = "inline" if inline else "attachment"
    response = Response(content, mimetype=content_type)
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:report_id>/download")
@login_required
def download(report_id: int):
    """An archived report exactly as archived; a file that no longer matches its SHA-256 is refused."""
    require(current_user, Action.READ_REPORTS)
    report = db.get_or_404(ArchivedReport, report_id)
    try:
        content = archive.read_archived(report)
    except archive.ArchiveError as error:
        current_app.logger.error("%s", error)
        return render_template("error.html", code=500,
                               message=_("存档文件已缺失或被改动,不能下载。请联系管理员。")), 500
    return file_response(content, report.content_type, report.filename, inline=request.args.get("inline") == "1")


@bp.get("/layout/<path:name>")
def layout_file(name: str):
    """The layouts' stylesheet for the browser preview."""
    if not name.endswith(".css"):
        abort(404)
    return send_from_directory(LAYOUT_FOLDER, name)
