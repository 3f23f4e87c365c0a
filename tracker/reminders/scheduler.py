"""The scheduler process (`flask --app wsgi scheduler run`): APScheduler triggers, the database decides.

Two jobs in Asia/Shanghai: the reminder sweep every SWEEP_INTERVAL_MINUTES (default 15, also at
start-up, so a restart catches up at once) and the outbox delivery every minute. Each job coalesces
missed runs into one and never overlaps itself. What is due is read from the database on each run,
and every notice is a unique row, so a second scheduler started by mistake creates nothing twice.
"""
from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from tracker.auth.services import forget_old_attempts
from tracker.clock import LOCAL_TZ, utcnow
from tracker.extensions import db
from tracker.reminders.outbox import deliver_pending
from tracker.reminders.sweep import run_sweep

log = logging.getLogger(__name__)
MISFIRE_GRACE_SECONDS = 300


def sweep_job(app: Flask) -> None:
    with app.app_context():
        try:
            result = run_sweep()
            log.info("sweep created %s notices %s", result.created, result.by_channel)
            deliver_pending()
            # Login attempts of invented accounts would otherwise pile up: a day later none counts.
            forget_old_attempts()
            db.session.commit()
        finally:
            db.session.remove()


def deliver_job(app: Flask) -> None:
    with app.app_context():
        try:
            deliver_pending()
        finally:
            db.session.remove()


def build_scheduler(app: Flask) -> BlockingScheduler:
    minutes = int(app.config["SWEEP_INTERVAL_MINUTES"])
    scheduler = BlockingScheduler(timezone=LOCAL_TZ)
    # Missed runs collapse into one, a run never overlaps the previous one, and a run late by minutes still runs.
    options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS}
    scheduler.add_job(sweep_job, IntervalTrigger(minutes=minutes, timezone=LOCAL_TZ), args=[app], id="sweep",
                      name="reminder sweep", next_run_time=utcnow(), **options)
    scheduler.add_job(deliver_job, IntervalTrigger(minutes=1, timezone=LOCAL_TZ), args=[app], id="deliver",
                      name="outbox delivery", **options)
    return scheduler
