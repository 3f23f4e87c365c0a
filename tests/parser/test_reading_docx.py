"""Word files: merged table cells, Word's own list numbering, headers left out, bombs refused."""
from __future__ import annotations

import docx
import pytest

from tests.parser.docx_files import bomb, numbered, numbering_part, saved, with_parts
from tracker.plans.parser import PlanFileError, parse_plan, read_plan_bytes
from tracker.plans.parser.reading import LIMITS, Limits


def _merged_table_document() -> bytes:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "某市人民政府办公室文件"
    document.sections[0].footer.paragraphs[0].text = "— 1 —"
    title = document.add_paragraph("某市优化营商环境")
    title.alignment = 1
    second = document.add_paragraph("重点任务分工方案")
    second.alignment = 1
    table = document.add_table(rows=5, cols=5)
    for cell, text in zip(table.rows[0].cells, ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]):
        cell.text = text
    section = table.cell(1, 0).merge(table.cell(1, 4))
    section.text = "一、提升政务服务效能"
    for row, (number, task, co) in enumerate([("1", "推行企业开办一日办结", "市税务局"),
                                              ("2", "推进工程建设项目审批改革", "市住建局")], start=2):
        for column, text in ((0, number), (1, task), (3, co), (4, "2031年底前")):
            table.cell(row, column).text = text
    lead = table.cell(2, 2).merge(table.cell(3, 2))
    lead.text = "市政务服务中心"
    for column, text in ((0, "3"), (1, "建立营商环境投诉快速处理机制"), (2, "市发展改革委"), (4, "持续推进")):
        table.cell(4, column).text = text
    return saved(document)


def test_merged_cells_are_repeated_into_every_row_and_headers_are_left_out():
    text = read_plan_bytes(_merged_table_document(), "分工方案.docx")
    assert text.splitlines() == [
        "某市优化营商环境重点任务分工方案",
        "序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |",
        "一、提升政务服务效能 |  |  |  |  |",
        "1 | 推行企业开办一日办结 | 市政务服务中心 | 市税务局 | 2031年底前 |",
        "2 | 推进工程建设项目审批改革 | 市政务服务中心 | 市住建局 | 2031年底前 |",
        "3 | 建立营商环境投诉快速处理机制 | 市发展改革委 |  | 持续推进 |",
    ]


def test_a_merged_lead_cell_leads_every_task_it_covers():
    plan = parse_plan(read_plan_bytes(_merged_table_document(), "分工方案.docx"))
    assert [(task.title, task.lead, task.co) for task in plan.tasks] == [
        ("推行企业开办一日办结", "市政务服务中心", ["市税务局"]),
        ("推进工程建设项目审批改革", "市政务服务中心", ["市住建局"]),
        ("建立营商环境投诉快速处理机制", "市发展改革委", []),
    ]


LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."), ("decimalEnclosedCircle", "%4")]


def _numbered_document(items: list[tuple[int, int, str]], instances: dict[int, dict[int, int]]) -> bytes:
    document = docx.Document()
    document.add_paragraph("某县农村人居环境整治行动方案")
    for number_id, level, text in items:
        numbered(document.add_paragraph(text), number_id, level)
    return with_parts(saved(document), {"word/numbering.xml": numbering_part(LEVELS, instances)})


def test_word_list_numbers_are_written_back_into_the_text():
    data = _numbered_document([
        (1, 0, "重点任务"), (1, 1, "推进农村厕所革命"), (1, 2, "完成户厕改造3000户"), (1, 2, "建设公共厕所20座"),
        (1, 3, "先行试点"), (1, 1, "加强生活垃圾治理"), (1, 2, "建立收运处置体系"), (1, 0, "保障措施"), (1, 1, "加强组织领导"),
    ], {1: {}})
    assert read_plan_bytes(data, "方案.docx").splitlines() == [
        "某县农村人居环境整治行动方案", "一、重点任务", "（一）推进农村厕所革命", "1.完成户厕改造3000户", "2.建设公共厕所20座",
        "①先行试点", "（二）加强生活垃圾治理", "1.建立收运处置体系", "二、保障措施", "（一）加强组织领导",
    ]


def test_a_list_instance_that_restarts_counts_again_and_others_run_on():
    data = _numbered_document([(1, 0, "总体要求"), (2, 0, "重点任务"), (3, 0, "附则甲"), (3, 0, "附则乙")],
                              {1: {}, 2: {}, 3: {0: 1}})
    assert read_plan_bytes(data, "方案.docx").splitlines()[1:] == ["一、总体要求", "二、重点任务", "一、附则甲", "二、附则乙"]


def test_numbered_paragraphs_become_numbered_tasks():
    data = _numbered_document([(1, 0, "重点任务"), (1, 1, "推进农村厕所革命。（责任单位：县农业农村局）"),
                               (1, 1, "加强生活垃圾治理。（责任单位：县住建局）")], {1: {}})
    plan = parse_plan(read_plan_bytes(data, "方案.docx"))
    assert [(task.number, task.title, task.lead) for task in plan.tasks] == [
        ("(一)", "推进农村厕所革命", "县农业农村局"), ("(二)", "加强生活垃圾治理", "县住建局")]


def test_a_docx_that_unpacks_to_a_million_paragraphs_is_refused_before_it_is_parsed():
    data = bomb(1_000_000)
    assert len(data) < 50_000
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(data, "方案.docx")
    assert "压缩比异常" in raised.value.message and "未导入" in raised.value.message


def test_the_paragraph_count_is_bounded_while_reading():
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(bomb(1_000_000), "方案.docx", Limits(max_ratio=10**9))
    assert f"超过 {LIMITS.max_paragraphs:,} 个" in raised.value.message


@pytest.mark.parametrize("limits, message", [
    (Limits(max_unpacked=1000), "解压后有"),
    (Limits(max_parts=3), "个部件组成"),
    (Limits(max_paragraphs=5), "超过 5 个"),
])
def test_each_limit_refuses_with_its_own_message(limits, message):
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(_merged_table_document(), "方案.docx", limits)
    assert message in raised.value.message


def test_reading_stops_when_the_time_is_up():
    ticks = iter(range(1000))
    limits = Limits(seconds=3, clock=lambda: next(ticks))
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(_numbered_document([(1, 1, "推进农村厕所革命")] * 10, {1: {}}), "方案.docx", limits)
    assert "3 秒的时限" in raised.value.message


def test_an_old_or_password_protected_word_file_named_docx_says_so():
    with pytest.raises(PlanFileError) as raised:
        read_plan_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "方案.docx")
    assert "旧版 Office 文件,或设置了打开密码" in raised.value.message
