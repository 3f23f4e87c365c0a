"""Task tables that lost their grid in the copy, on tables invented for the test: the header's labels
run together, rows opened by a running number, units known by their shape, deadlines by their form."""
from __future__ import annotations

import pytest

from tracker.plans.parser import parse_plan
from tracker.plans.parser.units import unit_run


def rows(text: str) -> list[tuple]:
    return [(task.number, task.title, task.lead, task.co) for task in parse_plan(text).tasks]


@pytest.mark.parametrize("text, names", [
    ("县水利局县财政局2024年", ["县水利局", "县财政局"]),
    ("县政府各部门、各乡镇人民政府,县融媒体中心加快建设", ["县政府各部门", "各乡镇人民政府", "县融媒体中心"]),
    ("县住建局县水库管理处3乡村", ["县住建局", "县水库管理处"]),
    ("县直各有关部门、各乡镇县财政局要加大投入", ["县直各有关部门", "各乡镇"]),
    ("县交通局某某经济开发区2016年度目标责任书", ["县交通局"]),
    ("县审改办县政府各部门、各乡镇", ["县审改办", "县政府各部门", "各乡镇"]),
    ("各乡镇办好便民服务", ["各乡镇"]),
    ("加快建设县级平台", []),
])
def test_units_written_one_after_another_are_told_apart_by_their_shape(text, names):
    assert [text[start:end] for start, end in unit_run(text, 0)] == names


def test_number_task_lead_co_deadline_with_the_number_run_into_the_task():
    text = ("某县水利工作任务分工表\n序号工作任务牵头单位配合单位完成时限1修缮小型水库县水利局县财政局、各乡镇2024年6月底前"
            "2整治城区河道县住建局县生态环境局2024年12月底前3建设污水处理厂县住建局县发改局、县财政局长期坚持")
    assert rows(text) == [("1", "修缮小型水库", "县水利局", ["县财政局", "各乡镇"]),
                          ("2", "整治城区河道", "县住建局", ["县生态环境局"]),
                          ("3", "建设污水处理厂", "县住建局", ["县发改局", "县财政局"])]


def test_no_number_column_the_task_opens_with_its_own_number():
    text = ("工作任务责任单位完成时限1.修缮小型水库县水利局、县财政局2024年底前"
            "2.整治城区河道县住建局、各乡镇人民政府持续推进")
    assert rows(text) == [("1", "修缮小型水库", "县水利局", ["县财政局"]),
                          ("2", "整治城区河道", "县住建局", ["各乡镇人民政府"])]


def test_deadline_before_the_units_and_a_merged_group_column():
    text = ("序号重点任务具体措施完成时限责任单位1农村水利1、加固小型水库坝体6月县水利局县财政局2、疏浚灌溉渠道12月各乡镇"
            "2城区排水3、改造城区雨污管网全年县住建局")
    parsed = parse_plan(text)
    assert [(s.number, s.title) for s in parsed.sections] == [("1", "农村水利"), ("2", "城区排水")]
    assert rows(text) == [("1", "加固小型水库坝体", "县水利局", ["县财政局"]), ("2", "疏浚灌溉渠道", "各乡镇", []),
                          ("3", "改造城区雨污管网", "县住建局", [])]
    assert [task.path for task in parsed.tasks] == [["1", "1"], ["1", "2"], ["2", "3"]]
    # The group's words stay with each row, as the merged cell said them of every row under it.
    assert "农村水利" in parsed.tasks[1].text


def test_headings_between_rows_and_a_requirement_column_after_the_units():
    text = ("工作任务牵头单位责任单位工作要求一、提升政务服务（一）优化办事窗口1.推行一窗受理县政务服务中心县直各有关部门、"
            "各乡镇人民政府整合办事窗口。2.压缩办理时限县审批局县直各有关部门压缩至5个工作日。（二）加强事中监管"
            "3.推行双随机抽查县市场监管局各乡镇人民政府每年抽查不少于2次。")
    parsed = parse_plan(text)
    assert [(s.number, s.title) for s in parsed.sections] == [("一", "提升政务服务"), ("(一)", "优化办事窗口"),
                                                             ("(二)", "加强事中监管")]
    assert rows(text) == [("1", "推行一窗受理", "县政务服务中心", ["县直各有关部门", "各乡镇人民政府"]),
                          ("2", "压缩办理时限", "县审批局", ["县直各有关部门"]),
                          ("3", "推行双随机抽查", "县市场监管局", ["各乡镇人民政府"])]


def test_a_table_written_one_cell_a_line():
    text = "\n".join(["序号 |", "工作任务 |", "牵头单位 |", "完成时限 |", "1 |", "修缮小型水库 |", "县水利局 |", "2024年底前 |",
                      "2 |", "整治城区河道 |", "县住建局 |", "持续推进 |"])
    assert rows(text) == [("1", "修缮小型水库", "县水利局", []), ("2", "整治城区河道", "县住建局", [])]


def test_a_merged_cell_left_out_of_a_one_cell_a_line_row_keeps_the_units_in_their_column():
    text = "\n".join(["序号 |", "类别 |", "工作任务 |", "牵头单位 |", "1 |", "一、就业 |", "稳定就业 |", "县人社局 |",
                      "2 |", "支持创业 |", "县人社局 |"])
    assert [(t.number, t.lead) for t in parse_plan(text).tasks] == [("1", "县人社局"), ("2", "县人社局")]


def test_labels_named_in_a_sentence_are_no_table():
    assert parse_plan("各单位要明确牵头单位责任单位完成时限,抓好落实。").tasks == []
