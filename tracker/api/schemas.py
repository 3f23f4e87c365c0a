"""The JSON shapes of the API: records out, and what a checked request body asks for."""
from __future__ import annotations

from dataclasses import replace

from flask import url_for

from tracker.core.clock import as_utc
from tracker.tasks.models import Contribution, ProgressReport, ProgressStatus, ReportingPeriod, Task
from tracker.tasks.reporting import ReportInput


def _moment(value):
    return None if value is None else as_utc(value).isoformat()


def _day(value):
    return None if value is None else value.isoformat()


def _ref(obj, *fields):
    return None if obj is None else {name: getattr(obj, name) for name in fields}


def task_summary(task: Task) -> dict:
    return {
        "id": task.id,
        "number": task.number,
        "title": task.title,
        "source": task.source.value,
        "plan": _ref(task.plan, "id", "title"),
        "lead_department": _ref(task.lead_department, "id", "name"),
        "status": task.status.value,
        "progress_status": task.progress_status.value if task.progress_status else None,
        "percent_complete": task.percent_complete,
        "light": task.light.value,
        "light_reason": task.light_reason,
        "due_on": _day(task.due_on),
        "reopen_count": task.reopen_count,
        "version": task.version,
        "url": url_for("api.task", task_id=task.id),
    }


def instruction_record(instruction) -> dict:
    """批示件 and the item it was assigned as."""
    return {"id": instruction.id, "document_title": instruction.document_title,
            "document_number": instruction.document_number, "leader": instruction.leader_name,
            "words": instruction.words, "written_on": _day(instruction.written_on),
            "reply_requirements": instruction.reply_requirements,
            "task": task_summary(instruction.task) if instruction.task else None}


def notice_record(notice) -> dict:
    """督办单 (numbered) or 催办 (number null), and the department's reply."""
    return {"id": notice.id, "kind": notice.kind.value, "number": notice.number, "task_id": notice.task_id,
            "task_title": notice.task.title, "source": notice.task.source.value,
            "department": _ref(notice.department, "id", "name"), "issued_at": _moment(notice.issued_at),
            "lateness": notice.lateness, "requirement": notice.requirement,
            "reply_due_on": _day(notice.reply_due_on), "reply_text": notice.reply_text or None,
            "replied_at": _moment(notice.replied_at), "escalated_at": _moment(notice.escalated_at),
            "evidence": [evidence_record(e) for e in notice.evidence], "version": notice.version,
            "url": url_for("api.notice", notice_id=notice.id)}


def period_record(period: ReportingPeriod | None) -> dict | None:
    if period is None:
        return None
    return {"id": period.id, "label": period.label, "starts_on": _day(period.starts_on),
            "ends_on": _day(period.ends_on), "due_on": _day(period.due_on)}


def evidence_record(evidence) -> dict:
    return {"id": evidence.id, "name": evidence.original_name, "content_type": evidence.content_type,
            "size_bytes": evidence.size_bytes, "sha256": evidence.sha256, "uploaded_at": _moment(evidence.uploaded_at),
            "url": url_for("api.evidence", evidence_id=evidence.id)}


def review_record(review) -> dict:
    return {"subject": review.subject.value, "decision": review.decision.value, "reason": review.reason,
            "reviewer": review.reviewer.name if review.reviewer else None, "decided_at": _moment(review.decided_at)}


def report_record(report: ProgressReport | None, task: Task, period: ReportingPeriod, *, evidence=None,
                  reviews=None) -> dict:
    """A report as the API shows it; before the first save, a blank one with version 0."""
    base = {"task_id": task.id, "period": period_record(period),
            "url": url_for("api.report", task_id=task.id, period_id=period.id)}
    if report is None:
        return base | {"id": None, "version": 0, "state": None, "progress_status": None, "percent_complete": None,
                       "narrative": "", "target_values": [], "needs_coordination": False, "coordination_text": "",
                       "claims_completion": False, "submitted_at": None, "is_late": False, "return_count": 0,
                       "evidence": [], "reviews": []}
    return base | {
        "id": report.id,
        "version": report.version,
        "state": report.state.value,
        "progress_status": report.progress_status.value if report.progress_status else None,
        "percent_complete": report.percent_complete,
        "narrative": report.narrative,
        "target_values": [{"target_id": tv.target_id, "value": tv.value} for tv in report.target_values],
        "needs_coordination": report.needs_coordination,
        "coordination_text": report.coordination_text,
        "claims_completion": report.claims_completion,
        "submitted_at": _moment(report.submitted_at),
        "is_late": report.is_late,
        "return_count": report.return_count,
        "evidence": [evidence_record(e) for e in (report.evidence if evidence is None else evidence)],
        "reviews": [review_record(r) for r in (report.reviews if reviews is None else reviews)],
    }


def contribution_record(contribution: Contribution | None, task: Task, period: ReportingPeriod) -> dict:
    base = {"task_id": task.id, "period": period_record(period)}
    if contribution is None:
        return base | {"id": None, "version": 0, "state": None, "narrative": "", "department": None}
    return base | {"id": contribution.id, "version": contribution.version, "state": contribution.state.value,
                   "narrative": contribution.narrative, "department": _ref(contribution.department, "id", "name"),
                   "submitted_at": _moment(contribution.submitted_at)}


def task_detail(item) -> dict:
    """An item with its departments, targets, milestones, periods due and every report."""
    task = item.task
    return task_summary(task) | {
        "text": task.text,
        "departments": [{"id": a.department_id, "name": a.department.name, "role": a.role.value,
                         "signed_at": _moment(a.signed_at)} for a in task.assignments],
        "targets": [{"id": t.id, "name": t.name, "value": t.value, "unit": t.unit, "year": t.year,
                     "reached_value": t.reached_value} for t in task.targets],
        "milestones": [{"id": m.id, "year": m.year, "due_on": _day(m.due_on), "text": m.text,
                        "status": m.status.value, "version": m.version} for m in task.milestones],
        "periods_due": {"last": period_record(item.periods.last), "next": period_record(item.periods.next)},
        "reports": [report_record(r, task, r.period, evidence=item.evidence_of.get(("report", r.id), []),
                                  reviews=item.reviews_of.get(("report", r.id), [])) for r in item.reports],
    }


# ---- what clients send (bodies validation.py has checked against the published schemas) ------------------


def report_input(body: dict, current: ReportInput) -> ReportInput:
    """The report a client wants saved: the fields of a ReportWrite body over the report as it stands."""
    data = replace(current)
    if "progress_status" in body:
        data.progress_status = ProgressStatus(body["progress_status"]) if body["progress_status"] else None
    if "percent_complete" in body:
        data.percent_complete = None if body["percent_complete"] is None else int(body["percent_complete"])
    for key in ("narrative", "coordination_text", "needs_coordination", "claims_completion"):
        if key in body:
            setattr(data, key, body[key])
    if "target_values" in body:
        data.target_values = {int(v["target_id"]): float(v["value"]) for v in body["target_values"]}
    return data


def current_input(report: ProgressReport | None) -> ReportInput:
    if report is None:
        return ReportInput()
    return ReportInput(
        progress_status=report.progress_status, percent_complete=report.percent_complete, narrative=report.narrative,
        target_values={tv.target_id: tv.value for tv in report.target_values},
        needs_coordination=report.needs_coordination, coordination_text=report.coordination_text,
        claims_completion=report.claims_completion)
