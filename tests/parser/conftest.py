"""The five shared plans, each read and parsed once for the whole parser suite."""
from __future__ import annotations

import functools

import pytest

from tracker.plans.parser import parse_plan, read_plan_bytes
from tests.samples import SEED_PLANS

PLANS = SEED_PLANS
FILES = {
    "000": "000_454fa1552c06ed2d.txt",
    "001": "001_48d58d0ac6066aac.txt",
    "002": "002_b46e6d68e78b0a64.txt",
    "003": "003_5af70cd96f267a21.txt",
    "004": "004_fead5ffc94219a57.txt",
}


@functools.cache
def shared_plan(key: str) -> dict:
    path = PLANS / FILES[key]
    return parse_plan(read_plan_bytes(path.read_bytes(), path.name), filename=path.name).to_dict()


@pytest.fixture
def plan():
    return shared_plan


def targets_of(deliverable: dict) -> list[tuple]:
    """A deliverable's targets as (name, value, unit), the form the expectations are written in."""
    return [(target["name"], target["value"], target["unit"]) for target in deliverable["targets"]]


def deliverables_of(task: dict) -> list[tuple]:
    return [(d["year"], d["recurring"], targets_of(d)) for d in task["deliverables"]]
