"""A hand-written parse in the parser's contract shape, and the directory it names."""
from __future__ import annotations

import copy

import pytest

SAMPLE_TEXT = "蚌埠市加快建设科技强市三年行动方案\n(一)实施产业创新工程。1.产业创新能力提升行动。……"

SAMPLE_PARSE = {
    "title": "蚌埠市加快建设科技强市三年行动方案",
    "doc_number": None,
    "issuer": "蚌埠市人民政府",
    "start_year": 2023,
    "end_year": 2025,
    "converted_from_traditional": False,
    "warnings": [{"code": "truncated", "message": "文本在句中结束,可能不完整。", "task": None}],
    "sections": [
        {"number": "二", "title": "重点任务", "level": 1, "path": ["二"]},
        {"number": "(一)", "title": "实施产业创新工程", "level": 2, "path": ["二", "(一)"]},
    ],
    "indicators": [
        {"name": "高新技术企业数", "baseline": 400, "target": 1000, "unit": "家", "year": 2025},
    ],
    "targets": [
        {"name": "行动", "value": 10, "unit": "项", "text": "10项", "value_max": None, "year": None},
        {"name": "高新技术企业数", "value": 1000, "unit": "家", "text": "1000家", "value_max": None, "year": None},
        {"name": "全社会研发投入强度", "value": 3, "unit": "%", "text": "3%", "value_max": None, "year": None},
    ],
    "tasks": [
        {
            "number": "1", "path": ["二", "(一)", "1"], "title": "产业创新能力提升行动",
            "text": "产业创新能力提升行动。紧盯战略性新兴产业。2023年组织实施10项关键技术攻关。",
            "text_original": "产业创新能力提升行动。紧盯战略性新兴产业。2023年组织实施10项关键技术攻关。",
            "lead": "市科技局", "co": ["市经信局", "市发展和改革委员会"], "warnings": [],
            "deliverables": [
                {"year": 2023, "text": "组织实施10项关键技术攻关", "recurring": False,
                 "targets": [{"name": "关键技术攻关", "value": 10, "unit": "项"}]},
                {"year": None, "text": "每年新增高新技术企业100家", "recurring": True,
                 "targets": [{"name": "新增高新技术企业", "value": 100, "unit": "家"}]},
            ],
            "indicators": [],
        },
        {
            "number": "2", "path": ["二", "(一)", "2"], "title": "创新平台建设行动",
            "text": "创新平台建设行动。支持建设新型研发机构。", "text_original": None,
            "lead": "苏南五市", "co": ["市财政局"], "warnings": [], "deliverables": [], "indicators": [],
        },
        {
            "number": "3", "path": ["二", "(一)", "3"], "title": "科技服务能力提升行动",
            "text": "科技服务能力提升行动。完善常态化服务企业工作机制。", "text_original": None,
            "lead": None, "co": [],
            "warnings": [{"code": "no_unit", "message": "任务未写明责任单位。", "task": "3"}],
            "deliverables": [], "indicators": [],
        },
    ],
}


@pytest.fixture
def sample_parse() -> dict:
    return copy.deepcopy(SAMPLE_PARSE)


@pytest.fixture
def directory(make):
    """The units SAMPLE_PARSE names, spelt as a directory would spell them."""
    cities = [make.department(n) for n in ("南京市", "无锡市", "常州市", "苏州市", "镇江市")]
    return {
        "science": make.department("市科技局", short_name="科技局", aliases=["市科学技术局"]),
        "economy": make.department("市经济和信息化局", short_name="经信局"),
        "reform": make.department("市发展改革委", short_name="发改委"),
        "finance": make.department("市财政局"),
        "cities": cities,
        "group": make.department("苏南五市", is_group=True, members=cities),
    }
