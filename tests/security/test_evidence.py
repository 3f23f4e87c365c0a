"""Evidence (佐证材料) changes only while what it supports can, through either door; a refused upload leaves
no file behind; a file's name cannot break its download or read backwards."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.tasks.conftest import NOW, PDF, pdf_file
from tracker.tasks import reporting, reviews
from tracker.tasks.errors import WorkflowError
from tracker.tasks.evidence import attach_evidence, remove_evidence
from tracker.tasks.models import Evidence, MilestoneStatus, ProgressStatus, ReportState, TaskStatus
from tracker.tasks.reporting import ReportInput


def _url(item) -> str:
    return f"/api/v1/tasks/{item.task.id}/reports/{item.period.id}/evidence"


def _files_on_disk(app) -> list[Path]:
    folder = Path(app.config["EVIDENCE_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def _evidence_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Evidence))


def _submit(db, item, *, claims_completion=False):
    """The lead's report, filed with one file of evidence: (report, evidence)."""
    report = reporting.save_report(item.task, item.period, ReportInput(
        progress_status=ProgressStatus.COMPLETED if claims_completion else ProgressStatus.IN_PROGRESS,
        narrative="已完成认定", claims_completion=claims_completion), by=item.liaison, expected_version=0, now=NOW)
    evidence = attach_evidence(item.task, "认定名单.pdf", pdf_file(), by=item.liaison, report=report)
    reporting.sign_for(item.task, by=item.liaison, now=NOW)  # an item is closed only once its lead signed for it
    reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=report.version, now=NOW)
    db.session.commit()
    return report, evidence


def _approve(db, item, report):
    reviews.approve_report(report, by=item.reviewer, expected_version=report.version, now=NOW)
    db.session.commit()


@pytest.mark.parametrize("stage", ["submitted", "approved", "closed"])
def test_api_refuses_evidence_once_the_report_left_the_liaisons_hands(app, db, client, item, bearer, stage):
    report, _first = _submit(db, item, claims_completion=stage == "closed")
    if stage != "submitted":
        _approve(db, item, report)
    assert (report.state, item.task.status == TaskStatus.CLOSED) == (
        ReportState.SUBMITTED if stage == "submitted" else ReportState.APPROVED, stage == "closed")
    before = _files_on_disk(app)
    response = client.post(_url(item), headers=bearer(item.liaison),
                           data={"file": (io.BytesIO(PDF), "事后补充.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "不能再上传或删除" in response.json["message"]
    assert _evidence_count(db) == 1 and _files_on_disk(app) == before


def test_evidence_of_a_closed_item_cannot_be_removed_either(db, item):
    report, evidence = _submit(db, item, claims_completion=True)
    _approve(db, item, report)
    with pytest.raises(WorkflowError, match="已销号"):
        remove_evidence(evidence, by=item.liaison)


def test_a_contributions_evidence_stops_when_the_period_is_approved(db, item):
    contribution = reporting.save_contribution(item.task, item.period, "已拨付资金", by=item.co_liaison,
                                               expected_version=0, submit=True)
    db.session.commit()
    attach_evidence(item.task, "拨付凭证.pdf", pdf_file(), by=item.co_liaison, contribution=contribution)
    db.session.commit()
    report, _evidence = _submit(db, item)
    _approve(db, item, report)
    with pytest.raises(WorkflowError, match="审核通过"):
        attach_evidence(item.task, "补充.pdf", pdf_file(), by=item.co_liaison, contribution=contribution)


def test_a_submitted_milestone_takes_no_more_files_but_the_submitting_form_does(app, db, make, item, login_as):
    milestone = make.milestone(item.task, year=2025, text="年内认定100家")
    client = login_as(item.liaison)
    client.post_form(f"/tasks/{item.task.id}/milestones/{milestone.id}/submit", {
        "version": milestone.version, "narrative": "已认定102家", "files": (io.BytesIO(PDF), "名单.pdf")})
    db.session.expire_all()
    assert milestone.status == MilestoneStatus.SUBMITTED
    assert [e.original_name for e in db.session.scalars(sa.select(Evidence))] == ["名单.pdf"]
    with pytest.raises(WorkflowError, match="已提交审核"):
        attach_evidence(item.task, "补充.pdf", pdf_file(), by=item.liaison, milestone=milestone)


def test_a_refused_third_file_leaves_neither_rows_nor_files(app, db, client, item, bearer):
    headers = bearer(item.liaison)
    client.put(f"/api/v1/tasks/{item.task.id}/reports/{item.period.id}", headers=headers,
               json={"version": 0, "narrative": "附名单"})
    files = [(io.BytesIO(PDF), "一.pdf"), (io.BytesIO(PDF), "二.pdf"), (io.BytesIO(b"MZ\x90\x00"), "三.exe")]
    response = client.post(_url(item), headers=headers, data={"file": files}, content_type="multipart/form-data")
    assert response.status_code == 422 and "不支持的文件类型" in response.json["message"]
    assert _evidence_count(db) == 0 and _files_on_disk(app) == []


def _multipart(filename_star: str) -> tuple[bytes, str]:
    boundary = "tracker-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"; "
            f"filename*={filename_star}\r\nContent-Type: application/pdf\r\n\r\n").encode() + PDF + \
        f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_line_break_in_filename_star_cannot_make_the_file_undownloadable(db, client, item, bearer, login_as):
    headers = bearer(item.liaison)
    client.put(f"/api/v1/tasks/{item.task.id}/reports/{item.period.id}", headers=headers,
               json={"version": 0, "narrative": "附名单"})
    body, content_type = _multipart("UTF-8''%E5%90%8D%E5%8D%95%0D%0ASet-Cookie%3A%20x%3D1.pdf")
    response = client.post(_url(item), headers=headers, data=body, content_type=content_type)
    assert response.status_code == 201
    stored = db.session.scalar(sa.select(Evidence))
    assert "\r" not in stored.original_name and "\n" not in stored.original_name
    assert stored.original_name.startswith("名单") and stored.original_name.endswith(".pdf")
    page = login_as(item.liaison)
    for download in (lambda: client.get(f"/api/v1/evidence/{stored.id}", headers=headers),
                     lambda: page.get(f"/tasks/evidence/{stored.id}")):
        with download() as response:
            assert response.status_code == 200 and response.data == PDF
            assert not any("x=1" in cookie for cookie in response.headers.getlist("Set-Cookie"))


def test_a_right_to_left_override_in_a_file_name_is_removed(db, item):
    report = reporting.save_report(item.task, item.period, ReportInput(narrative="x"), by=item.liaison,
                                   expected_version=0)
    evidence = attach_evidence(item.task, "报告\u202egpj.pdf", pdf_file(), by=item.liaison, report=report)
    db.session.commit()
    assert evidence.original_name == "报告gpj.pdf"
