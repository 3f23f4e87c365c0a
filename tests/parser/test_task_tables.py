"""Task-breakdown tables (重点任务分解表): a task a row, units and deadline in their own columns."""
from __future__ import annotations

import io

import docx

from tracker.plans.parser import parse_plan, read_plan_bytes
from tracker.plans.parser.task_tables import cells


def _docx(rows: list[list[str]]) -> bytes:
    document = docx.Document()
    document.add_paragraph("附件")
    document.add_paragraph("重点任务分解表")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_task_table_becomes_tasks_with_their_units_and_deadlines():
    data = _docx([
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["1", "实施高新技术企业倍增计划。建立培育库,动态管理入库企业。", "市科技局", "市财政局、市税务局", "2023年底前"],
        ["2", "建设中试基地。到2025年建成中试基地10个。", "市发展改革委", "", "持续推进"],
        ["3", "强化知识产权保护", "", "市市场监管局", "2024年6月"],
    ])
    parsed = parse_plan(read_plan_bytes(data, "方案.docx"))
    assert [(t.number, t.title, t.lead, t.co) for t in parsed.tasks] == [
        ("1", "实施高新技术企业倍增计划", "市科技局", ["市财政局", "市税务局"]),
        ("2", "建设中试基地", "市发展改革委", []),
        ("3", "强化知识产权保护", "市市场监管局", []),
    ]
    first, second, _ = parsed.tasks
    assert first.text == "实施高新技术企业倍增计划。建立培育库,动态管理入库企业。"
    assert [(d.year, d.text) for d in first.deliverables] == [(2023, "2023年底前")]
    # "持续推进" in the deadline column: every year of the plan.
    assert [(d.year, d.recurring, [(t.name, t.value, t.unit) for t in d.targets]) for d in second.deliverables] == [
        (2025, False, [("建成中试基地", 10, "个")]), (None, True, [])]


def test_one_responsible_units_column_leads_with_its_first_unit():
    text = "序号 | 工作任务 | 责任单位 |\n1 | 加强组织领导 | 市科技局、市财政局 |\n2 | 强化宣传引导 | 市委宣传部 |"
    assert [(t.title, t.lead, t.co) for t in parse_plan(text).tasks] == [
        ("加强组织领导", "市科技局", ["市财政局"]), ("强化宣传引导", "市委宣传部", [])]


def test_a_table_without_a_units_column_is_not_a_task_table():
    text = "(一)加强组织领导。(责任单位:市科技局)\n序号 | 工作任务 | 备注 |\n1 | 建立台账 | 无 |"
    assert [t.title for t in parse_plan(text).tasks] == ["加强组织领导"]


def test_cells_keep_their_place_in_the_line():
    line = "1 | 加强组织领导 |  | 2023年 |"
    assert [(c.text, line[c.start:c.end]) for c in cells(line)] == [
        ("1", "1"), ("加强组织领导", "加强组织领导"), ("", ""), ("2023年", "2023年")]


def _rows(*lines: str) -> list[tuple]:
    return [(task.number, task.title, task.lead, task.co) for task in parse_plan("\n".join(lines)).tasks]


def test_a_header_split_over_two_rows_names_lead_and_co_columns():
    assert _rows(
        "序号 | 重点任务 | 责任单位 | 责任单位 | 完成时限 |",
        "序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |",
        "1 | 建设智慧社区 | 区民政局 | 区大数据中心、各街道 | 2031年底前 |",
    ) == [("1", "建设智慧社区", "区民政局", ["区大数据中心", "各街道"])]


def test_header_labels_are_read_by_meaning_in_any_order_and_with_spaces_inside():
    assert _rows(
        "时间节点 | 协同单位 | 序  号 | 具体措施 | 主 办 |",
        "持续推进 | 区财政局 | 1 | 落实稳岗返还政策 | 区人社局 |",
    ) == [("1", "落实稳岗返还政策", "区人社局", ["区财政局"])]


def test_columns_that_are_neither_task_nor_unit_are_left_out():
    assert _rows(
        "序号 | 工作任务 | 任务来源 | 责任领导 | 责任单位 | 备注 |",
        "1 | 开展安全生产大检查 | 省政府工作报告 | 王某某 | 区应急管理局 | 重点 |",
    ) == [("1", "开展安全生产大检查", "区应急管理局", [])]


def test_the_task_column_with_the_most_distinct_entries_names_the_task():
    plan = parse_plan("\n".join([
        "序号 | 主要工作任务 | 具体工作措施 | 主要责任单位 |",
        "1 | 推进生态文明建设 | 成立生态文明建设领导小组 | 区环保局 |",
        "2 | 推进生态文明建设 | 编制生态文明建设规划 | 区发改局 |",
    ]))
    assert [(task.title, task.lead) for task in plan.tasks] == [("成立生态文明建设领导小组", "区环保局"),
                                                                 ("编制生态文明建设规划", "区发改局")]
    assert "推进生态文明建设" in plan.tasks[0].text


def test_a_section_row_under_the_header_is_not_a_second_header_row():
    assert _rows(
        "序号 | 重点任务 | 牵头单位 |",
        "一、优化政务服务 |  |  |",
        "1 | 推行一网通办 | 区政务服务中心 |",
    ) == [("1", "推行一网通办", "区政务服务中心", [])]
