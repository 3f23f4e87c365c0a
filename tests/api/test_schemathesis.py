"""Schemathesis, run as an integrator would run it against openapi.json, finds nothing.

The demo is served over HTTP and `st run` tries every operation with every check and every phase (examples,
coverage, fuzzing, and the stateful phase walking the document's links: task -> period -> report -> evidence,
submit), with a liaison's token and with the office's. The seed and the number of examples are fixed in
schemathesis.toml, so a run is the same every time. Its report and output are kept in test-artifacts/.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import ARTIFACTS, ENGINES, _test_config
from tracker import create_app
from tracker.api.openapi import PATHS
from tracker.auth.models import User
from tracker.auth.services import issue_token
from tracker.extensions import db
from tracker.tasks.models import Evidence, ProgressReport

CONFIG = Path(__file__).with_name("schemathesis.toml")
# The liaison of 市科技局 leads some items and contributes to others: every write of the API is his to try.
ROLES = ("kjj.liaison", "office")
OPERATIONS = sum(len(methods) for methods in PATHS.values())


@dataclass
class DemoApi:
    engine_name: str
    app: Flask
    url: str
    tokens: dict[str, str]

    def written(self) -> tuple[int, int]:
        """(reports saved, evidence files) as the database holds them now."""
        with self.app.app_context():
            return (db.session.scalar(sa.select(sa.func.sum(ProgressReport.version))),
                    db.session.scalar(sa.select(sa.func.count(Evidence.id))))


@pytest.fixture(scope="module", params=ENGINES)
def demo_api(request, tmp_path_factory):
    """The demo served over HTTP on a loopback port, once per engine: (the API's URL, a token per role)."""
    engine_name = request.param
    folder = tmp_path_factory.mktemp(f"schemathesis_{engine_name}")
    url = request.getfixturevalue("demo_templates").copy(engine_name, "demo", folder)
    app = create_app(_test_config(url, folder))
    with app.app_context():
        tokens = {login: issue_token(db.session.scalar(sa.select(User).filter_by(login=login)), "schemathesis")
                  for login in ROLES}
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield DemoApi(engine_name, app, f"http://127.0.0.1:{server.server_port}/api/v1", tokens)
    server.shutdown()
    thread.join()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _run(engine_name: str, api: str, login: str, token: str) -> dict:
    """`st run` with every check and phase; its JSON report (its output kept beside it in test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    name = f"schemathesis-{engine_name}-{login}"
    report = ARTIFACTS / f"{name}.json"
    finished = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "--no-color", "run",
         f"{api}/openapi.json", "--checks", "all", "--header", f"Authorization: Bearer {token}",
         "--report", "json", "--report-json-path", str(report)],
        cwd=ARTIFACTS, capture_output=True, text=True, timeout=600)
    (ARTIFACTS / f"{name}.txt").write_text(finished.stdout + finished.stderr)
    assert finished.returncode == 0, f"{login}: {finished.stdout[-6000:]}{finished.stderr[-2000:]}"
    return json.loads(report.read_text())


def test_schemathesis_finds_nothing_for_a_liaison_or_the_office(demo_api):
    before = demo_api.written()
    for login in ROLES:
        result = _run(demo_api.engine_name, demo_api.url, login, demo_api.tokens[login])
        cases = result["test_cases"]
        print(f"schemathesis {demo_api.engine_name} {login}: {result['operations']['tested']} operations, "
              f"{cases['generated']} cases generated, {cases['with_failures']} failures, {cases['errored']} errors, "
              f"{result['running_time']:.0f} s")
        assert result["operations"]["tested"] == OPERATIONS, login
        assert {phase: state["status"] for phase, state in result["phases"].items()} == {
            "examples": "success", "coverage": "success", "fuzzing": "success", "stateful": "success"}, login
        assert (cases["with_failures"], cases["errored"], result["failures"], result["errors"]) == (0, 0, [], []), login
        assert cases["generated"] > 500, login
    # The links led the fuzzer into the workflow: it saved reports and attached evidence, not only met 404s.
    after = demo_api.written()
    assert after[0] > before[0] and after[1] > before[1], (before, after)
