"""The mixed workload: the pages read by 32 clients while writers file, submit and return reports through HTTP.

The last working day of the month: liaisons save and submit their reports (the JSON API, each with
a bearer token of his own), a reviewer sends them back (the item page's form, signed in with CSRF),
and the liaisons submit again, at a steady rate however slow the answers are (default 5 writes/s,
`--write-rate`). Each write is timed from request to answer; the pages are loaded with wrk meanwhile.
"""
from __future__ import annotations

import http.client
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask

from tracker.bench import http as bench_http
from tracker.extensions import db

WRITE_TARGETS = 400  # reports cycled through; more than the writes of one page's window, so few repeat at once
WRITER_THREADS = 16  # writes in flight at most: a slow server makes the writes queue, not the rate drop silently
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class Target:
    """One report a liaison writes: (task, period), his token, and where its workflow stands."""

    task_id: int
    period_id: int
    token: str
    report_id: int | None = None
    version: int = 0
    step: str = "save"  # save → submit → return → submit → return …
    busy: bool = False


def prepare_targets(app: Flask, count: int = WRITE_TARGETS) -> list[Target]:
    """Reports nobody has filed yet in the latest started period, of departments that need no head's confirmation;
    a token for the first liaison of each department (made here, in the bench's copy of the dataset)."""
    from tracker.auth.models import User
    from tracker.auth.services import issue_token
    from tracker.core.clock import local_today
    from tracker.departments.models import Department
    from tracker.tasks.models import EDITABLE_REPORT_STATES, ProgressReport, ReportingPeriod, Task, TaskStatus

    today = local_today()
    with app.app_context():
        latest = (sa.select(ReportingPeriod.plan_id, sa.func.max(ReportingPeriod.starts_on).label("starts_on"))
                  .where(ReportingPeriod.starts_on <= today).group_by(ReportingPeriod.plan_id).subquery())
        report = sa.orm.aliased(ProgressReport)
        rows = db.session.execute(
            sa.select(Task.id, ReportingPeriod.id, Task.lead_department_id, report.id, report.version)
            .join(ReportingPeriod, ReportingPeriod.plan_id == Task.plan_id)
            .join(latest, sa.and_(latest.c.plan_id == ReportingPeriod.plan_id,
                                  latest.c.starts_on == ReportingPeriod.starts_on))
            .join(Department, Department.id == Task.lead_department_id)
            .outerjoin(report, sa.and_(report.task_id == Task.id, report.period_id == ReportingPeriod.id))
            .where(Task.status == TaskStatus.ACTIVE, Department.requires_head_confirmation.is_(False),
                   sa.or_(report.id.is_(None), report.state.in_(EDITABLE_REPORT_STATES)))
            .order_by(Task.id).limit(count)).all()
        tokens = {}
        for department_id in sorted({row[2] for row in rows}):
            liaison = db.session.scalar(sa.select(User).where(User.department_id == department_id,
                                                              User.login.like("%.liaison%")).order_by(User.id))
            if liaison is not None:
                tokens[department_id] = issue_token(liaison, "bench-writer")
        db.session.commit()
        db.session.remove()
    return [Target(task_id, period_id, tokens[department_id], report_id, version or 0)
            for task_id, period_id, department_id, report_id, version in rows if department_id in tokens]


class Writers:
    """Writes at `rate` per second from a clock of their own, each on a target not already being written."""

    def __init__(self, base: str, targets: list[Target], reviewer_headers: dict, rate: float):
        self.base = base
        self.targets = targets
        self.reviewer_headers = reviewer_headers
        self.csrf = _csrf_token(base, reviewer_headers)
        self.rate = rate
        self.lock = threading.Lock()
        self.latencies_ms: list[float] = []
        self.failures = 0
        self.skipped = 0
        self.stop = threading.Event()
        self.clock: threading.Thread | None = None
        self.pool = ThreadPoolExecutor(max_workers=WRITER_THREADS)
        self.next_target = 0

    def __enter__(self) -> Writers:
        self.clock = threading.Thread(target=self._tick, daemon=True)
        self.clock.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.clock.join()
        self.pool.shutdown(wait=True)

    def reset(self) -> None:
        with self.lock:
            self.latencies_ms, self.failures, self.skipped = [], 0, 0

    def figures(self, seconds: float) -> dict:
        with self.lock:
            latencies = sorted(self.latencies_ms)
            failures, skipped = self.failures, self.skipped
        p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] if latencies else None
        return {"writes": len(latencies), "per_s": len(latencies) / seconds, "p95_ms": p95,
                "p50_ms": latencies[len(latencies) // 2] if latencies else None, "failed": failures,
                "skipped": skipped}

    def _tick(self) -> None:
        interval = 1 / self.rate
        due = time.monotonic()
        while not self.stop.is_set():
            due += interval
            target = self._claim()
            if target is None:
                with self.lock:
                    self.skipped += 1
            else:
                self.pool.submit(self._write, target)
            self.stop.wait(max(0.0, due - time.monotonic()))

    def _claim(self) -> Target | None:
        with self.lock:
            for _ in range(len(self.targets)):
                target = self.targets[self.next_target % len(self.targets)]
                self.next_target += 1
                if not target.busy:
                    target.busy = True
                    return target
        return None

    def _write(self, target: Target) -> None:
        started = time.perf_counter()
        try:
            ok = {"save": self._save, "submit": self._submit, "return": self._return}[target.step](target)
        except OSError:
            ok = False
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies_ms.append(elapsed)
            self.failures += 0 if ok else 1
            target.busy = False

    def _api(self, target: Target, method: str, path: str, body: dict) -> tuple[int, dict]:
        status, text = _request(self.base, method, f"/api/v1/tasks/{target.task_id}/reports/{target.period_id}{path}",
                                json.dumps(body), {"Authorization": f"Bearer {target.token}",
                                                   "Content-Type": "application/json"})
        try:
            answer = json.loads(text)
        except ValueError:
            answer = {}
        record = answer.get("current", answer) if status == 409 else answer
        if record.get("id"):
            target.report_id, target.version = record["id"], record.get("version", target.version)
        return status, record

    def _save(self, target: Target) -> bool:
        status, _record = self._api(target, "PUT", "", {
            "version": target.version, "progress_status": "in_progress", "percent_complete": 60,
            "narrative": "本月按计划推进,已完成阶段性工作。"})
        if status == 200:
            target.step = "submit"
        return status == 200

    def _submit(self, target: Target) -> bool:
        status, record = self._api(target, "POST", "/submit", {"version": target.version})
        if status == 200 or record.get("state") == "submitted":
            target.step = "return"
        return status == 200

    def _return(self, target: Target) -> bool:
        body = urlencode({"csrf_token": self.csrf, "version": target.version, "reason": "请补充本月具体数据。",
                          "send_back": "退回"})
        status, _text = _request(self.base, "POST", f"/tasks/reports/{target.report_id}/review", body,
                                 {**self.reviewer_headers, "Content-Type": "application/x-www-form-urlencoded"})
        # The form redirects either way; the version after a return is one more, and a refusal shows on the
        # next submit as a 409 that carries the report as it stands.
        target.version += 1
        target.step = "submit"
        return status == 302


def _request(base: str, method: str, path: str, body: str, headers: dict) -> tuple[int, str]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        connection.request(method, path, body=body.encode(), headers={"User-Agent": bench_http.USER_AGENT, **headers})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _csrf_token(base: str, headers: dict) -> str:
    status, page, _headers = bench_http.get(base, "/tasks/lights", headers)  # a page that costs nothing
    token = _CSRF_META.search(page)
    if status != 200 or token is None:
        raise bench_http.HttpFailure(f"the light rules page answered {status} without a CSRF token")
    return token.group(1)
