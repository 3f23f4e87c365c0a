"""专栏 indicator tables: pipe-separated rows, cells broken across lines, baseline and target columns."""
from __future__ import annotations

from tracker.plans.parser import parse_plan
from tracker.plans.parser.indicators import parse_table, split_unit


def rows(indicators) -> list[tuple]:
    return [(i.category, i.name, i.unit, i.baseline, i.target, i.year, i.attribute) for i in indicators]


def test_table_with_category_broken_cells_and_attribute():
    lines = ["指标", "类别 |", "指标名称 | 2020年 | 2025年 | 属性 |", "创新", "能力 |", "研发投入强度(%) | 2.5 | 3.0左右 | 预期性 |",
             "发明专利拥有量(万件) |", "1.2 |", "2 |", "约束性 |", "产业 发展 |", "高新技术企业(家) | - | 1500 | 预期性 |"]
    assert rows(parse_table(lines, end_year=None)) == [
        ("创新能力", "研发投入强度", "%", 2.5, 3, 2025, "预期性"),
        ("创新能力", "发明专利拥有量", "件", 12_000, 20_000, 2025, "约束性"),
        ("产业发展", "高新技术企业", "家", None, 1500, 2025, "预期性"),
    ]


def test_target_column_named_target_takes_the_plans_end_year():
    indicators = parse_table(["指标名称 | 基期值 | 目标值 |", "众创空间(个) | 50 | 80 |", "孵化器(个) | 20 | 30 |"], end_year=2025)
    assert [(i.name, i.baseline, i.target, i.year, i.baseline_year) for i in indicators] == [
        ("众创空间", 50, 80, 2025, None), ("孵化器", 20, 30, 2025, None)]


def test_a_table_of_the_last_plans_completion_is_not_indicators():
    lines = ["指标名称 |", "“十三五”规划目标 | “十三五”完成情况 | ||", "2020 年 | 年均增速 | 2020 年 | 年均增速 | |",
             "国家高新技术企业数(户) | 1600 | 10% | 3328 | 25.8% |"]
    assert parse_table(lines, end_year=2025) is None


def test_a_box_of_prose_is_not_a_table():
    assert parse_table(["高新区。全力支持合肥高新区建设世界一流高科技园区。 |"], end_year=2025) is None


def test_notes_under_the_table_are_not_indicators():
    indicators = parse_table(["指标名称 | 2020年 | 目标值 |", "众创空间(个) | 50 | 80 |", "孵化器(个) | 20 | 30 |",
                              "备注:表中带*数据采取常住人口口径。"], end_year=2025)
    assert [i.name for i in indicators] == ["众创空间", "孵化器"]


def test_units_with_wan_and_yi():
    assert split_unit("亿元") == ("元", "亿")
    assert split_unit("万人") == ("人", "万")
    assert split_unit("件/万人") == ("件/万人", None)
    assert split_unit("%") == ("%", None)
    assert split_unit(None) == (None, None)


def test_a_box_inside_a_task_gives_that_task_its_indicators():
    text = ("一、重点任务\n(一)壮大创新主体。培育高新技术企业。(责任单位:市科技局)\n专栏1 创新主体指标\n"
            "指标名称 | 2020年 | 2025年 |\n高新技术企业(家) | 800 | 1500 |\n科技型中小企业(家) | 1000 | 2000 |\n(二)加强组织领导。")
    parsed = parse_plan(text)
    assert [(i.name, i.baseline, i.target) for i in parsed.tasks[0].indicators] == [
        ("高新技术企业", 800, 1500), ("科技型中小企业", 1000, 2000)]
    assert parsed.indicators == []
    assert [t.title for t in parsed.tasks] == ["壮大创新主体", "加强组织领导"]
