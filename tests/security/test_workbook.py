"""Every text cell of the Excel ledger (台账) is text: what a plan or a department is called never runs."""
from __future__ import annotations

import io

import openpyxl

from tracker.reports.figures import parse_period
from tracker.reports.ledger import ledger_bytes
from tracker.tasks import reporting
from tracker.tasks.reporting import ReportInput

LINK = '=HYPERLINK("http://evil.example/x","打开方案")'


def test_formula_like_plan_title_department_name_and_narrative_stay_text(db, make):
    lead = make.department(LINK.replace("打开方案", "打开单位"))
    plan = make.plan(LINK)
    task = make.task(plan, lead=lead, co=[make.department("+1+1")], title="@SUM(1,2)")
    period = make.period(plan)
    reporting.save_report(task, period, ReportInput(narrative="-2+3\u000b=1+1"), by=make.liaison(lead),
                          expected_version=0)
    db.session.commit()
    content, count = ledger_bytes(parse_period(period.label))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert count == 1
    summary, sheet = workbook.worksheets  # the plan's sheet is named without Excel's forbidden []:*?/\
    _number, title, lead_cell, co, *_rest, narrative = next(sheet.iter_rows(min_row=3))
    expected = {summary["A3"]: LINK, sheet["A1"]: f"{LINK} · 重点任务台账 · 2025年3月", lead_cell: lead.name,
                title: "@SUM(1,2)", co: "+1+1", narrative: "-2+3=1+1"}
    for cell, text in expected.items():
        # As typed, as a string cell (never "f", a formula), marked so that editing keeps it text.
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True), cell.coordinate
