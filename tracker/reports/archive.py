"""The report archive (通报存档): every generated report is kept as written, and never changes.

A file is written once under a random name in ARCHIVE_FOLDER (created exclusively, so nothing is ever
overwritten) and made read-only; its SHA-256 is recorded with the period, who generated it and when.
Reading it back checks the SHA-256, so a file altered on disk is refused rather than handed out.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.reports.models import ArchivedReport, ReportKind

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ArchiveError(RuntimeError):
    """An archived file that is missing or no longer what was archived."""


def archive_folder() -> Path:
    folder = Path(current_app.config["ARCHIVE_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(report: ArchivedReport) -> Path:
    return archive_folder() / report.stored_name


def archive(content: bytes, *, kind: ReportKind, filename: str, title: str, period_label: str, by=None,
            department_id: int | None = None, doc_number: str | None = None,
            figures: dict | None = None) -> ArchivedReport:
    """Write `content` once and record it; the caller commits."""
    suffix = Path(filename).suffix.lower()
    stored_name = secrets.token_hex(16) + suffix
    path = archive_folder() / stored_name
    with open(path, "xb") as handle:  # "x": fails rather than replace an existing file
        handle.write(content)
    os.chmod(path, 0o444)
    report = ArchivedReport(
        kind=kind, period_label=period_label, department_id=department_id, title=title, doc_number=doc_number,
        filename=filename, stored_name=stored_name, content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
        size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
        generated_by_id=getattr(by, "id", None), generated_at=utcnow(), figures=figures,
    )
    db.session.add(report)
    db.session.flush()
    record("report.archived", report, after={"kind": kind.value, "period": period_label, "sha256": report.sha256,
                                             "filename": filename}, by=by)
    return report


def read_archived(report: ArchivedReport) -> bytes:
    """The archived file's bytes, after checking they are still the ones archived."""
    path = stored_path(report)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise ArchiveError(f"archived file {report.stored_name} is missing") from None
    if hashlib.sha256(content).hexdigest() != report.sha256:
        raise ArchiveError(f"archived file {report.stored_name} does not match its SHA-256")
    return content


def archive_list(limit: int = 200) -> list[ArchivedReport]:
    """The latest archived reports first."""
    return db.session.scalars(
        sa.select(ArchivedReport).options(joinedload(ArchivedReport.generated_by).lazyload(User.role_rows))
        .order_by(ArchivedReport.generated_at.desc(), ArchivedReport.id.desc())
        .limit(limit)).all()
