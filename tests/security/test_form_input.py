"""What a forged web form can send that no browser would: numbers that are not numbers, NUL characters.
Each is refused with a message and nothing is saved, on both engines (PostgreSQL refuses NUL in text)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tracker.tasks.models import ProgressReport


def _report_url(item) -> str:
    return f"/tasks/{item.task.id}/periods/{item.period.id}/report"


def _draft(item, **fields) -> dict:
    return {"version": 0, "progress_status": "in_progress", "percent_complete": "40", "narrative": "按计划推进",
            "targets-0-target_id": item.target.id, "targets-0-value": "1010", "save_draft": "1"} | fields


def _saved_reports(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ProgressReport))


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity", "1e309"])
def test_a_target_value_that_is_not_a_finite_number_is_refused_and_nothing_saved(db, item, login_as, value):
    client = login_as(item.liaison)
    page = client.post_form(_report_url(item), _draft(item, **{"targets-0-value": value})).get_data(as_text=True)
    assert "请填写有限的数字" in page
    assert _saved_reports(db) == 0
    # The API, which sends every stored value back as JSON, never meets one it cannot write.
    assert client.get(f"/tasks/{item.task.id}").status_code == 200


def test_a_nul_character_in_a_form_is_refused_with_a_message_and_nothing_saved(db, item, login_as):
    client = login_as(item.liaison)
    response = client.post_form(_report_url(item), _draft(item, narrative="按计划\x00推进"))
    assert response.status_code == 400
    assert "不可见的控制字符" in response.get_data(as_text=True)
    assert _saved_reports(db) == 0


def test_a_nul_character_in_a_query_is_refused_with_a_message(item, login_as):
    response = login_as(item.office).get("/tasks/?q=%00&period=2025-03%00")
    assert response.status_code == 400
    assert "不可见的控制字符" in response.get_data(as_text=True)
