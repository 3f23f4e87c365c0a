"""The supervision report read back from the PDF: figures, ranking, fonts, long tables, escaping."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.reports.conftest import TODAY, add_coordination
from tests.reports.pdf_support import CountingServer, pdf_fonts, pdf_pages, pdf_text
from tracker.reports import dispatch, figures, supervision
from tracker.reports.pdf import FetchRefused, LAYOUT_FOLDER, check_url, html_to_pdf
from tracker.tasks.models import FILED_REPORT_STATES, Light


def _render(tmp_path, label="2025-03", name="report.pdf", **options):
    report = supervision.prepare(figures.parse_period(label), today=TODAY, **options)
    path = tmp_path / name
    path.write_bytes(supervision.render_pdf(report))
    return path


def _flat(text: str) -> str:
    """The PDF's text without the line breaks and spaces of its layout: a phrase wrapped in a cell reads whole."""
    return re.sub(r"\s+", "", text)


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
    assert f"目前在办事项中红灯 {red} 项" in text
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



def test_long_lists_are_cut_with_the_rest_counted_and_sent_to_the_ledger(app, make, db, scenario, tmp_path):
    plan = make.plan("长名单方案")
    department = make.department("市督办局")
    for index in range(12):
        task = make.task(plan, lead=department, light=Light.RED, light_reason="年度任务逾期", title=f"督办任务{index:02d}")
        make.milestone(task, year=2024, due_on=date(2024, 1 + index, 5))
        make.target(task, name=f"目标{index:02d}", value=100, reached_value=index)
        add_coordination(db, task, department, f"协调问题{index:02d}")
    path = _render(tmp_path, list_limit=5)
    text = pdf_text(path)
    red = sum(1 for light in scenario.lights.values() if light == Light.RED) + 12
    assert f"共有红灯事项{red}项" in _flat(text)
    assert f"以下列出逾期最久的5项,其余{red - 5}项见重点任务台账" in _flat(text)
    # The five overdue longest, oldest milestone first; the other seven are left to the ledger.
    assert re.findall(r"督办任务\d\d", text[text.index("三、红灯事项"):text.index("四、量化目标进展")]) == [
        f"督办任务{index:02d}" for index in range(5)]
    assert "共有量化目标12项,以下列出完成进度最低的5项,其余7项见重点任务台账" in _flat(text)
    assert "本期需协调事项共12项,以下列出提出最早的5项" in _flat(text)
    assert len(re.findall(r"协调问题\d\d", text)) == 5


def test_large_target_values_are_written_in_wan_and_yi(app, make, tmp_path):
    task = make.task(make.plan("投资方案"), lead=make.department("市投资局"))
    make.target(task, name="技术合同成交额", value=30_000_000_000, unit="元", reached_value=22_822_863_194)
    make.target(task, name="高新技术企业", value=1200, unit="家", reached_value=1010)
    text = pdf_text(_render(tmp_path))
    assert re.search(r"技术合同成交额.*228\.2亿元\s+300亿元\s+76\.1%", text)
    assert re.search(r"高新技术企业.*1,010家\s+1,200家\s+84\.2%", text)


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
    text = _flat(pdf_text(path))
    assert "<script>alert(1)</script>推进任务" in text
    assert '<linkrel="stylesheet"' in text
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
