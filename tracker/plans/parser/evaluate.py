"""Score the parser against plans read by hand: `python -m tracker.plans.parser.evaluate EXPECTATIONS.json`.

The expectations file maps a plan's path (relative to the file) to what a reader found in it:

    {"dev/plan.txt": {"tasks": [{"match": "words of the task", "lead": "市发改委", "co": ["市财政局"],
                                 "deliverables": [2024]}],
                      "targets": [45, 10000]}}

`match` is a phrase of the task's text; `lead` null means the plan names no lead, "?" that it cannot
be known (the copy is cut); `co` null skips the co-responsible units. Units compare without their
level prefix (省/市/县/区) and brackets' width. `targets` are values the parse must hold anywhere
(a task's deliverables, the plan's targets or indicators). Prints recall, lead accuracy, co F1,
deliverables, targets and precision, per file and in total.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tracker.plans.parser import parse_plan, read_plan_bytes
from tracker.plans.parser.normalise import normalise

UNKNOWN = "?"


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    parsed: int = 0
    lead_checked: int = 0
    lead_right: int = 0
    co_true: int = 0
    co_expected: int = 0
    co_parsed: int = 0
    deliverables_expected: int = 0
    deliverables_found: int = 0
    targets_expected: int = 0
    targets_found: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("expected", "found", "parsed", "lead_checked", "lead_right", "co_true", "co_expected",
                     "co_parsed", "deliverables_expected", "deliverables_found", "targets_expected", "targets_found"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict[str, float | None]:
        precision_co = _ratio(self.co_true, self.co_parsed)
        recall_co = _ratio(self.co_true, self.co_expected)
        co_f1 = (2 * precision_co * recall_co / (precision_co + recall_co)
                 if precision_co and recall_co else (1.0 if not self.co_expected and not self.co_parsed else 0.0))
        return {
            "recall": _ratio(self.found, self.expected),
            "lead": _ratio(self.lead_right, self.lead_checked),
            "co_f1": co_f1,
            "deliverables": _ratio(self.deliverables_found, self.deliverables_expected),
            "targets": _ratio(self.targets_found, self.targets_expected),
            "precision": _ratio(self.found, self.parsed),
        }


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def unit_key(name: str) -> str:
    key = name.replace(" ", "").replace("（", "(").replace("）", ")").removesuffix("等")
    return key[1:] if len(key) > 2 and key[0] in "省市县区" else key


def _plain(text: str) -> str:
    return "".join(paragraph.text for paragraph in normalise(text).paragraphs).replace(" ", "")


def score_plan(plan: dict, expected: dict) -> Score:
    score = Score(expected=len(expected["tasks"]), parsed=len(plan["tasks"]))
    unclaimed = list(plan["tasks"])
    for wanted in expected["tasks"]:
        phrase = _plain(wanted["match"])
        task = next((task for task in unclaimed if phrase in _plain(task["title"] + task["text"])), None)
        if task is None:
            score.misses.append(wanted["match"])
            continue
        unclaimed.remove(task)
        score.found += 1
        _score_units(score, task, wanted)
        years = {deliverable["year"] for deliverable in task["deliverables"]}
        score.deliverables_expected += len(wanted.get("deliverables", []))
        score.deliverables_found += sum(1 for year in wanted.get("deliverables", []) if year in years)
    values = _all_values(plan)
    score.targets_expected = len(expected.get("targets", []))
    score.targets_found = sum(1 for value in expected.get("targets", []) if any(abs(value - found) < 1e-9 for found in values))
    return score


def _score_units(score: Score, task: dict, wanted: dict) -> None:
    if wanted["lead"] != UNKNOWN:
        score.lead_checked += 1
        lead = task["lead"]
        score.lead_right += (lead is None and wanted["lead"] is None) or (
            lead is not None and wanted["lead"] is not None and unit_key(lead) == unit_key(wanted["lead"]))
    if wanted.get("co") is not None:
        parsed = {unit_key(unit) for unit in task["co"]}
        expected = {unit_key(unit) for unit in wanted["co"]}
        score.co_true += len(parsed & expected)
        score.co_expected += len(expected)
        score.co_parsed += len(parsed)


def _all_values(plan: dict) -> list[float]:
    values = [target["value"] for target in plan["targets"]]
    values += [indicator["target"] for indicator in plan["indicators"] if indicator["target"] is not None]
    for task in plan["tasks"]:
        values += [target["value"] for deliverable in task["deliverables"] for target in deliverable["targets"]]
        values += [indicator["target"] for indicator in task["indicators"] if indicator["target"] is not None]
    return values


def evaluate(expectations_path: Path, only: str | None = None) -> tuple[Score, dict[str, Score]]:
    expectations = json.loads(expectations_path.read_text(encoding="utf-8"))
    total, per_file = Score(), {}
    for name, expected in expectations.items():
        if only and not name.startswith(only):
            continue
        path = expectations_path.parent / name
        plan = parse_plan(read_plan_bytes(path.read_bytes(), path.name), filename=path.name).to_dict()
        per_file[name] = score_plan(plan, expected)
        total.add(per_file[name])
    return total, per_file


def _format(figures: dict[str, float | None]) -> str:
    return "  ".join(f"{name} {'—' if value is None else f'{value:.2f}'}" for name, value in figures.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("expectations", type=Path)
    parser.add_argument("--only", help="score only the plans whose path starts with this (e.g. dev/)")
    parser.add_argument("--misses", action="store_true", help="list the expected tasks not found")
    arguments = parser.parse_args(argv)
    total, per_file = evaluate(arguments.expectations, arguments.only)
    for name, score in per_file.items():
        print(f"{name}: tasks {score.found}/{score.expected} parsed {score.parsed}  {_format(score.figures())}")
        if arguments.misses:
            for miss in score.misses:
                print(f"    missed: {miss}")
    print(f"TOTAL ({len(per_file)} plans, {total.expected} tasks): {_format(total.figures())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
