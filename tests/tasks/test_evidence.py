"""佐证材料 are checked for kind and size, stored under EVIDENCE_FOLDER under a random name, and audited."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import Forbidden, NotFound

from tests.tasks.conftest import NOW, PDF, pdf_file
from tracker.audit.models import AuditEntry
from tracker.tasks import reporting
from tracker.tasks.errors import WorkflowError
from tracker.tasks.evidence import attach_evidence, evidence_path, remove_evidence
from tracker.tasks.models import Evidence, ProgressStatus
from tracker.tasks.reporting import ReportInput


@pytest.fixture
def draft(db, item):
    report = reporting.save_report(item.task, item.period, ReportInput(narrative="草稿"), by=item.liaison,
                                   expected_version=0, now=NOW)
    db.session.commit()
    return report


def test_file_is_stored_under_the_evidence_folder_with_its_hash(app, db, item, draft):
    evidence = attach_evidence(item.task, "C:\\Users\\张三\\高企名单.pdf", pdf_file(), by=item.liaison, report=draft)
    db.session.commit()
    path = evidence_path(evidence)
    assert path.parent == Path(app.config["EVIDENCE_FOLDER"]) and path.read_bytes() == PDF
    assert evidence.original_name == "高企名单.pdf" and "张三" not in evidence.stored_name
    assert (evidence.content_type, evidence.size_bytes) == ("application/pdf", len(PDF))
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "evidence.attached"))
    assert entry.after["sha256"] == evidence.sha256 and entry.task_id == item.task.id


@pytest.mark.parametrize("name, content, message", [
    ("setup.exe", b"MZ\x90\x00", "不支持的文件类型"),
    ("名单.pdf", b"MZ\x90\x00 not a pdf", "与扩展名“pdf”不符"),
    ("名单.docx", b"%PDF-1.4", "与扩展名“docx”不符"),
    ("空.pdf", b"", "文件是空的"),
    ("说明.txt", b"abc\x00def", "不符"),
])
def test_wrong_kinds_are_refused_and_nothing_is_kept(app, db, item, draft, name, content, message):
    with pytest.raises(WorkflowError, match=message):
        attach_evidence(item.task, name, io.BytesIO(content), by=item.liaison, report=draft)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 0
    folder = Path(app.config["EVIDENCE_FOLDER"])
    assert not folder.exists() or list(folder.iterdir()) == []


def test_file_over_the_limit_is_refused(app, db, item, draft):
    app.config["EVIDENCE_MAX_BYTES"] = 1024
    with pytest.raises(WorkflowError, match="超过"):
        attach_evidence(item.task, "大.pdf", io.BytesIO(PDF + b"x" * 2000), by=item.liaison, report=draft)
    assert list(Path(app.config["EVIDENCE_FOLDER"]).iterdir()) == []


def test_text_and_office_files_pass(db, item, draft):
    attach_evidence(item.task, "说明.txt", io.BytesIO("推进情况说明".encode()), by=item.liaison, report=draft)
    attach_evidence(item.task, "台账.xlsx", io.BytesIO(b"PK\x03\x04rest"), by=item.liaison, report=draft)
    db.session.commit()
    assert sorted(e.original_name for e in draft.evidence) == ["台账.xlsx", "说明.txt"]


def test_only_those_working_on_the_item_attach(item, draft):
    for user in (item.reviewer, item.office):
        with pytest.raises(Forbidden):
            attach_evidence(item.task, "a.pdf", pdf_file(), by=user, report=draft)
    with pytest.raises(NotFound):
        attach_evidence(item.task, "a.pdf", pdf_file(), by=item.stranger, report=draft)


def test_uploader_removes_a_file_while_the_report_is_a_draft(db, item, draft):
    evidence = attach_evidence(item.task, "错传.pdf", pdf_file(), by=item.liaison, report=draft)
    db.session.commit()
    with pytest.raises(Forbidden):
        remove_evidence(evidence, by=item.co_liaison)
    remove_evidence(evidence, by=item.liaison)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 0
    assert db.session.scalar(sa.select(AuditEntry.before).where(AuditEntry.action == "evidence.removed"))[
        "original_name"] == "错传.pdf"


def test_evidence_of_a_submitted_report_stays(db, item, draft):
    evidence = attach_evidence(item.task, "依据.pdf", pdf_file(), by=item.liaison, report=draft)
    reporting.save_report(item.task, item.period, ReportInput(progress_status=ProgressStatus.IN_PROGRESS,
                                                              narrative="进展"), by=item.liaison, expected_version=1)
    db.session.commit()
    reporting.submit_report(item.task, item.period, by=item.liaison, expected_version=2, now=NOW)
    db.session.commit()
    with pytest.raises(WorkflowError, match="不能再上传或删除"):
        remove_evidence(evidence, by=item.liaison)


def test_the_stated_limits_fit_in_what_the_server_takes(app):
    # The files of one save at their stated limit, with both text fields full of 3-byte characters.
    from tracker.tasks.forms import TEXT_LIMIT

    assert app.config["EVIDENCE_MAX_BYTES"] <= app.config["EVIDENCE_UPLOAD_MAX_BYTES"]
    assert app.config["EVIDENCE_UPLOAD_MAX_BYTES"] + 2 * 3 * TEXT_LIMIT + 64 * 1024 <= app.config["MAX_CONTENT_LENGTH"]


def test_a_body_over_the_limit_goes_back_to_the_form_saying_the_limits(app, item, login_as):
    app.config["MAX_CONTENT_LENGTH"] = 4096
    client = login_as(item.liaison)
    form = f"/tasks/{item.task.id}/periods/{item.period.id}/report"
    response = client.post_form(form, {"narrative": "推进情况", "files": (io.BytesIO(PDF + b"x" * 8000), "大.pdf")},
                                headers={"Referer": f"http://localhost{form}"})
    assert response.status_code == 303 and response.location == f"{form}?refused=too-large"
    page = client.get(response.location).get_data(as_text=True)
    assert "没有保存" in page and "每次合计不超过 24 MB" in page
    assert client.get(form).status_code == 200  # nothing saved, nothing broken
