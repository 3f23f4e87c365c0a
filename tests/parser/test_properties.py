"""Whatever comes in, the parser gives a result or a clear error, never a crash."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.parser.conftest import FILES, PLANS
from tracker.plans.parser import PlanFileError, parse_plan, read_plan_bytes

FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The pieces plans are made of, so that random text hits the rules rather than missing them all.
PIECES = [
    "一、", "二、", "十一、", "(一)", "(二)", "（三）", "1.", "2、", "3 .", "(1)", "①", "一是", "第一章", "第二节", "专栏一", "专栏二 ",
    "加强组织领导", "实施基础研究十年行动", "高新技术企业", "达到", "突破", "1500家", "1万项", "500亿元", "2-3家", "12件/万人", "3.8%",
    "到2025年", "2018年", "每年", "20221229日", "〔202264号", "(责任单位:", "（牵头单位：", ";配合单位:", "市科技局", "、", "发展改革委",
    "省", "等按职责分工", "均包括", "不单独列出,下同", ")", "）", "(", "。", ",", ";", ":", "“", "”", "|", " | ", "\n", "\n\n", " ",
    "指标名称 | 2020年 | 目标值 |", "智慧財產權", "責任部門", "蘇南五市", "V", "《", "》", "方案", "上传人:", "第1页 / 共9页",
]
plan_like = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


def check(text: str) -> None:
    parsed = parse_plan(text)
    result = parsed.to_dict()
    json.dumps(result, ensure_ascii=False)
    for task in result["tasks"]:
        assert task["lead"] is None or task["lead"] not in task["co"]
        for deliverable in task["deliverables"]:
            assert all(isinstance(target["value"], (int, float)) for target in deliverable["targets"])


@FEW
@given(st.text(max_size=400))
def test_random_text(text):
    check(text)


@FEW
@given(plan_like)
def test_random_plan_like_text(text):
    check(text)


@FEW
@given(st.binary(max_size=600), st.sampled_from(["plan.txt", "plan.docx", "plan.pdf", "plan", "plan.TXT"]))
def test_random_bytes_read_or_refused(data, filename):
    try:
        text = read_plan_bytes(data, filename)
    except PlanFileError as error:
        assert error.message
    else:
        assert isinstance(text, str) and text.strip()
        check(text)


@FEW
@given(st.lists(st.tuples(st.sampled_from(["一、", "(一)", "1.", "(1)", "①", "第一章", "第一节", "一是"]),
                          st.sampled_from(["加强组织领导。", "建设平台。(责任单位:市科技局)", "到2025年达到10家。", "x"])),
                min_size=1, max_size=200))
def test_deeply_nested_numbering(items):
    check("\n".join(marker + text for marker, text in items))


def test_a_thousand_levels_of_markers_in_one_paragraph():
    check("。".join(f"{marker}加强组织领导" for marker in ["一、", "(一)", "1.", "(1)", "①"] * 1000))


def test_very_long_input_is_parsed_whole():
    plan = (PLANS / FILES["003"]).read_text(encoding="utf-8")
    parsed = parse_plan(plan * 25)
    assert len(parsed.tasks) == 21 * 25


def test_one_enormous_line_without_punctuation():
    parsed = parse_plan("加强" * 300_000)
    assert parsed.tasks == []


def _tasks_of(text: str) -> list[tuple]:
    return [(task.number, task.title, task.lead, tuple(task.co), task.parent) for task in parse_plan(text).tasks]


def _normalised_text(text: str) -> str:
    from tracker.plans.parser.normalise import normalise

    return "\n".join(paragraph.text for paragraph in normalise(text).paragraphs)


@FEW
@given(plan_like)
def test_reparsing_the_normalised_text_gives_the_same_tasks(text):
    assert _tasks_of(text) == _tasks_of(_normalised_text(text))
