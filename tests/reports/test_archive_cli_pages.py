"""Archive immutability, the `flask reports` commands, the ledger read back, and the report page."""
from __future__ import annotations

import hashlib
import html
import os
import re
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from tests.reports.pdf_support import pdf_text
from tracker.reports import archive
from tracker.reports.models import ArchivedReport, ReportKind


def _archived(db) -> list[ArchivedReport]:
    return db.session.scalars(sa.select(ArchivedReport).order_by(ArchivedReport.id)).all()


def test_archived_file_is_written_once_and_checked_on_read(app, db, office):
    report = archive.archive(b"%PDF-1.7 first", kind=ReportKind.SUPERVISION, filename="a.pdf", title="通报",
                             period_label="2025-03", by=office)
    db.session.commit()
    path = archive.stored_path(report)
    assert report.sha256 == hashlib.sha256(b"%PDF-1.7 first").hexdigest() and report.size_bytes == 14
    assert archive.read_archived(report) == b"%PDF-1.7 first"
    assert not os.access(path, os.W_OK) or os.geteuid() == 0
    assert path.stat().st_mode & 0o222 == 0
    with pytest.raises(FileExistsError):
        with open(path, "xb"):
            pass
    os.chmod(path, 0o644)
    path.write_bytes(b"%PDF-1.7 forged")
    with pytest.raises(archive.ArchiveError):
        archive.read_archived(report)
    path.unlink()
    with pytest.raises(archive.ArchiveError):
        archive.read_archived(report)


def test_supervision_command_writes_and_archives_the_pdf(app, db, runner, scenario, tmp_path):
    out = tmp_path / "report.pdf"
    result = runner.invoke(args=["reports", "supervision", "--period", "2025-03", "--out", str(out),
                                 "--doc-number", "督查通报〔2025〕3号"])
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    assert "督查通报〔2025〕3号" in text and "关于2025年3月重点工作推进情况的通报" in text
    (row,) = _archived(db)
    assert (row.kind, row.period_label, row.doc_number) == (ReportKind.SUPERVISION, "2025-03", "督查通报〔2025〕3号")
    assert row.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert row.figures["red"] == sum(1 for light in scenario.lights.values() if light.value == "red")
    # The next period's report compares its lights with this archived one.
    runner.invoke(args=["reports", "supervision", "--period", "2025-04", "--out", str(tmp_path / "april.pdf")])
    assert "注:上期未存档督查通报" not in pdf_text(tmp_path / "april.pdf")


def test_commands_refuse_an_unreadable_period_or_unknown_department(app, runner, tmp_path):
    result = runner.invoke(args=["reports", "supervision", "--period", "2025-13", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "2025-Q1" in result.output
    result = runner.invoke(args=["reports", "dispatch", "--department", "不存在局", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "不存在局" in result.output


def test_dispatch_command_by_name_or_id(app, db, runner, scenario, tmp_path):
    department = scenario.departments["市教育局"]
    for key in ("市教育局", str(department.id)):
        out = tmp_path / f"sheet-{key}.pdf"
        result = runner.invoke(args=["reports", "dispatch", "--department", key, "--period", "2025-03",
                                     "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert "单位:市教育局" in pdf_text(out)
    assert [row.department_id for row in _archived(db)] == [department.id, department.id]


def test_ledger_command_writes_and_archives_the_workbook(app, db, runner, scenario, tmp_path):
    out = tmp_path / "ledger.xlsx"
    result = runner.invoke(args=["reports", "ledger", "--period", "2025-03", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames[0] == "汇总"
    (row,) = _archived(db)
    assert (row.kind, row.period_label, row.sha256) == (ReportKind.LEDGER, "2025-03",
                                                        hashlib.sha256(out.read_bytes()).hexdigest())


def test_office_generates_previews_and_downloads(app, db, office_client, scenario):
    page = office_client.get("/reports/")
    assert page.status_code == 200 and "生成督查通报" in page.get_data(as_text=True)
    response = office_client.post_form("/reports/supervision", {"supervision-period": "2025-03",
                                                                "supervision-doc_number": "第3期"})
    assert response.status_code == 302
    (row,) = _archived(db)
    download = office_client.get(f"/reports/{row.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert hashlib.sha256(download.data).hexdigest() == row.sha256
    assert "attachment" in download.headers["Content-Disposition"]
    listing = office_client.get("/reports/").get_data(as_text=True)
    assert "第3期" in listing and row.sha256[:12] in listing
    preview = office_client.get("/reports/preview?period=2025-03")
    assert preview.status_code == 200 and "各单位报送情况及排名" in preview.get_data(as_text=True)
    assert "/reports/layout/report.css" in preview.get_data(as_text=True)
    css = office_client.get("/reports/layout/report.css")
    assert css.status_code == 200 and b"@page" in css.data
    css.close()
    inline = office_client.get("/reports/preview?period=2025-03&format=pdf")
    assert inline.mimetype == "application/pdf" and inline.headers["Content-Disposition"].startswith("inline")
    assert len(_archived(db)) == 1  # a preview is not archived


def test_any_period_and_any_department_can_be_previewed_and_the_preview_leads_back(app, leader_client, scenario):
    page = leader_client.get("/reports/").get_data(as_text=True)
    department = scenario.departments["市科技局"]
    assert 'data-testid="preview-form"' in page and "调度单:市科技局" in page

    sheet = leader_client.get(f"/reports/preview?period=2025-02&department={department.id}&format=html")
    assert sheet.status_code == 200 and "市科技局" in sheet.get_data(as_text=True)
    hrefs = [html.unescape(href) for href in re.findall(r'<a href="([^"]+)"', sheet.get_data(as_text=True))]
    assert "/reports/" in hrefs  # the way back to the report page
    [as_pdf] = [href for href in hrefs if "format=pdf" in href]
    assert "period=2025-02" in as_pdf and f"department={department.id}" in as_pdf
    pdf = leader_client.get(as_pdf)
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    bad = leader_client.get("/reports/preview?period=2025-13", follow_redirects=True)
    assert "通报期应写作" in bad.get_data(as_text=True)


def test_office_generates_a_dispatch_sheet_from_the_page(app, db, office_client, scenario):
    department = scenario.departments["市科技局"]
    assert office_client.post_form("/reports/dispatch", {"dispatch-department": department.id,
                                                         "dispatch-period": "2025-03"}).status_code == 302
    assert [row.kind for row in _archived(db)] == [ReportKind.DISPATCH]
    bad = office_client.post_form("/reports/supervision", {"supervision-period": "2025-13"}, follow_redirects=True)
    assert "通报期应写作" in bad.get_data(as_text=True) and len(_archived(db)) == 1


def test_leader_reads_but_cannot_generate(app, db, leader_client, scenario):
    page = leader_client.get("/reports/")
    assert page.status_code == 200 and "生成督查通报" not in page.get_data(as_text=True)
    assert leader_client.post_form("/reports/supervision", {"supervision-period": "2025-03"}).status_code == 403
    assert leader_client.get("/reports/preview?period=2025-03").status_code == 200


def test_liaison_may_neither_read_nor_generate(app, make, login_as, scenario):
    client = login_as(make.liaison(scenario.departments["市科技局"]))
    assert client.get("/reports/").status_code == 403
    assert client.post_form("/reports/supervision", {"supervision-period": "2025-03"}).status_code == 403
    assert client.get("/reports/preview").status_code == 403


def test_forged_form_without_csrf_token_is_refused(app, db, office_client, scenario):
    response = office_client.post("/reports/supervision", data={"supervision-period": "2025-03"})
    assert response.status_code == 400
    assert _archived(db) == []


def test_download_of_an_altered_file_is_refused(app, db, office_client, office):
    report = archive.archive(b"%PDF original", kind=ReportKind.SUPERVISION, filename="a.pdf", title="通报",
                             period_label="2025-03", by=office)
    db.session.commit()
    path = archive.stored_path(report)
    os.chmod(path, 0o644)
    path.write_bytes(b"%PDF altered")
    response = office_client.get(f"/reports/{report.id}/download")
    assert response.status_code == 500 and "被改动" in response.get_data(as_text=True)
