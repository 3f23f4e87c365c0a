"""`flask plans parse FILE [--json]` (the contract other tools rely on) and the benchmark's parse figure."""
from __future__ import annotations

import json

import sqlalchemy as sa

from tests.parser.conftest import FILES, PLANS
from tracker.plans.models import Plan
from tracker.plans.parser.bench import parse_shared_plans

TASK_KEYS = {"number", "path", "title", "text", "lead", "co", "deliverables", "indicators"}


def test_parse_json_follows_the_contract_and_writes_nothing(runner, db):
    result = runner.invoke(args=["plans", "parse", str(PLANS / FILES["003"]), "--json"])
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.output)
    assert {"title", "doc_number", "warnings", "indicators", "tasks"} <= set(parsed)
    assert {"issuer", "start_year", "end_year", "converted_from_traditional", "sections"} <= set(parsed)
    task = parsed["tasks"][0]
    assert TASK_KEYS | {"text_original", "warnings"} <= set(task)
    assert (task["number"], task["title"], task["lead"]) == ("(三)", "超前部署前瞻性产业", "省科技厅")
    deliverable = task["deliverables"][0]
    assert {"year", "text", "targets", "recurring"} <= set(deliverable)
    assert {"name", "value", "unit"} <= set(deliverable["targets"][0])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 0


def test_parse_prints_one_line_per_task_and_the_warnings(runner):
    result = runner.invoke(args=["plans", "parse", str(PLANS / FILES["002"])])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "蚌埠市加快建设科技强市三年行动方案"
    assert lines[1].split("\t")[:3] == ["1", "创新平台体系重构行动", "市科技局"]
    assert any(line.startswith("! ") and "没有写明责任单位" in line for line in lines)


def test_parse_of_an_unreadable_file_says_why(runner, tmp_path):
    binary = tmp_path / "plan.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    result = runner.invoke(args=["plans", "parse", str(binary), "--json"])
    assert result.exit_code != 0
    assert "不是文字" in result.output


def test_benchmark_figure_has_every_file_and_their_total():
    figures = parse_shared_plans(PLANS)
    assert set(figures["files"]) == set(FILES.values())
    assert figures["total_seconds"] == sum(figures["files"].values())
