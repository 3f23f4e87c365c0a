"""The JSON API under /api/v1, authenticated with bearer tokens.

Every decision on who may read or write goes through tracker.tasks.permissions, as for the pages. An
item the caller may not see answers 404, exactly like one that does not exist. A write carries the
`version` the client read; a stale one answers 409 with the record as it now stands.
"""
from __future__ import annotations

from dataclasses import astuple

from flask import Blueprint, abort, current_app, g, jsonify, request, send_file
from flask_babel import gettext as _
from werkzeug.http import HTTP_STATUS_CODES

from tracker.api import schemas, validation
from tracker.api.openapi import LIST_TASKS_PARAMETERS, NOTICE_FILTERS, openapi_document
from tracker.auth.services import user_for_token
from tracker.core import cache
from tracker.core.clock import local_today
from tracker.extensions import db
from tracker.plans.models import ItemSource
from tracker.supervision import queries as supervision_queries
from tracker.supervision import services as supervision_services
from tracker.supervision.models import NoticeKind, SupervisionNotice
from tracker.tasks import evidence as evidence_service
from tracker.tasks import queries, reporting
from tracker.tasks.errors import StaleRecord, WorkflowError
from tracker.tasks.models import Evidence, Light, ReportingPeriod, Task
from tracker.tasks.permissions import Action, can, visible_tasks
from tracker.tasks.queries import OverviewFilters

bp = Blueprint("api", __name__)
PUBLIC_ENDPOINTS = {"api.openapi"}


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        response = jsonify(error="Unauthorized", message=_("缺少或无效的 API 令牌(Authorization: Bearer …)"))
        response.headers["WWW-Authenticate"] = 'Bearer realm="tracker"'
        return response, 401
    db.session.commit()  # keeps the token's last use
    g.api_user = user
    return None


def _error(status: int, message: str, **extra):
    return jsonify(error=HTTP_STATUS_CODES[status], message=message, **extra), status


def _visible_task(task_id: int) -> Task:
    task = queries.load_task(task_id)
    if task is None or not can(g.api_user, Action.VIEW_TASK, task):
        abort(404)
    return task


def _task_and_period(task_id: int, period_id: int) -> tuple[Task, ReportingPeriod]:
    """The item the caller may see and one of its plan's periods; anything else is 403/404."""
    task = _visible_task(task_id)
    period = db.session.get(ReportingPeriod, period_id)
    if period is None or period.plan_id != task.plan_id:
        abort(404)
    return task, period


@bp.errorhandler(validation.BadInput)
def _bad_input(error: validation.BadInput):
    db.session.rollback()
    return _error(400, error.message, **({"field": error.field} if error.field else {}))


@bp.errorhandler(WorkflowError)
def _refused(error: WorkflowError):
    db.session.rollback()
    return _error(422, error.message)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


def _list_filters(query: dict) -> OverviewFilters:
    return OverviewFilters(plan_id=query.get("plan"), department_id=query.get("department"), status=query.get("status"),
                           light=Light(query["light"]) if "light" in query else None, period=query.get("period"),
                           report=query.get("report") if "period" in query else None, page=query.get("page", 1),
                           source=ItemSource(query["source"]) if "source" in query else None)


@bp.get("/tasks")
def tasks():
    query = validation.query_values(LIST_TASKS_PARAMETERS)
    filters = _list_filters(query)
    per_page = query.get("per_page", current_app.config["PAGE_SIZE"])
    key = ("api_tasks", queries.visibility_key(g.api_user), astuple(filters), per_page)
    return jsonify(cache.cached(key, lambda: _task_list(filters, per_page)))


def _task_list(filters, per_page: int) -> dict:
    page = queries.overview(g.api_user, filters, per_page)
    items = []
    for task, state, _due in page.rows:
        record = schemas.task_summary(task)
        if filters.period:
            record["report_state"] = state.value if state else None
        items.append(record)
    return {"items": items, "total": page.total, "page": page.page, "per_page": per_page}


@bp.get("/instructions")
def instructions():
    visible = {task.id for task in db.session.scalars(
        visible_tasks(g.api_user).where(Task.source == ItemSource.INSTRUCTION))}
    return jsonify(items=[schemas.instruction_record(i) for i in supervision_queries.instructions()
                          if i.task_id in visible])


@bp.get("/notices")
def notices():
    query = validation.query_values(NOTICE_FILTERS)
    found = supervision_queries.ledger(g.api_user, local_today(), kind=NoticeKind(query["kind"]) if "kind" in query
                                       else None, state=query.get("state"))
    return jsonify(items=[schemas.notice_record(notice) for notice in found])


def _visible_notice(notice_id: int) -> SupervisionNotice:
    notice = db.session.scalar(supervision_queries.visible_notices(g.api_user)
                               .where(SupervisionNotice.id == notice_id))
    if notice is None:
        abort(404)
    return notice


@bp.get("/notices/<int:notice_id>")
def notice(notice_id: int):
    return jsonify(schemas.notice_record(_visible_notice(notice_id)))


@bp.post("/notices/<int:notice_id>/reply")
def reply_notice(notice_id: int):
    found = _visible_notice(notice_id)
    body = validation.json_body("NoticeReply")
    if not supervision_services.may_reply(g.api_user, found):
        abort(403)
    if int(body["version"]) != found.version:
        return _error(409, _("该督办单已被他人修改,本次写入未保存;current 为最新内容"),
                      current=schemas.notice_record(found))
    supervision_services.reply_notice(found, body["text"], [], by=g.api_user, expected_version=found.version)
    db.session.commit()
    return jsonify(schemas.notice_record(found))


@bp.get("/tasks/<int:task_id>")
def task(task_id: int):
    return jsonify(schemas.task_detail(queries.item_page(_visible_task(task_id), local_today())))


def _report_json(task: Task, period: ReportingPeriod) -> dict:
    return schemas.report_record(queries.report_page(task, period)["report"], task, period)


@bp.get("/tasks/<int:task_id>/reports/<int:period_id>")
def report(task_id: int, period_id: int):
    return jsonify(_report_json(*_task_and_period(task_id, period_id)))


def _write_report(task: Task, period: ReportingPeriod, step):
    """Take a step on the report and answer with it; a stale version answers 409 with the report as it stands."""
    try:
        step()
        db.session.commit()
    except StaleRecord:
        db.session.rollback()
        return _error(409, _("该报送已被他人修改,本次写入未保存;current 为最新内容"),
                      current=_report_json(task, period))
    return jsonify(_report_json(task, period))


@bp.put("/tasks/<int:task_id>/reports/<int:period_id>")
def save_report(task_id: int, period_id: int):
    """Save the report as a draft; fields left out keep their value."""
    task, period = _task_and_period(task_id, period_id)
    body = validation.json_body("ReportWrite")
    data = schemas.report_input(body, schemas.current_input(reporting.find_report(task.id, period.id)))
    return _write_report(task, period, lambda: reporting.save_report(task, period, data, by=g.api_user,
                                                                     expected_version=int(body["version"])))


@bp.post("/tasks/<int:task_id>/reports/<int:period_id>/submit")
def submit_report(task_id: int, period_id: int):
    task, period = _task_and_period(task_id, period_id)
    version = int(validation.json_body("VersionOnly")["version"])
    return _write_report(task, period, lambda: reporting.submit_report(task, period, by=g.api_user,
                                                                       expected_version=version))


@bp.post("/tasks/<int:task_id>/reports/<int:period_id>/evidence")
def attach_evidence(task_id: int, period_id: int):
    """Attach files (multipart field `file`, repeatable) to the report; it must have been saved once."""
    task, period = _task_and_period(task_id, period_id)
    files = validation.uploaded_files("EvidenceUpload")
    report = reporting.find_report(task.id, period.id)
    if report is None:
        raise WorkflowError(_("请先保存本期报送,再上传佐证材料"))
    stored = [evidence_service.attach_evidence(task, f.filename, f.stream, by=g.api_user, report=report)
              for f in files]
    db.session.commit()
    return jsonify(items=[schemas.evidence_record(e) for e in stored]), 201


@bp.get("/evidence/<int:evidence_id>")
def evidence(evidence_id: int):
    stored = db.session.get(Evidence, evidence_id)
    if stored is None or not can(g.api_user, Action.VIEW_EVIDENCE, stored):
        abort(404)
    return send_file(evidence_service.evidence_path(stored), mimetype=stored.content_type, as_attachment=True,
                     download_name=stored.original_name)


@bp.get("/tasks/<int:task_id>/contributions/<int:period_id>")
def contribution(task_id: int, period_id: int):
    """The caller's department's contribution to the item for the period."""
    task, period = _task_and_period(task_id, period_id)
    current = reporting.find_contribution(task.id, period.id, g.api_user.department_id)
    return jsonify(schemas.contribution_record(current, task, period))


@bp.put("/tasks/<int:task_id>/contributions/<int:period_id>")
def save_contribution(task_id: int, period_id: int):
    """Save (and with "submit": true, hand to the lead department) the caller's department's contribution."""
    task, period = _task_and_period(task_id, period_id)
    body = validation.json_body("ContributionWrite")
    current = reporting.find_contribution(task.id, period.id, g.api_user.department_id)
    narrative = body.get("narrative", current.narrative if current else "")
    try:
        saved = reporting.save_contribution(task, period, narrative, by=g.api_user,
                                            expected_version=int(body["version"]), submit=body.get("submit", False))
        db.session.commit()
    except StaleRecord:
        db.session.rollback()
        current = reporting.find_contribution(task.id, period.id, g.api_user.department_id)
        return _error(409, _("该配合材料已被他人修改,本次写入未保存;current 为最新内容"),
                      current=schemas.contribution_record(current, task, period))
    return jsonify(schemas.contribution_record(saved, task, period))
