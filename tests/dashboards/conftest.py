"""A small demo (two of the five plans, their history to a fixed date) for the dashboards' tests."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest

from tests.factories import PASSWORD
from tracker.demo import PLANS_FOLDER, build_demo

REFERENCE = datetime(2026, 6, 23, 3, 0, tzinfo=timezone.utc)
SMALL_PLANS = ("002_b46e6d68e78b0a64.txt", "004_fead5ffc94219a57.txt")


@pytest.fixture
def small_demo(db, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for name in SMALL_PLANS:
        shutil.copy(PLANS_FOLDER / name, folder / name)
    result = build_demo(PASSWORD, folder, REFERENCE)
    db.session.commit()
    return result
