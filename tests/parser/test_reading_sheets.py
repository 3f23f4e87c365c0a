"""Task-division tables in Excel and .csv: the header found by meaning, merged cells, several sheets."""
from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import xlwt

from tracker.plans.parser import PlanFileError, parse_plan, read_plan_bytes

TITLE = "附件：某市2031年营商环境重点任务分工表"
HEADER_TOP = ["序号", "主要任务", "具体措施", "完成时限", "责任单位", None, "备注"]
HEADER_BELOW = [None, None, None, None, "牵头单位", "配合单位", None]
ROWS = [
    [1, "提升政务服务效能", "推行企业开办一日办结", datetime.datetime(2031, 6, 30), "市政务服务中心", "市市场监管局、市税务局", ""],
    [2, None, "推进工程建设项目审批改革，压缩审批时间至30个工作日以内", "2031年底前", "市住建局", "市自然资源局", "重点"],
    [3, "优化法治环境", "建立涉企投诉快速处理机制", "持续推进", "市司法局", None, ""],
]
EXPECTED_LINES = [
    TITLE,
    "序号 | 主要任务 | 具体措施 | 完成时限 | 责任单位 | 责任单位 | 备注 |",
    "序号 | 主要任务 | 具体措施 | 完成时限 | 牵头单位 | 配合单位 | 备注 |",
    "1 | 提升政务服务效能 | 推行企业开办一日办结 | 2031年6月30日 | 市政务服务中心 | 市市场监管局、市税务局 |  |",
    "2 | 提升政务服务效能 | 推进工程建设项目审批改革，压缩审批时间至30个工作日以内 | 2031年底前 | 市住建局 | 市自然资源局 | 重点 |",
    "3 | 优化法治环境 | 建立涉企投诉快速处理机制 | 持续推进 | 市司法局 |  |  |",
]
EXPECTED_TASKS = [
    ("1", "推行企业开办一日办结", "市政务服务中心", ["市市场监管局", "市税务局"]),
    ("2", "推进工程建设项目审批改革", "市住建局", ["市自然资源局"]),
    ("3", "建立涉企投诉快速处理机制", "市司法局", []),
]


def _xlsx(extra_sheet: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "分工表"
    sheet.append([])
    sheet.append([TITLE])
    sheet.merge_cells("A2:G2")
    sheet.append(HEADER_TOP)
    sheet.append(HEADER_BELOW)
    for column in "ABCDG":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("E3:F3")
    for row in ROWS:
        sheet.append(row)
    sheet.merge_cells("B5:B6")
    if extra_sheet:
        notes = workbook.create_sheet("填报说明")
        notes.append(["请各单位于每月25日前报送进展。"])
        workbook.create_sheet("隐藏").sheet_state = "hidden"
        workbook["隐藏"].append(["不应读出"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _tasks(text: str) -> list[tuple]:
    return [(task.number, task.title, task.lead, task.co) for task in parse_plan(text).tasks]


def test_an_xlsx_task_table_reads_with_its_merged_cells_repeated():
    assert read_plan_bytes(_xlsx(), "分工表.xlsx").splitlines() == EXPECTED_LINES


def test_an_xlsx_task_table_becomes_tasks_with_lead_co_and_deadline():
    plan = parse_plan(read_plan_bytes(_xlsx(), "分工表.xlsx"))
    assert [(task.number, task.title, task.lead, task.co) for task in plan.tasks] == EXPECTED_TASKS
    assert [(d.year, d.text) for d in plan.tasks[1].deliverables] == [(2031, "2031年底前")]
    assert "压缩审批时间至30个工作日以内" in plan.tasks[1].text


def test_several_sheets_are_read_in_order_with_their_names_and_hidden_ones_left_out():
    lines = read_plan_bytes(_xlsx(extra_sheet=True), "分工表.xlsx").splitlines()
    assert lines == ["分工表", *EXPECTED_LINES, "填报说明", "请各单位于每月25日前报送进展。"]


def _xls() -> bytes:
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("分工表")
    sheet.write_merge(0, 0, 0, 6, TITLE)
    for column, label in enumerate(HEADER_TOP):
        if column != 4 and label:
            sheet.write_merge(1, 2, column, column, label)
    sheet.write_merge(1, 1, 4, 5, "责任单位")
    sheet.write(2, 4, "牵头单位")
    sheet.write(2, 5, "配合单位")
    dates = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for row_index, row in enumerate(ROWS, start=3):
        for column, value in enumerate(row):
            if value is not None and not (column == 1 and row_index in (3, 4)):
                sheet.write(row_index, column, value, dates if isinstance(value, datetime.datetime) else xlwt.Style.default_style)
    sheet.write_merge(3, 4, 1, 1, "提升政务服务效能")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xls_task_table_reads_like_the_xlsx_one():
    text = read_plan_bytes(_xls(), "分工表.xls")
    assert text.splitlines() == EXPECTED_LINES
    assert _tasks(text) == EXPECTED_TASKS


CSV = "\n".join([
    "某县2031年乡村振兴重点工作任务分解表,,,,",
    ",,,,",
    "完成时间,配合部门,工作内容,序号,牵头部门",
    '2031年9月底前,县财政局,"建设高标准农田2万亩,完成年度任务",1,县农业农村局',
    "2031年底前,,开展农村人居环境整治,2,县住建局",
])


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_a_csv_in_any_encoding_with_its_columns_in_any_order(encoding):
    text = read_plan_bytes(CSV.encode(encoding), "分解表.csv")
    assert text.splitlines()[:2] == ["某县2031年乡村振兴重点工作任务分解表", "完成时间 | 配合部门 | 工作内容 | 序号 | 牵头部门 |"]
    assert _tasks(text) == [("1", "建设高标准农田2万亩", "县农业农村局", ["县财政局"]),
                            ("2", "开展农村人居环境整治", "县住建局", [])]


def test_a_tab_separated_file_named_csv():
    text = read_plan_bytes(CSV.replace(",", "\t").replace('"建设高标准农田2万亩\t完成年度任务"', "建设高标准农田2万亩").encode(), "a.csv")
    assert _tasks(text)[0][1:3] == ("建设高标准农田2万亩", "县农业农村局")


@pytest.mark.parametrize("data, filename, message", [
    (b"PK\x03\x04 broken", "表.xlsx", "无法打开这个 Excel(.xlsx) 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "表.xls", "无法读取这个 Excel(.xls) 文件"),
    ("序号,任务\n1,\"未闭合".encode(), "表.csv", None),
])
def test_a_broken_sheet_gets_a_message(data, filename, message):
    try:
        text = read_plan_bytes(data, filename)
    except PlanFileError as error:
        assert message and message in error.message
    else:
        assert message is None and "未闭合" in text


def test_a_task_table_is_named_by_its_title_row():
    assert parse_plan(read_plan_bytes(CSV.encode(), "附件2.csv"), filename="附件2.csv").title == "某县2031年乡村振兴重点工作任务分解表"


def test_an_old_xls_named_xlsx_is_read_as_what_it_is():
    assert read_plan_bytes(_xls(), "分工表.xlsx").splitlines() == EXPECTED_LINES
