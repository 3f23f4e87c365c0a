"""What the backup tests share: an empty database at head on either engine, and a database's contents to compare."""
from __future__ import annotations

import hashlib
import io
from datetime import date, datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import _test_config
from tracker import create_app
from tracker.extensions import db
from tracker.ops import rows
from tracker.reminders.models import Channel, Delivery, DeliveryStatus, Notification, StepTarget
from tracker.reports.archive import archive
from tracker.reports.models import ArchivedReport, ReportKind
from tracker.tasks.models import Evidence

REPORT_DAY = date(2025, 3, 20)


def empty_app(url: str, folder: Path, *, migrate: bool = True):
    """An app on `url` with its files under `folder`, its schema made by `flask db upgrade` (as the README says)."""
    folder.mkdir(parents=True, exist_ok=True)
    app = create_app(_test_config(url, folder))
    if migrate:
        with app.app_context():
            upgrade()
            db.engine.dispose()
    return app


def contents() -> dict[str, list[list]]:
    """Every table's rows as stored, engine-neutral, in primary-key order (the active app's database)."""
    found = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            encode = rows.encoder([column["kind"] for column in rows.describe(table)])
            found[table.name] = [encode(row) for row in connection.execute(rows.select_stored(table))]
    return found


def file_hashes(app) -> dict[str, str]:
    """SHA-256 of every evidence file and archived report the database names, read from the app's folders."""
    hashes = {}
    with db.engine.connect() as connection:
        for folder, model in ((app.config["EVIDENCE_FOLDER"], Evidence),
                              (app.config["ARCHIVE_FOLDER"], ArchivedReport)):
            for (name,) in connection.execute(sa.select(model.stored_name)):
                hashes[name] = hashlib.sha256((Path(folder) / name).read_bytes()).hexdigest()
    return hashes


def populate(make):
    """A little of everything: a department under one created after it, a report with evidence, an archived
    report, a notice with a pending e-mail, JSON null beside SQL NULL."""
    from tests.reminders.sweep_support import file_report

    parent = make.department("市政府办公室")
    child = make.department("市科技局")
    later = make.department("市委办公室")
    child.parent_id = later.id  # points at a row created after it
    db.session.commit()
    liaison = make.liaison(child, "kj.liaison", email="kj@example.gov.cn")
    plan = make.plan("科技创新行动方案")
    task = make.task(plan, lead=child, co=[parent])
    make.target(task, value=1234.5)
    period = make.period(plan)
    report = file_report(task, period, liaison, REPORT_DAY,
                         evidence=[("佐证.txt", io.BytesIO("进展佐证材料".encode()))])
    archive(b"%PDF-1.7 supervision", kind=ReportKind.SUPERVISION, filename="督查通报.pdf", title="督查通报",
            period_label="2025-03", figures=None)
    notice = Notification(subject_key=f"report:{task.id}:0", step_key="late-1", recipient_key=f"user:{liaison.id}",
                          recipient_id=liaison.id, task_id=task.id, target=StepTarget.LIAISON, title="进展未报送",
                          body="请尽快报送。", created_at=datetime(2025, 3, 26, 1, tzinfo=timezone.utc))
    notice.deliveries.append(Delivery(channel=Channel.EMAIL, address=liaison.email, status=DeliveryStatus.PENDING,
                                      next_attempt_at=notice.created_at, created_at=notice.created_at))
    db.session.add(notice)
    db.session.commit()
    return task
