"""台账 read back with openpyxl: a summary and one sheet per plan, each with a title row naming the plan and
period, a frozen header repeated on every A4 landscape page, wrapped text in set widths, and each item's
report of the period asked for (never an earlier period's); downloaded directly, not archived."""
from __future__ import annotations

import io
from urllib.parse import unquote

import openpyxl
import sqlalchemy as sa

from tracker.reports.figures import latest_closed_period, parse_period
from tracker.reports.ledger import ledger_bytes
from tracker.reports.models import ArchivedReport
from tracker.tasks.models import FILED_REPORT_STATES, ReportState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN = {None: "未报送", ReportState.DRAFT: "未报送(草稿)", ReportState.SUBMITTED: "待审核",
         ReportState.AWAITING_CONFIRMATION: "待负责人确认", ReportState.RETURNED: "已退回",
         ReportState.APPROVED: "已通过"}


def _workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def _march(scenario) -> dict:
    """{task title: what the ledger of 2025-03 says of its March report}, from what the scenario filed."""
    march = [filed for filed in scenario.reports if filed.label == "2025-03"]
    expected = {task.title: SHOWN[filed.state] for (task, _name), filed in zip(scenario.tasks, march)}
    closed, _name = scenario.tasks[0]  # closed on 12 March: its March report was still owed
    return expected | {closed.title: SHOWN[march[0].state]}


def test_one_sheet_per_plan_after_a_summary_set_up_for_print(app, scenario):
    workbook = _workbook(ledger_bytes(parse_period("2025-03"))[0])
    assert workbook.sheetnames == ["汇总", "科技创新行动方案", "数字经济三年行动计划"]
    for plan in scenario.plans:
        sheet = workbook[plan.title]
        assert sheet["A1"].value == f"{plan.title} · 重点任务台账 · 2025年3月"
        assert [cell.value for cell in sheet[2]][:4] == ["编号", "事项", "牵头单位", "配合单位"]
        assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$1:$2"
        assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert sheet.column_dimensions["B"].width == 40 and sheet.column_dimensions["M"].width == 60
        assert all(cell.alignment.wrap_text for cell in sheet[3])
        rows = sheet.max_row - 2
        assert rows == sum(1 for task, _name in scenario.tasks if task.plan_id == plan.id)
        assert sheet.auto_filter.ref == f"A2:M{rows + 2}"


def test_each_item_shows_this_periods_report_not_an_earlier_one(app, scenario):
    workbook = _workbook(ledger_bytes(parse_period("2025-03"))[0])
    shown = {}
    for plan in scenario.plans:
        for row in workbook[plan.title].iter_rows(min_row=3, values_only=True):
            assert row[10] == "2025-03"
            shown[row[1]] = row[11]
    assert shown == _march(scenario)
    # The case the office met: approved in February, never filed in March.
    february = [filed for filed in scenario.reports if filed.label == "2025-02"]
    march = [filed for filed in scenario.reports if filed.label == "2025-03"]
    assert any(f.state == ReportState.APPROVED and m.state is None for f, m in zip(february, march))


def test_the_summary_counts_what_the_sheets_show(app, scenario):
    workbook = _workbook(ledger_bytes(parse_period("2025-03"))[0])
    summary = workbook["汇总"]
    assert summary["A1"].value == "重点任务台账汇总 · 2025年3月" and summary.freeze_panes == "A3"
    rows = {row[0]: row for row in summary.iter_rows(min_row=3, values_only=True)}
    march = dict(zip((task.id for task, _name in scenario.tasks),
                     (filed for filed in scenario.reports if filed.label == "2025-03")))
    for plan in scenario.plans:
        tasks = [task for task, _name in scenario.tasks if task.plan_id == plan.id]
        filed = sum(1 for task in tasks if march[task.id].state in FILED_REPORT_STATES)
        assert rows[plan.title][1:6] == (len(tasks), sum(1 for t in tasks if t.id in scenario.closed_in),
                                         len(tasks), filed, len(tasks) - filed)
    assert rows["合计"][1] == len(scenario.tasks)


def test_a_period_with_no_report_due_says_so(app, scenario):
    workbook = _workbook(ledger_bytes(parse_period("2025-01"))[0])
    states = {row[11] for row in workbook["科技创新行动方案"].iter_rows(min_row=3, values_only=True)}
    assert states == {"本期无需报送"}


def test_formula_like_text_stays_text_and_co_departments_are_listed(app, make, scenario):
    task, _name = scenario.tasks[2]
    make.task(task.plan, lead=scenario.departments["市财政局"], co=[scenario.departments["市商务局"],
                                                                  scenario.departments["市教育局"]],
              title="=HYPERLINK(\"http://x\")公式标题")
    sheet = _workbook(ledger_bytes(parse_period("2025-03"))[0])[task.plan.title]
    [formula] = [row for row in sheet.iter_rows(min_row=3) if "公式标题" in (row[1].value or "")]
    assert (formula[1].value, formula[1].data_type) == ('=HYPERLINK("http://x")公式标题', "s")
    assert formula[3].value == "市商务局、市教育局"


def test_export_downloads_the_workbook_and_archives_nothing(app, db, office_client, scenario):
    for _click in range(2):
        response = office_client.get("/reports/ledger?ledger-period=2025-03")
        assert response.status_code == 200 and response.mimetype == XLSX
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment") and unquote(disposition).endswith("重点任务台账-2025-03.xlsx")
        assert _workbook(response.data)["科技创新行动方案"]["A1"].value.endswith("2025年3月")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ArchivedReport)) == 0
    # Without a period, the last month that has ended, like the supervision report.
    default = office_client.get("/reports/ledger").headers["Content-Disposition"]
    assert unquote(default).endswith(f"重点任务台账-{latest_closed_period().label}.xlsx")


def test_a_wrong_period_is_explained(app, office_client, scenario):
    page = office_client.get("/reports/ledger?ledger-period=2025-13", follow_redirects=True)
    assert "通报期应写作" in page.get_data(as_text=True)
