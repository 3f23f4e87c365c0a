"""The figures the issue sets targets for: each section measured by its own function, then printed as a table.

A section whose feature is not built yet reports its figures as "not available" with the reason; a
section that fails reports "error" with the failure; neither stops the others.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import traceback
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tracker.bench import http, mixed
from tracker.bench.dataset import Meta
from tracker.bench.mailsink import MailSink
from tracker.config import PROJECT_ROOT
from tracker.core.clock import LOCAL_TZ
from tracker.extensions import db


class NotAvailable(Exception):
    """The feature a figure measures is not there (yet)."""


class Failed(Exception):
    """The measurement ran and went wrong: a page answered 500, a command raised."""


@dataclass(frozen=True)
class Target:
    op: str
    bound: float

    def met(self, value: float) -> bool:
        return {"<": value < self.bound, "<=": value <= self.bound, ">=": value >= self.bound}[self.op]

    def __str__(self) -> str:
        return f"{self.op} {self.bound:g}"


@dataclass
class Figure:
    key: str
    unit: str
    target: Target | None = None
    value: float | None = None
    status: str = "not measured"
    reason: str = ""
    note: str = ""

    def record(self, value) -> None:
        if isinstance(value, NotAvailable):
            self.status, self.reason = "not available", str(value)
        elif isinstance(value, Exception):
            self.status, self.reason = "error", str(value)
        else:
            self.value = float(f"{float(value):.4g}")
            self.status = "measured" if self.target is None else ("pass" if self.target.met(self.value) else "miss")

    def to_dict(self) -> dict:
        return {"value": self.value, "unit": self.unit, "target": str(self.target) if self.target else None,
                "status": self.status, "reason": self.reason or None, "note": self.note or None}


@dataclass(frozen=True)
class Page:
    """A page to load: who asks for it (office, department liaison or API token) and where it lives."""

    name: str
    who: str
    endpoint: str | None = None
    path: str | None = None
    target_p95_ms: float | None = None
    target_rps: float | None = None

    def resolve(self, app: Flask, meta: Meta) -> str:
        if self.endpoint:
            if self.endpoint not in app.view_functions:
                raise NotAvailable(f"{self.endpoint} is not there yet")
            with app.test_request_context():
                return url_for(self.endpoint, **({"task_id": meta.item_task_id} if self.name == "item_page" else {}))
        try:
            app.url_map.bind("localhost").match(self.path, method="GET")
        except RequestRedirect as redirect:
            return redirect.new_url.split("localhost", 1)[1]
        except HTTPException:
            raise NotAvailable(f"GET {self.path} is not there yet") from None
        return self.path


PAGES = [
    Page("office_overview", "office", endpoint="tasks.index", target_p95_ms=150, target_rps=200),
    Page("department_page", "department", endpoint="dashboards.index", target_p95_ms=150, target_rps=200),
    Page("leader_dashboard", "leader", endpoint="overview.leader", target_p95_ms=150, target_rps=200),
    Page("item_page", "department", endpoint="tasks.show"),
    Page("api_tasks", "api", path="/api/v1/tasks"),
]
# Under the mixed workload (tracker.bench.mixed) every page has a target: (p95 ms, req/s).
MIXED_TARGETS = {"office_overview": (150, 200), "department_page": (150, 200), "leader_dashboard": (150, 200),
                 "item_page": (150, 150), "api_tasks": (150, None)}
MAX_SQL_PER_PAGE = 15


@dataclass(frozen=True)
class SearchQuery:
    """A query typed in the search box: its name in the figures, who types it, and the text (None: a
    rare phrase from the middle of a generated item's title, found when the figure is measured)."""

    name: str
    who: str
    text: str | None


SEARCH_QUERIES = [
    SearchQuery("common", "office", "专题推进会"),  # in one generated report in six
    SearchQuery("rare", "office", None),
    SearchQuery("absent", "office", "量子通信卫星"),
    SearchQuery("two_chars", "office", "用地"),  # under a trigram: the LIKE fallback
    SearchQuery("two_chars_absent", "office", "鲲鹏"),  # the fallback's worst case: every row read
    SearchQuery("department_common", "department", "专题推进会"),
]
SEARCH_P95_MS = 100
SEARCH_CLIENTS = 8
DUE_REPORTS = 1000


def _specs() -> list[Figure]:
    figures = [Figure("database.size_mb", "MB"), Figure("parse.total_s", "s", Target("<", 1))]
    figures += [Figure(f"sql.{page.name}", "statements", Target("<=", MAX_SQL_PER_PAGE)) for page in PAGES]
    figures += [Figure(f"pages.trivial.{name}", unit) for name, unit in
                (("p50_ms", "ms"), ("p95_ms", "ms"), ("p99_ms", "ms"), ("rps", "req/s"))]
    for page in PAGES:
        p95 = Target("<", page.target_p95_ms) if page.target_p95_ms else None
        rps = Target(">=", page.target_rps) if page.target_rps else None
        figures += [Figure(f"pages.{page.name}.p50_ms", "ms"), Figure(f"pages.{page.name}.p95_ms", "ms", p95),
                    Figure(f"pages.{page.name}.p99_ms", "ms"), Figure(f"pages.{page.name}.rps", "req/s", rps),
                    Figure(f"pages.{page.name}.p95_ratio", "× trivial"),
                    Figure(f"pages.{page.name}.rps_ratio", "× trivial")]
    for page in PAGES:
        p95, rps = MIXED_TARGETS[page.name]
        figures += [Figure(f"mixed.{page.name}.p95_ms", "ms", Target("<", p95)),
                    Figure(f"mixed.{page.name}.rps", "req/s", Target(">=", rps) if rps else None),
                    Figure(f"mixed.{page.name}.writes_p95_ms", "ms"),
                    Figure(f"mixed.{page.name}.writes_per_s", "writes/s")]
    figures += [Figure("mixed.writes.p50_ms", "ms"), Figure("mixed.writes.p95_ms", "ms"),
                Figure("mixed.writes.per_s", "writes/s"), Figure("mixed.writes.failed", "writes")]
    figures += [
        Figure("reports.supervision_pdf.seconds", "s", Target("<", 20)),
        Figure("reports.supervision_pdf.peak_mb", "MB", Target("<", 1024)),
        Figure("reports.ledger_xlsx.seconds", "s"),
        Figure("reports.ledger_xlsx.peak_mb", "MB"),
        Figure("sweep.catch_up.seconds", "s"),
        Figure("sweep.catch_up.created", "notices"),
        Figure("sweep.after_catch_up.seconds", "s"),
        Figure("sweep.nothing_due.seconds", "s", Target("<", 0.5)),
        Figure("sweep.nothing_due.created", "notices", Target("<=", 0)),
        Figure("sweep.due_1000.due", "reports"),
        Figure("sweep.due_1000.seconds", "s", Target("<", 5)),
        Figure("sweep.due_1000.created", "notices"),
        Figure("sweep.due_1000.emails", "e-mails"),
        Figure("backup.rows", "rows"),
        Figure("backup.archive_mb", "MB"),
        Figure("backup.create.seconds", "s", Target("<", 300)),
        Figure("backup.create.peak_mb", "MB", Target("<", 1024)),
        Figure("backup.restore.seconds", "s", Target("<", 300)),
        Figure("backup.restore.peak_mb", "MB", Target("<", 1024)),
    ]
    for query in SEARCH_QUERIES:
        p95 = Target("<", SEARCH_P95_MS) if query.who == "office" else None
        figures += [Figure(f"search.{query.name}.p50_ms", "ms"), Figure(f"search.{query.name}.p95_ms", "ms", p95),
                    Figure(f"search.{query.name}.rps", "req/s"), Figure(f"search.{query.name}.results", "results")]
    figures.append(Figure("search.trivial.p95_ms", "ms"))
    return figures


FIGURE_KEYS = [figure.key for figure in _specs()]


@dataclass
class BenchRun:
    """One run: the in-process app and the dataset's Meta, where to work, and how to serve and load the app."""

    app: Flask
    meta: Meta
    store: object
    workdir: Path
    plans_dir: Path
    env: dict
    load: http.Load
    workers: int
    threads: int
    write_rate: float = 5.0
    notes: dict = field(default_factory=dict)

    @property
    def today(self) -> date:
        return date.fromisoformat(self.meta.today)


# ---------------------------------------------------------------------------------------------
# Sections


def measure_database(run: BenchRun) -> dict:
    return {"database.size_mb": run.store.size_bytes() / 2**20}


def measure_parse(run: BenchRun) -> dict:
    try:
        from tracker.plans.parser.bench import parse_shared_plans
    except ImportError as error:
        raise NotAvailable(f"tracker.plans.parser.bench is not there yet ({error})") from None
    # Both folders of samples/: the seed plans and the real plans as found beside them.
    real_plans = Path(run.plans_dir).parent / "plans-real"
    result = parse_shared_plans(run.plans_dir, *([real_plans] if real_plans.is_dir() else []))
    total = result.get("total_seconds", result.get("total"))
    if not isinstance(total, (int, float)):
        raise Failed(f"parse_shared_plans returned no total (keys: {', '.join(sorted(result))})")
    files = result.get("files") or result.get("per_file") or {}
    if isinstance(files, dict):
        run.notes["parse.total_s"] = ", ".join(f"{name[:3]}: {seconds:.3f}" for name, seconds in files.items()
                                               if isinstance(seconds, (int, float)))
    return {"parse.total_s": total}


_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _signed_in_client(app: Flask, login: str, password: str):
    client = app.test_client()
    token = _CSRF_META.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"login": login, "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise Failed(f"signing in as {login} answered {response.status_code}")
    return client


def measure_sql(run: BenchRun) -> dict:
    """SQL statements one request for each page issues, counted at the driver (after one warm-up request)."""
    app, meta = run.app, run.meta
    clients = {
        "office": (lambda: _signed_in_client(app, meta.office_login, meta.password), {}),
        "department": (lambda: _signed_in_client(app, meta.department_login, meta.password), {}),
        "leader": (lambda: _signed_in_client(app, meta.leader_login, meta.password), {}),
        "api": (app.test_client, {"Authorization": f"Bearer {meta.api_token}"}),
    }
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    values = {}
    try:
        for page in PAGES:
            key = f"sql.{page.name}"
            try:
                path = page.resolve(app, meta)
                make_client, headers = clients[page.who]
                client = make_client()
                client.get(path, headers=headers)
                statements.clear()
                response = client.get(path, headers=headers)
                if response.status_code != 200:
                    raise Failed(f"GET {path} answered {response.status_code}")
                values[key] = len(statements)
            except (NotAvailable, Failed) as reason:
                values[key] = reason
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return values


def _page_keys(name: str) -> list[str]:
    return [key for key in FIGURE_KEYS if key.startswith(f"pages.{name}.")]


def _page_paths(run: BenchRun, keys) -> tuple[dict, dict]:
    """{page name: path} of the pages there are, and {figure key: NotAvailable} for the others."""
    values, paths = {}, {}
    for page in PAGES:
        try:
            paths[page.name] = page.resolve(run.app, run.meta)
        except NotAvailable as reason:
            values.update(dict.fromkeys(keys(page.name), reason))
    return paths, values


def _sessions(base: str, meta: Meta) -> dict:
    return {
        "office": http.login(base, meta.office_login, meta.password),
        "department": http.login(base, meta.department_login, meta.password),
        "leader": http.login(base, meta.leader_login, meta.password),
        "api": {"Authorization": f"Bearer {meta.api_token}"},
    }


def measure_pages(run: BenchRun) -> dict:
    """Each page under `run.load` (32 clients) against gunicorn on loopback, and the trivial route as the floor."""
    paths, values = _page_paths(run, _page_keys)
    log = run.workdir / "gunicorn.log"
    with http.Gunicorn(run.env, log, run.workers, run.threads, run.load.connections) as server:
        sessions = _sessions(server.base, run.meta)
        trivial = http.wrk(server.base + http.TRIVIAL_PATH, {}, run.load, run.workdir, "trivial")
        values.update({f"pages.trivial.{name}": trivial[name] for name in ("p50_ms", "p95_ms", "p99_ms", "rps")})
        for page in PAGES:
            if page.name in paths:
                server.wait_idle()
                values.update(_load_page(run, server, page, paths[page.name], sessions[page.who], trivial))
    return values


def _load_page(run: BenchRun, server: http.Gunicorn, page: Page, path: str, headers: dict, trivial: dict) -> dict:
    keys = _page_keys(page.name)
    status, _body, _headers = http.get(server.base, path, headers)
    if status != 200:
        return dict.fromkeys(keys, Failed(f"GET {path} answered {status}"))
    try:
        result = http.wrk(server.base + path, headers, run.load, run.workdir, page.name)
    except http.HttpFailure as failure:
        return dict.fromkeys(keys, Failed(str(failure)))
    result["p95_ratio"] = result["p95_ms"] / trivial["p95_ms"]
    result["rps_ratio"] = result["rps"] / trivial["rps"]
    if result["lower_bound"]:
        run.notes[f"pages.{page.name}.p95_ms"] = f"no request finished within {run.load.seconds} s: a lower bound"
    if result["not_ok"] or result["socket_errors"]:
        run.notes[f"pages.{page.name}.rps"] = (f"{result['not_ok']} of {result['requests']} answers not 200, "
                                               f"{result['socket_errors']} socket errors")
    return {key: result[key.rsplit(".", 1)[1]] for key in keys}


def _mixed_keys(name: str) -> list[str]:
    return [key for key in FIGURE_KEYS if key.startswith(f"mixed.{name}.")]


def measure_mixed(run: BenchRun) -> dict:
    """Each page loaded by wrk (32 clients) while writers file, submit and return reports at `run.write_rate`
    per second through HTTP (tracker.bench.mixed): the page's p95 and req/s, and the writes' own latency."""
    paths, values = _page_paths(run, _mixed_keys)
    targets = mixed.prepare_targets(run.app)
    if not targets:
        raise Failed("the dataset has no unfiled report of the latest period to write")
    log = run.workdir / "gunicorn-mixed.log"
    latencies, failed, seconds = [], 0, 0.0
    with http.Gunicorn(run.env, log, run.workers, run.threads, run.load.connections) as server:
        sessions = _sessions(server.base, run.meta)
        reviewer = http.login(server.base, run.meta.reviewer_login, run.meta.password)
        with mixed.Writers(server.base, targets, reviewer, run.write_rate) as writers:
            for page in PAGES:
                if page.name not in paths:
                    continue
                try:
                    # A page slower than the window leaves requests queued that the next must not meet; with
                    # the writers going on, the server may not be idle again before the trivial route times out.
                    server.wait_idle()
                except OSError as failure:
                    run.notes[f"mixed.{page.name}.p95_ms"] = f"the server was not idle before it: {failure}"
                writers.reset()
                started = clock.perf_counter()
                try:
                    result = http.wrk(server.base + paths[page.name], sessions[page.who], run.load, run.workdir,
                                      f"mixed-{page.name}")
                except http.HttpFailure as failure:
                    values.update(dict.fromkeys(_mixed_keys(page.name), Failed(str(failure))))
                    continue
                if result["lower_bound"]:
                    run.notes[f"mixed.{page.name}.p95_ms"] = (f"no request finished within {run.load.seconds} s: "
                                                              "a lower bound")
                elapsed = clock.perf_counter() - started
                writes = writers.figures(elapsed)
                latencies += writers.latencies_ms
                failed += writes["failed"]
                seconds += elapsed
                values.update({f"mixed.{page.name}.p95_ms": result["p95_ms"], f"mixed.{page.name}.rps": result["rps"],
                               f"mixed.{page.name}.writes_p95_ms": writes["p95_ms"] or 0,
                               f"mixed.{page.name}.writes_per_s": writes["per_s"]})
                if writes["skipped"]:
                    run.notes[f"mixed.{page.name}.writes_per_s"] = f"{writes['skipped']} writes skipped: every target busy"
    latencies.sort()
    if latencies:
        values["mixed.writes.p50_ms"] = latencies[len(latencies) // 2]
        values["mixed.writes.p95_ms"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    values["mixed.writes.per_s"] = len(latencies) / seconds if seconds else 0
    values["mixed.writes.failed"] = failed
    run.notes["mixed.writes.per_s"] = f"asked for {run.write_rate:g}/s; {len(targets)} reports cycled"
    return values


def run_job(run: BenchRun, argv: list[str], env: dict | None = None, timeout: float = 3600) -> dict:
    """A `flask` command in a child process (tracker.bench.job): its seconds, peak memory and output."""
    finished = subprocess.run([sys.executable, "-m", "tracker.bench.job", *argv], cwd=PROJECT_ROOT,
                              env=env or run.env, capture_output=True, text=True, timeout=timeout)
    if finished.returncode != 0 or not finished.stdout.strip():
        raise Failed(f"`flask {' '.join(argv)}` exited with {finished.returncode}: {finished.stderr.strip()[-400:]}")
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    if not result["available"]:
        raise NotAvailable(result["reason"])
    if result["error"]:
        raise Failed(f"`flask {' '.join(argv)}`: {result['error']}")
    return result


def measure_reports(run: BenchRun) -> dict:
    """The supervision PDF and the Excel ledger of the last closed period: time and the process's peak memory."""
    period = run.meta.period_labels[-2]
    values = {}
    for name, command, suffix in (("supervision_pdf", "supervision", ".pdf"), ("ledger_xlsx", "ledger", ".xlsx")):
        out = run.workdir / f"{name}{suffix}"
        try:
            result = run_job(run, ["reports", command, "--period", period, "--out", str(out)])
            if not out.exists() or out.stat().st_size == 0:
                raise Failed(f"`flask reports {command}` wrote no {out.name}")
        except (NotAvailable, Failed) as reason:
            values[f"reports.{name}.seconds"] = values[f"reports.{name}.peak_mb"] = reason
            continue
        values[f"reports.{name}.seconds"] = result["seconds"]
        values[f"reports.{name}.peak_mb"] = result["peak_mb"]
        run.notes[f"reports.{name}.seconds"] = f"period {period}, {out.stat().st_size / 1024:.0f} KB"
    return values


def _sweep(run: BenchRun, env: dict, now: datetime) -> tuple[float, int]:
    result = run_job(run, ["reminders", "sweep", "--now", now.isoformat(), "--json"], env=env)
    try:
        created = json.loads(result["output"].strip().splitlines()[-1])["created"]
    except (IndexError, KeyError, ValueError):
        raise Failed(f"`flask reminders sweep --json` printed no created count: {result['output'][-200:]!r}") from None
    return result["seconds"], created


def make_reports_due(app: Flask, count: int, today: date) -> int:
    """Give `count` active tasks a report due tomorrow that nobody has filed: a special dispatch (专项调度).

    Whole plans get the new period; the tasks beyond `count` already reported, so exactly `count`
    reports are due for the ladder's first reminder and nothing else becomes due.
    """
    from tracker.core.clock import utcnow
    from tracker.plans.models import Plan
    from tracker.tasks.models import ProgressReport, ReportingPeriod, ReportState, Task, TaskStatus

    due_on = today + timedelta(days=1)
    chosen = 0
    with app.app_context():
        for plan_id in db.session.scalars(sa.select(Plan.id).order_by(Plan.id.desc())).all():
            if chosen >= count:
                break
            tasks = db.session.execute(
                sa.select(Task.id, Task.lead_department_id)
                .where(Task.plan_id == plan_id, Task.status == TaskStatus.ACTIVE, Task.lead_department_id.is_not(None))
                .order_by(Task.id)).all()
            period = ReportingPeriod(plan_id=plan_id, label=due_on.isoformat(), starts_on=today, ends_on=due_on,
                                     due_on=due_on)
            db.session.add(period)
            db.session.flush()
            for task_id, department_id in tasks[count - chosen:]:
                db.session.add(ProgressReport(task_id=task_id, period_id=period.id, department_id=department_id,
                                              state=ReportState.SUBMITTED, submitted_at=utcnow(),
                                              narrative="已按时报送。"))
            chosen += min(len(tasks), count - chosen)
        db.session.commit()
        db.session.remove()
    return chosen


def measure_sweeps(run: BenchRun) -> dict:
    """Passes at 09:00, 09:15, 09:30 and 09:45 (Beijing) of the dataset's day, with e-mail to a loopback SMTP server.

    The first pass catches up with whatever the generated history left due. The next two find nothing
    due: the first of them right after the catch-up's burst of writes (reported on its own, as
    after_catch_up: its reads meet pages the catch-up just rewrote and the machine has not cached
    again), the second as most 15-minute scheduler passes run, after another pass that found nothing.
    Before the last, DUE_REPORTS reports become due for their first reminder.
    """
    values = {}
    start = datetime.combine(run.today, time(9), LOCAL_TZ)
    with MailSink() as sink:
        env = {**run.env, "TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(sink.port)}
        values["sweep.catch_up.seconds"], values["sweep.catch_up.created"] = _sweep(run, env, start)
        run.notes["sweep.catch_up.created"] = f"{len(sink.messages)} e-mails"
        values["sweep.after_catch_up.seconds"], after_catch_up = _sweep(run, env, start + timedelta(minutes=15))
        run.notes["sweep.after_catch_up.seconds"] = f"{after_catch_up} created"
        values["sweep.nothing_due.seconds"], values["sweep.nothing_due.created"] = _sweep(
            run, env, start + timedelta(minutes=30))
        due = make_reports_due(run.app, min(DUE_REPORTS, run.meta.sizes["tasks"]), run.today)
        values["sweep.due_1000.due"] = due
        before = len(sink.messages)
        values["sweep.due_1000.seconds"], values["sweep.due_1000.created"] = _sweep(
            run, env, start + timedelta(minutes=45))
        values["sweep.due_1000.emails"] = len(sink.messages) - before
    return values


def _restore_target(run: BenchRun):
    """An empty database of the run's engine beside the run's own, for the restore."""
    from tracker.bench.store import PostgresStore, SQLiteStore

    if run.store.engine == "postgresql":
        return PostgresStore(run.store.server_url, f"{run.store.name}_restore", None)
    (run.workdir / "restore").mkdir(exist_ok=True)
    return SQLiteStore(run.workdir / "restore", None)


def measure_backup(run: BenchRun) -> dict:
    """`flask backup create` of the run's database, then `flask backup restore` of it into an empty database of the
    same engine made by `flask db upgrade`: each command's seconds and its process's peak memory."""
    from flask_migrate import stamp

    with run.app.app_context():
        stamp()  # the dataset is built with create_all, which is the head's schema; a backup records the revision
        db.session.remove()
    archive = run.workdir / "backup.tar"
    created = run_job(run, ["backup", "create", str(archive)])
    target = _restore_target(run)
    target.fresh()
    env = {**run.env, "TRACKER_DATABASE_URL": target.url, "TRACKER_INSTANCE_PATH": str(run.workdir / "restored")}
    try:
        run_job(run, ["db", "upgrade"], env=env)
        restored = run_job(run, ["backup", "restore", str(archive)], env=env)
    finally:
        if run.store.engine == "postgresql":
            target.drop()
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    values = {"backup.rows": sum(table["rows"] for table in manifest["tables"]),
              "backup.archive_mb": archive.stat().st_size / 2**20,
              "backup.create.seconds": created["seconds"], "backup.create.peak_mb": created["peak_mb"],
              "backup.restore.seconds": restored["seconds"], "backup.restore.peak_mb": restored["peak_mb"]}
    archive.unlink()
    return values


def _rare_phrase(app: Flask, task_id: int) -> str:
    from tracker.tasks.models import Task

    with app.app_context():
        title = db.session.get(Task, task_id).title
        db.session.remove()
    return title[len(title) // 2 - 2:len(title) // 2 + 2] if len(title) >= 6 else title


def measure_search(run: BenchRun) -> dict:
    """Each query of SEARCH_QUERIES typed by SEARCH_CLIENTS clients at once for `run.load`'s seconds."""
    from urllib.parse import quote

    load = http.Load(connections=SEARCH_CLIENTS, threads=2, seconds=run.load.seconds,
                     warmup_seconds=run.load.warmup_seconds)
    values = {}
    with http.Gunicorn(run.env, run.workdir / "gunicorn-search.log", run.workers, run.threads,
                       load.connections) as server:
        meta = run.meta
        sessions = {"office": http.login(server.base, meta.office_login, meta.password),
                    "department": http.login(server.base, meta.department_login, meta.password)}
        # The floor at the same load: what serving any request costs on this machine.
        values["search.trivial.p95_ms"] = http.wrk(server.base + http.TRIVIAL_PATH, {}, load, run.workdir,
                                                   "search-trivial")["p95_ms"]
        for query in SEARCH_QUERIES:
            text = query.text or _rare_phrase(run.app, meta.item_task_id)
            path = "/search/?q=" + quote(text)
            status, body, _headers = http.get(server.base, path, sessions[query.who])
            keys = [key for key in FIGURE_KEYS if key.startswith(f"search.{query.name}.")]
            if status != 200:
                values.update(dict.fromkeys(keys, Failed(f"GET {path} answered {status}")))
                continue
            server.wait_idle()
            result = http.wrk(server.base + path, sessions[query.who], load, run.workdir, f"search-{query.name}")
            result["results"] = body.count('class="card" data-kind=')
            run.notes[f"search.{query.name}.p95_ms"] = f"q={text}, {query.who}, {SEARCH_CLIENTS} clients"
            values.update({key: result[key.rsplit(".", 1)[1]] for key in keys})
    return values


SECTIONS = [("database", measure_database), ("parse", measure_parse), ("sql", measure_sql),
            ("pages", measure_pages), ("mixed", measure_mixed), ("reports", measure_reports), ("sweep", measure_sweeps),
            ("backup", measure_backup), ("search", measure_search)]


def measure_all(run: BenchRun, only: set[str] | None = None, log=print) -> dict[str, Figure]:
    figures = {figure.key: figure for figure in _specs()}
    for name, measure in SECTIONS:
        if only and name not in only:
            continue
        log(f"measuring {name} …")
        try:
            values = measure(run)
        except (NotAvailable, Failed) as reason:
            values = {key: reason for key in figures if key.startswith(f"{name}.")}
        except Exception as error:  # noqa: BLE001 — one broken section must not hide the other figures
            (run.workdir / f"{name}-error.txt").write_text(traceback.format_exc())
            values = {key: Failed(f"{type(error).__name__}: {error}") for key in figures if key.startswith(f"{name}.")}
        for key, value in values.items():
            figures[key].record(value)
    for key, note in run.notes.items():
        figures[key].note = note
    return figures


def format_table(figures: dict[str, Figure]) -> str:
    rows = [("figure", "value", "target", "result")]
    for figure in figures.values():
        value = "—" if figure.value is None else f"{figure.value:,.3g} {figure.unit}" if figure.value < 100 \
            else f"{figure.value:,.0f} {figure.unit}"
        result = f"{figure.status}: {figure.reason}" if figure.reason else figure.status
        if figure.note:
            result += f" ({figure.note})"
        rows.append((figure.key, value, str(figure.target or ""), result))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}" for row in rows)
