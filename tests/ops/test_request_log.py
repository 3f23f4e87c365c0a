"""One log line per request with its id, duration and user; X-Request-ID in and out; JSON lines on demand."""
from __future__ import annotations

import json
import re

from tests.conftest import Client, _test_config, login
from tests.factories import Factories
from tracker import create_app
from tracker.extensions import db


def _json_app(tmp_path, log_format: str = "json"):
    """A fresh app: its log handler writes to the standard error the test captures."""
    app = create_app(_test_config(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path) | {"LOG_FORMAT": log_format})
    with app.app_context():
        db.create_all()
    return app


def _logged(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]


def test_the_callers_request_id_comes_back_and_is_logged(tmp_path, capsys):
    app = _json_app(tmp_path)
    response = app.test_client().get("/healthz", headers={"X-Request-ID": "nginx-4f1c2a"})
    assert response.headers["X-Request-ID"] == "nginx-4f1c2a"
    [line] = _logged(capsys)
    assert line["request_id"] == "nginx-4f1c2a" and line["path"] == "/healthz" and line["status"] == 200
    assert line["logger"] == "tracker.requests" and line["duration_ms"] >= 0 and line["user_id"] is None


def test_a_missing_or_unsafe_request_id_is_replaced_by_a_new_one(tmp_path, capsys):
    app = _json_app(tmp_path)
    client = app.test_client()
    fresh = client.get("/healthz").headers["X-Request-ID"]
    unsafe = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh) and re.fullmatch(r"[0-9a-f]{32}", unsafe) and fresh != unsafe
    assert [line["request_id"] for line in _logged(capsys)] == [fresh, unsafe]


def test_a_signed_in_users_requests_carry_their_id(tmp_path, capsys):
    app = _json_app(tmp_path)
    app.test_client_class = Client
    with app.app_context():
        office = Factories(db).user("office", roles=["office"])
        office_id = office.id
    client = login(app.test_client(), office)
    capsys.readouterr()
    client.get("/tasks/")
    [line] = _logged(capsys)
    assert line["user_id"] == office_id and line["status"] == 200


def test_plain_text_lines_otherwise(tmp_path, capsys):
    _json_app(tmp_path, "text").test_client().get("/healthz", headers={"X-Request-ID": "abc-123"})
    err = capsys.readouterr().err
    assert re.search(r"INFO tracker\.requests: GET /healthz 200 [\d.]+ ms user=- id=abc-123", err), err
