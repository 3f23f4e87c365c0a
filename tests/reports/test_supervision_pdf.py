"""The supervision report read back from the PDF: figures, ranking, fonts, long tables, escaping."""
from __future__ import annotations

import re

import pytest

from tests.reports.conftest import TODAY, add_coordination
from tests.reports.pdf_support import CountingServer, pdf_fonts, pdf_pages, pdf_text
from tracker.reports import dispatch, figures, supervision
from tracker.reports.pdf import FetchRefused, LAYOUT_FOLDER, check_url, html_to_pdf
from tracker.tasks.models import FILED_REPORT_STATES, Light


def _render(tmp_path, label="2025-03", name="report.pdf"):
    report = supervision.prepare(figures.parse_period(label), today=TODAY)
    path = tmp_path / name
    path.write_bytes(supervision.render_pdf(report))
    return path


def _rates(scenario, label):
    due, on_time = {}, {}
    for filed in scenario.reports:
        if filed.label == label:
            due[filed.department] = due.get(filed.department, 0) + 1
            on_time[filed.department] = on_time.get(filed.department, 0) + (
                filed.state in FILED_REPORT_STATES and not filed.is_late)
    return {name: 100 * on_time[name] / due[name] for name in due}, sum(on_time.values()), sum(due.values())


def test_pdf_states_the_figures_and_ranks_departments_as_the_database_does(app, scenario, tmp_path):
    path = _render(tmp_path)
    text = pdf_text(path)
    rates, on_time, due = _rates(scenario, "2025-03")
    assert "重点工作督查通报" in text and "各单位报送情况及排名" in text
    assert f"应报送进展 {due} 件,按时报送 {on_time} 件,按时报送率 {100 * on_time / due:.1f}%" in text
    red = sum(1 for light in scenario.lights.values() if light == Light.RED)
    assert f"目前红灯事项 {red} 项" in text
    table = text[text.index("二、各单位报送情况及排名"):text.index("排名依据")]
    lines = [line.split() for line in table.splitlines() if re.match(r"\s*\d+\s+市", line)]
    lines = [line for line in lines if len(line) == 10]
    assert [line[1] for line in lines] and {line[1] for line in lines} == set(rates)
    printed = [float(line[5].rstrip("%")) for line in lines]
    assert printed == sorted(printed, reverse=True)
    for line in lines:
        assert float(line[5].rstrip("%")) == round(rates[line[1]], 1)
    best = max(rates.values())
    assert [line[0] for line in lines if rates[line[1]] == best] == ["1"] * list(rates.values()).count(best)


def test_cjk_font_is_embedded_and_subsetted(app, scenario, tmp_path):
    fonts = pdf_fonts(_render(tmp_path))
    cjk = [font for font in fonts if "CJK" in font["name"]]
    assert cjk, fonts
    assert all(font["emb"] == "yes" and font["sub"] == "yes" for font in cjk)
    assert all(re.match(r"[A-Z]{6}\+Noto-S(ans|erif)-CJK-SC", font["name"]) for font in cjk)


def test_long_department_table_repeats_its_header_on_every_page(app, make, tmp_path):
    plan = make.plan("长表方案")
    make.period(plan)
    for index in range(70):
        make.task(plan, lead=make.department(f"市第{index + 1:02d}局"))
    path = _render(tmp_path)
    pages_with_rows = [page for page in range(2, pdf_pages(path) + 1)
                       if re.search(r"市第\d\d局", pdf_text(path, page))]
    assert len(pages_with_rows) >= 2
    for page in pages_with_rows:
        assert re.search(r"排名\s+牵头单位\s+牵头事项", pdf_text(path, page)), page
    # No row split across pages: every department appears whole, once.
    text = pdf_text(path)
    assert sorted(set(re.findall(r"市第\d\d局", text))) == [f"市第{i:02d}局" for i in range(1, 71)]
    # Page numbers and the running header on an inner page.
    second = pdf_text(path, 2)
    assert re.search(rf"第\s*2\s*页\s*共\s*{pdf_pages(path)}\s*页", second)
    assert "重点工作督查通报(2025年3月)" in second


def test_user_text_is_escaped_and_nothing_is_fetched(app, db, make, scenario, tmp_path):
    with CountingServer() as server:
        task, name = scenario.tasks[1]
        task.title = f'<img src="{server.url}/title.png"><script>alert(1)</script>推进任务'
        task.light, task.light_reason = Light.RED, f'<img src="{server.url}/reason.png">'
        db.session.commit()
        add_coordination(db, task, scenario.departments[name], f'<link rel="stylesheet" href="{server.url}/x.css">资金')
        path = _render(tmp_path)
        sheet = dispatch.prepare(scenario.departments[name], figures.parse_period("2025-03"), TODAY)
        (tmp_path / "sheet.pdf").write_bytes(dispatch.render_pdf(sheet))
    assert server.requests == []
    text = pdf_text(path)
    assert "<script>alert(1)</script>推进任务" in text
    assert '<link rel="stylesheet"' in text
    assert "<script>alert(1)</script>推进任务" in pdf_text(tmp_path / "sheet.pdf")


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://127.0.0.1/x.png",
    "https://example.com/font.woff",
    (LAYOUT_FOLDER / ".." / "tracker" / "config.py").as_uri(),
    "file://otherhost" + str(LAYOUT_FOLDER / "report.css"),
    "ftp://127.0.0.1/x",
])
def test_fetcher_refuses_everything_outside_the_layouts_and_static(app, url):
    with pytest.raises(FetchRefused):
        check_url(url)


def test_fetcher_serves_the_layouts_own_files(app):
    assert check_url((LAYOUT_FOLDER / "report.css").as_uri()) == (LAYOUT_FOLDER / "report.css").resolve()
    assert check_url("data:image/png;base64,AAAA") is None


def test_a_layout_cannot_read_a_file_elsewhere(app, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body::before { content: 'LEAKED-SECRET'; }")
    html = f'<html><head><link rel="stylesheet" href="{secret.as_uri()}"></head><body><p>正文</p></body></html>'
    path = tmp_path / "x.pdf"
    path.write_bytes(html_to_pdf(html))
    text = pdf_text(path)
    assert "正文" in text and "LEAKED-SECRET" not in text


def test_dispatch_sheet_lists_the_departments_overdue_and_returned_reports(app, scenario, tmp_path):
    name = "市科技局"
    sheet = dispatch.prepare(scenario.departments[name], figures.parse_period("2025-03"), TODAY)
    path = tmp_path / "sheet.pdf"
    path.write_bytes(dispatch.render_pdf(sheet))
    text = pdf_text(path)
    closed = next(iter(scenario.closed_in))
    mine = [(task, filed) for (task, owner), filed in
            zip(scenario.tasks, [f for f in scenario.reports if f.label == "2025-03"]) if owner == name]
    overdue = [task.title for task, filed in mine if filed.state not in FILED_REPORT_STATES and task.id != closed]
    returned = [task.title for task, filed in mine if filed.return_count]
    assert "重点工作调度单" in text and f"单位:{name}" in text
    section = text[text.index("二、逾期未报送"):text.index("三、被审核退回")]
    assert sorted(re.findall(r"市科技局牵头任务\d", section)) == sorted(overdue)
    section = text[text.index("三、被审核退回"):text.index("四、本单位全部事项")]
    assert sorted(re.findall(r"市科技局牵头任务\d", section)) == sorted(returned)
