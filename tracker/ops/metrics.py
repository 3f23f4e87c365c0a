"""Prometheus metrics (/metrics): the requests this app served, and figures read from the database at scrape time.

Requests are counted in the serving process. Under gunicorn each worker is a process of its own, so
deploy/gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR before any worker starts: prometheus_client then
keeps every worker's values in files there (chosen when prometheus_client is first imported, so the
variable must be set before that) and a scrape, whichever worker answers it, adds them up. Without the
variable the values stay in the process, which is right for `flask run` and the tests.

What other processes do (the scheduler's sweeps, the outbox's deliveries) is read from the database
when scraped, so any worker reports the same figures and a restart loses none of them.
"""
from __future__ import annotations

import os

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.reminders.models import Channel, Delivery, DeliveryStatus, Heartbeat
from tracker.reminders.outbox import DUE_STATUSES
from tracker.reminders.scheduler import SCHEDULER
from tracker.reports.models import ArchivedReport, ReportKind

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("tracker_http_requests", "HTTP requests served, by endpoint, method and status",
                   ["endpoint", "method", "status"], registry=REGISTRY)
LATENCY = Histogram("tracker_http_request_duration_seconds", "Time to answer a request, by endpoint", ["endpoint"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=REGISTRY)
DELIVERY_CHANNELS = (Channel.EMAIL, Channel.WEBHOOK)


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(endpoint, method, str(status)).inc()
    LATENCY.labels(endpoint).observe(seconds)


def _timestamp(moment) -> float:
    return moment.timestamp() if moment is not None else 0.0


class DatabaseCollector:
    """The scheduler's last sweep and its notices, the outbox by channel and status, the last supervision report."""

    def collect(self):
        try:
            figures = [*self._sweep(), *self._deliveries(), self._last_report()]
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
            figures = []
        yield GaugeMetricFamily("tracker_database_up", "1 if the database answered this scrape's queries, else 0",
                                value=1.0 if figures else 0.0)
        yield from figures

    def _last_report(self):
        last_report = db.session.scalar(sa.select(sa.func.max(ArchivedReport.generated_at))
                                        .where(ArchivedReport.kind == ReportKind.SUPERVISION))
        return GaugeMetricFamily("tracker_supervision_report_last_archived_timestamp_seconds",
                                 "When the last supervision report (督查通报) was archived, Unix time; 0 if never",
                                 value=_timestamp(last_report))

    def _sweep(self):
        beat = db.session.get(Heartbeat, SCHEDULER)
        yield GaugeMetricFamily("tracker_scheduler_heartbeat_timestamp_seconds",
                                "The scheduler's last heartbeat (after each sweep), Unix time; 0 if never",
                                value=_timestamp(beat and beat.beat_at))
        yield GaugeMetricFamily("tracker_sweep_duration_seconds", "Seconds the scheduler's last reminder sweep took",
                                value=beat.last_seconds if beat else 0.0)
        last = GaugeMetricFamily("tracker_sweep_last_notices_created", "Notices the last sweep created, by level",
                                 labels=["level"])
        total = CounterMetricFamily("tracker_sweep_notices_created", "Notices the scheduler's sweeps created, by "
                                    "escalation level", labels=["level"])
        for level, count in sorted(((beat.last_created or {}) if beat else {}).items()):
            last.add_metric([level], count)
        for level, count in sorted(((beat.created_total or {}) if beat else {}).items()):
            total.add_metric([level], count)
        yield last
        yield total

    def _deliveries(self):
        counts = {(channel, status): count for channel, status, count in db.session.execute(
            sa.select(Delivery.channel, Delivery.status, sa.func.count()).group_by(Delivery.channel, Delivery.status))}
        family = GaugeMetricFamily("tracker_deliveries", "Outbox deliveries by channel and status (sent and "
                                   "abandoned only grow)", labels=["channel", "status"])
        for channel in DELIVERY_CHANNELS:
            for status in DeliveryStatus:
                family.add_metric([channel.value, status.value], counts.get((channel, status), 0))
        yield family
        oldest = db.session.scalar(sa.select(sa.func.min(Delivery.created_at))
                                   .where(Delivery.status.in_(DUE_STATUSES)))
        yield GaugeMetricFamily("tracker_delivery_oldest_pending_age_seconds",
                                "Age of the oldest delivery not yet sent nor abandoned; 0 if none",
                                value=(utcnow() - oldest).total_seconds() if oldest else 0.0)


class _ProcessRequests:
    """This process's request metrics, when no multiprocess directory gathers every worker's."""

    def collect(self):
        yield from REGISTRY.collect()


def exposition() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ProcessRequests())
    registry.register(DatabaseCollector())
    return generate_latest(registry)
