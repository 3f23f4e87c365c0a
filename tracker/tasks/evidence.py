"""佐证材料: evidence files, checked for size and type, stored under EVIDENCE_FOLDER.

Files are kept under random names (never the uploader's) and only ever sent to someone allowed to
see the item. A removed attachment's file stays on disk: the audit log still names it by its hash. A file
whose row is never committed (a later file of the same request refused, a conflict) is deleted with the
transaction, so no file lies on disk without its row.

Evidence changes only while what it supports can: the report or the milestone while its department may
still edit it, a contribution until the period's report is approved, and never on a closed (销号) item.
This rule is here, in the one function both the pages and the API call.
"""
from __future__ import annotations

import hashlib
import mimetypes
import secrets
from datetime import datetime
from pathlib import Path, PurePath
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from tracker.audit.services import record, snapshot
from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.tasks.errors import WorkflowError
from tracker.tasks.models import (
    EDITABLE_REPORT_STATES,
    Contribution,
    Evidence,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ReportState,
    Task,
    TaskStatus,
)
from tracker.tasks.permissions import Action, require
from tracker.text import clean_name

AUDITED_FIELDS = ("original_name", "size_bytes", "sha256", "report_id", "contribution_id", "milestone_id")
_CHUNK = 64 * 1024
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# How each kind of file begins: a renamed executable is not a PDF. Kinds not listed pass on their extension.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "zip": _ZIP,
    "ofd": _ZIP,
    "doc": _OLE,
    "xls": _OLE,
}


def extension_of(filename: str) -> str:
    return PurePath(filename).suffix.lower().lstrip(".")


def file_name(filename: str) -> str:
    """The file's own name without any folder a browser or client sent along, on one line and without
    bidi controls (a line break could never go into the download's header), at most 255 characters."""
    return clean_name(PurePath(filename.replace("\\", "/")).name)[-255:]


def check_kind(extension: str, head: bytes) -> str | None:
    """Why a file with this extension and these first bytes is refused, or None."""
    allowed = current_app.config["EVIDENCE_EXTENSIONS"]
    if extension not in allowed:
        return _("不支持的文件类型“%(ext)s”,可上传:%(allowed)s", ext=extension or "?", allowed="、".join(allowed))
    if not head:
        return _("文件是空的")
    signatures = SIGNATURES.get(extension)
    if signatures and not head.startswith(signatures):
        return _("文件内容与扩展名“%(ext)s”不符,请上传原始文件", ext=extension)
    if extension == "txt" and b"\x00" in head:
        return _("文件内容与扩展名“%(ext)s”不符,请上传原始文件", ext=extension)
    return None


def evidence_folder() -> Path:
    folder = Path(current_app.config["EVIDENCE_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def evidence_path(evidence: Evidence) -> Path:
    return evidence_folder() / evidence.stored_name


def _write_checked(stream: BinaryIO, target: Path, extension: str, limit: int) -> tuple[int, str]:
    """Copy `stream` to `target`, refusing it by kind or size; (size, sha256) of what was written."""
    digest, size = hashlib.sha256(), 0
    head = stream.read(_CHUNK)
    problem = check_kind(extension, head)
    if problem:
        raise WorkflowError(problem)
    try:
        with target.open("xb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise WorkflowError(_("文件超过 %(mb)s MB 的上限", mb=f"{limit / 1024 / 1024:g}"))
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(_CHUNK)
    except WorkflowError:
        target.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest()


def check_changeable(task: Task, report: ProgressReport | None = None, contribution: Contribution | None = None,
                     milestone: Milestone | None = None) -> None:
    """Refuse a change of evidence once what it supports is no longer in its department's hands."""
    if task.status == TaskStatus.CLOSED:
        raise WorkflowError(_("该事项已销号,佐证材料不能再上传或删除;如需补充,请联系办公室重新打开"))
    if report is not None and report.state not in EDITABLE_REPORT_STATES:
        raise WorkflowError(_("本期报送已提交,佐证材料不能再上传或删除"))
    if milestone is not None and milestone.status not in (MilestoneStatus.PENDING, MilestoneStatus.RETURNED):
        raise WorkflowError(_("该年度任务已提交审核,佐证材料不能再上传或删除"))
    if contribution is not None:
        approved = sa.exists().where(ProgressReport.task_id == contribution.task_id,
                                     ProgressReport.period_id == contribution.period_id,
                                     ProgressReport.state == ReportState.APPROVED)
        if db.session.scalar(sa.select(approved)):
            raise WorkflowError(_("本期报送已审核通过,配合材料的佐证不能再上传或删除"))


# Files written in the session's transaction, deleted with it unless it commits.
_WRITTEN = "evidence_files_written"


@sa.event.listens_for(Session, "after_commit")
def _keep_written(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


@sa.event.listens_for(Session, "after_transaction_end")
def _delete_unkept(session: Session, transaction) -> None:
    if transaction.parent is None:
        for path in session.info.pop(_WRITTEN, ()):
            path.unlink(missing_ok=True)


def attach_evidence(
    task: Task,
    filename: str,
    stream: BinaryIO,
    *,
    by,
    report: ProgressReport | None = None,
    contribution: Contribution | None = None,
    milestone: Milestone | None = None,
    now: datetime | None = None,
) -> Evidence:
    """Store one uploaded file as evidence of `task` (and of the report, contribution or milestone)."""
    require(by, Action.CONTRIBUTE if contribution is not None else Action.REPORT, task)
    check_changeable(task, report, contribution, milestone)
    return store_evidence(task, filename, stream, by=by, report=report, contribution=contribution,
                          milestone=milestone, now=now)


def store_evidence(task: Task, filename: str, stream: BinaryIO, *, by, report: ProgressReport | None = None,
                   contribution: Contribution | None = None, milestone: Milestone | None = None,
                   now: datetime | None = None) -> Evidence:
    """Write the checked file and its row, audited; the caller has decided that `by` may attach it
    (a report's files by `attach_evidence`, a 督办单 reply's by its own rule)."""
    name = file_name(filename or "")
    extension = extension_of(name)
    stored_name = f"{secrets.token_hex(16)}.{extension or 'bin'}"
    target = evidence_folder() / stored_name
    size, sha256 = _write_checked(stream, target, extension, current_app.config["EVIDENCE_MAX_BYTES"])
    db.session.info.setdefault(_WRITTEN, []).append(target)
    evidence = Evidence(
        task_id=task.id,
        report_id=getattr(report, "id", None),
        contribution_id=getattr(contribution, "id", None),
        milestone_id=getattr(milestone, "id", None),
        original_name=name,
        stored_name=stored_name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size_bytes=size,
        sha256=sha256,
        uploaded_by_id=by.id,
        uploaded_at=now or utcnow(),
    )
    db.session.add(evidence)
    db.session.flush()
    record("evidence.attached", evidence, by=by, after=snapshot(evidence, AUDITED_FIELDS),
           task_id=task.id, plan_id=task.plan_id, now=now)
    return evidence


def remove_evidence(evidence: Evidence, *, by) -> None:
    """Detach a file its uploader no longer wants, while what it supports can still change."""
    require(by, Action.REMOVE_EVIDENCE, evidence)
    check_changeable(evidence.task, *(db.session.get(model, key) if key else None for model, key in (
        (ProgressReport, evidence.report_id), (Contribution, evidence.contribution_id),
        (Milestone, evidence.milestone_id))))
    record("evidence.removed", evidence, by=by, before=snapshot(evidence, AUDITED_FIELDS),
           task_id=evidence.task_id, plan_id=evidence.task.plan_id)
    db.session.delete(evidence)
    db.session.flush()
