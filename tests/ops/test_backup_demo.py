"""The demo, backed up on SQLite while liaisons keep filing reports, restored into an empty PostgreSQL database and
an empty SQLite file: every table's rows, every file and the office overview's figures are those of the source.

The backup runs while a writer thread files reports through the service functions, one transaction each.
After each of its commits the writer records what the source then holds (a digest of every table's rows,
the files' SHA-256, the overview's figures). A consistent snapshot is exactly one of those states: a backup
that caught a transaction half-way, or mixed two moments, matches none.
"""
from __future__ import annotations

import hashlib
import io
import json
import threading
from dataclasses import asdict

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL, postgres_database
from tests.ops.support import contents, empty_app, file_hashes
from tracker.auth.models import Role, User, UserRole
from tracker.core.clock import local_today, utcnow
from tracker.dashboards.overview import plan_rows
from tracker.extensions import db
from tracker.reports import figures
from tracker.tasks import reporting
from tracker.tasks.evidence import attach_evidence
from tracker.tasks.models import ProgressReport, ProgressStatus, ReportingPeriod, Task, TaskStatus

MIN_WRITES_AFTER_BACKUP = 2


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`flask db upgrade` and `flask demo` on a SQLite file, once for the module."""
    folder = tmp_path_factory.mktemp("demo")
    app = empty_app(f"sqlite:///{folder / 'demo.sqlite'}", folder)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        db.engine.dispose()
    return app


def overview_figures(today) -> str:
    """The office overview's figures (tracker.dashboards.overview) for its default period, as JSON."""
    period = figures.resolve_period(None, today)
    shown = {"figures": asdict(figures.supervision_figures(period, today, 15)),
             "plans": [asdict(row) for row in plan_rows(period)]}
    return json.dumps(shown, sort_keys=True, default=str, ensure_ascii=False)


def state(app, today) -> dict:
    """What a database holds: a digest of each table's rows, its files' SHA-256, the overview's figures."""
    tables = {name: hashlib.sha256(json.dumps(found, ensure_ascii=False).encode()).hexdigest()
              for name, found in contents().items()}
    return {"tables": tables, "files": file_hashes(app), "overview": overview_figures(today)}


def _unfiled(limit: int) -> list[tuple[int, int, int]]:
    """(task, period, liaison) of reports nobody has filed yet, the latest periods first."""
    filed = sa.exists().where(ProgressReport.task_id == Task.id, ProgressReport.period_id == ReportingPeriod.id)
    return db.session.execute(
        sa.select(Task.id, ReportingPeriod.id, sa.func.min(User.id))
        .join(ReportingPeriod, ReportingPeriod.plan_id == Task.plan_id)
        .join(User, User.department_id == Task.lead_department_id)
        .join(UserRole, sa.and_(UserRole.user_id == User.id, UserRole.role == Role.LIAISON))
        .where(Task.status == TaskStatus.ACTIVE, ~filed)
        .group_by(Task.id, ReportingPeriod.id, ReportingPeriod.due_on)
        .order_by(ReportingPeriod.due_on.desc(), Task.id).limit(limit)).all()


class Writer(threading.Thread):
    """Files reports with evidence, one transaction each, recording the source's state after every commit."""

    def __init__(self, app, today):
        super().__init__(daemon=True)
        self.app, self.today = app, today
        self.states: list[dict] = []
        self.committed = threading.Event()
        self.stop_after: int | None = None
        self.error: BaseException | None = None

    def run(self):
        try:
            with self.app.app_context():
                self.states.append(state(self.app, self.today))
                for task_id, period_id, liaison_id in _unfiled(200):
                    if self.stop_after is not None and len(self.states) >= self.stop_after:
                        break
                    self.file(task_id, period_id, liaison_id)
                    self.states.append(state(self.app, self.today))
                    self.committed.set()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 — reported by the test, not lost in the thread
            self.error = error
            self.committed.set()

    @staticmethod
    def file(task_id: int, period_id: int, liaison_id: int) -> None:
        task, period = db.session.get(Task, task_id), db.session.get(ReportingPeriod, period_id)
        liaison, now = db.session.get(User, liaison_id), utcnow()
        data = reporting.ReportInput(progress_status=ProgressStatus.IN_PROGRESS, percent_complete=60,
                                     narrative="按计划推进,已完成阶段性工作。")
        report = reporting.save_report(task, period, data, by=liaison, expected_version=0, now=now)
        attach_evidence(task, "阶段成果.txt", io.BytesIO(f"任务{task_id}第{period_id}期佐证".encode()), by=liaison,
                        report=report)
        reporting.submit_report(task, period, by=liaison, expected_version=report.version, now=now)
        db.session.commit()


def _targets(tmp_path) -> dict:
    targets = {"sqlite": empty_app(f"sqlite:///{tmp_path / 'restored.sqlite'}", tmp_path / "sqlite-files")}
    if POSTGRES_URL:
        targets["postgresql"] = empty_app(postgres_database("demo_restore"), tmp_path / "postgresql-files")
    return targets


def test_demo_backed_up_while_reports_are_filed_restores_the_same_on_both_engines(demo, tmp_path):
    today = local_today()
    writer = Writer(demo, today)
    writer.start()
    assert writer.committed.wait(120) and writer.error is None, writer.error
    archive = tmp_path / "demo-backup.tar"
    with demo.app_context():
        result = demo.test_cli_runner().invoke(args=["backup", "create", str(archive)])
        writer.stop_after = len(writer.states) + MIN_WRITES_AFTER_BACKUP
    writer.join(300)
    assert result.exit_code == 0, result.output
    assert not writer.is_alive() and writer.error is None, writer.error
    assert len(writer.states) >= 3, "the writer filed reports before and after the backup"

    restored = {}
    for engine, app in _targets(tmp_path).items():
        with app.app_context():
            outcome = app.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
            assert outcome.exit_code == 0, outcome.output
            restored[engine] = {"rows": contents(), "state": state(app, today)}
            db.session.remove()
            db.engine.dispose()

    matching = [index for index, source in enumerate(writer.states) if source == restored["sqlite"]["state"]]
    assert len(matching) == 1, "the restored database is no state the source went through"
    snapshot = writer.states[matching[0]]
    assert len(snapshot["files"]) > 8 and sum(1 for s in snapshot["tables"]) == len(db.metadata.sorted_tables)
    for engine, found in restored.items():
        assert found["state"] == snapshot, engine
        assert found["rows"] == restored["sqlite"]["rows"], engine
