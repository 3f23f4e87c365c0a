"""The outbox (发送队列): notices are committed first, then delivered on e-mail and webhooks.

`enqueue_deliveries` adds one Delivery row per notice and external channel inside the sweep's
transaction. `deliver_pending` sends what is due, committing after each delivery, so a process
killed mid-run loses at most the delivery in flight, which is sent again on the next run: delivery
is at least once, and every resend carries the same Message-ID / idempotency key.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.reminders.channels import DeliveryError, notice_from
from tracker.reminders.channels.email import SmtpSettings, build_email, message_id, send_email
from tracker.reminders.channels.webhook import build_request, post
from tracker.reminders.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    StepTarget,
    WebhookEndpoint,
)

log = logging.getLogger(__name__)

DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
CHUNK = 500
MAX_BACKOFF = timedelta(hours=12)
DEPARTMENT_TARGETS = (StepTarget.LIAISON, StepTarget.HEAD)


# ---- enqueueing (入队) ----------------------------------------------------------------------

def wants_email(user: User | None, escalation_level: int) -> bool:
    """E-mail goes to users with an address who have not turned it off or set a higher minimum level."""
    if user is None or not user.is_active or not user.email:
        return False
    preferences = user.channel_preferences or {}
    return bool(preferences.get("email", True)) and escalation_level >= int(preferences.get("email_min_level", 0))


# What enqueueing reads of a notice: the sweep passes the rows its INSERT returned, not loaded objects.
ENQUEUE_COLUMNS = ("id", "recipient_id", "escalation_level", "target", "department_id", "subject_key", "step_key",
                   "occurrence", "created_at")


def enqueue_deliveries(notifications: list, *, now: datetime | None = None) -> dict[str, int]:
    """Create the Delivery rows of freshly flushed notices, in the caller's transaction (no commit).

    `notifications`: Notification objects, or rows with their ENQUEUE_COLUMNS.

    Returns how many notices went to each channel ("inbox": the notice itself). A department's
    group robot gets one message per item and step, not one per recipient of it. Rows that exist
    already (a second sweep) are skipped by the unique key, so calling this twice is harmless.
    """
    counts = {Channel.INBOX.value: 0, Channel.EMAIL.value: 0, Channel.WEBHOOK.value: 0}
    if not notifications:
        return counts
    recipient_ids = sorted({n.recipient_id for n in notifications if n.recipient_id is not None})
    users = {user.id: user for ids in _chunks(recipient_ids)
             for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    rows = []
    for notification in notifications:
        user = users.get(notification.recipient_id)
        counts[Channel.INBOX.value] += user is not None
        if wants_email(user, notification.escalation_level):
            rows.append(_row(notification, Channel.EMAIL, user.email, now))
    email_rows = len(rows)
    rows.extend(_webhook_rows(notifications, now))
    counts[Channel.EMAIL.value] = _insert_deliveries(rows[:email_rows])
    counts[Channel.WEBHOOK.value] = _insert_deliveries(rows[email_rows:])
    return counts


def _row(notification, channel: Channel, address: str, now: datetime | None,
         webhook_id: int | None = None) -> dict:
    if notification.id is None:
        raise ValueError("flush the notifications before enqueueing their deliveries")
    # Due when the notice was made, so a sweep at a simulated time delivers at that time too.
    due = now or notification.created_at or utcnow()
    return {"notification_id": notification.id, "channel": channel, "address": address, "webhook_id": webhook_id,
            "status": DeliveryStatus.PENDING, "attempts": 0, "next_attempt_at": due, "created_at": due}


def _webhook_rows(notifications: list, now: datetime | None) -> list[dict]:
    department_ids = {n.department_id for n in notifications if n.target in DEPARTMENT_TARGETS and n.department_id}
    endpoints = db.session.scalars(
        sa.select(WebhookEndpoint).where(
            WebhookEndpoint.is_active,
            sa.or_(WebhookEndpoint.department_id.in_(department_ids), WebhookEndpoint.department_id.is_(None)),
        )
    ).all()
    if not endpoints:
        return []
    seen = _already_posted(notifications, [e.id for e in endpoints])
    rows = []
    for notification in notifications:
        for endpoint in endpoints:
            if not _endpoint_serves(endpoint, notification):
                continue
            key = (notification.subject_key, notification.step_key, notification.occurrence, endpoint.id)
            if key not in seen:
                seen.add(key)
                rows.append(_row(notification, Channel.WEBHOOK, f"webhook:{endpoint.id}", now, endpoint.id))
    return rows


def _endpoint_serves(endpoint: WebhookEndpoint, notification) -> bool:
    """Office robots (no department) get the office's 督办 notices; a department's robot its own."""
    if notification.target == StepTarget.OFFICE:
        return endpoint.department_id is None
    return notification.target in DEPARTMENT_TARGETS and endpoint.department_id == notification.department_id


def _already_posted(notifications: list, endpoint_ids: list[int]) -> set[tuple]:
    posted = set()
    for subjects in _chunks(sorted({n.subject_key for n in notifications})):
        posted.update(tuple(row) for row in db.session.execute(
            sa.select(Notification.subject_key, Notification.step_key, Notification.occurrence, Delivery.webhook_id)
            .join(Delivery, Delivery.notification_id == Notification.id)
            .where(Delivery.webhook_id.in_(endpoint_ids), Notification.subject_key.in_(subjects))
        ))
    return posted


def _chunks(values: list, size: int = CHUNK) -> list[list]:
    """Slices small enough for any engine's limit on bound parameters (a sweep can pass thousands)."""
    return [values[start:start + size] for start in range(0, len(values), size)]


def insert_ignoring_duplicates(table: sa.Table, rows: list[dict], unique: list[str], returning) -> list[sa.Row]:
    """INSERT … ON CONFLICT (unique) DO NOTHING of many rows; the `returning` columns of the rows it created.

    One executemany: SQLAlchemy sends it as multi-row INSERTs of a statement compiled once, where a
    VALUES list built per chunk would be compiled again for every chunk (most of a large sweep's time).
    """
    if not rows:
        return []
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=unique).returning(*returning)
    return db.session.execute(statement, rows).all()


def _insert_deliveries(rows: list[dict]) -> int:
    table = Delivery.__table__
    return len(insert_ignoring_duplicates(table, rows, ["notification_id", "channel", "address"], [table.c.id]))


# ---- sending (发送) -------------------------------------------------------------------------

@dataclass(frozen=True)
class SendSettings:
    smtp: SmtpSettings
    webhook_timeout: float
    base_url: str
    workers: int
    max_attempts: int
    retry_seconds: float
    lease: timedelta

    @classmethod
    def from_config(cls, config) -> SendSettings:
        return cls(
            smtp=SmtpSettings.from_config(config),
            webhook_timeout=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
            base_url=config["BASE_URL"],
            workers=max(1, int(config["DELIVERY_WORKERS"])),
            max_attempts=max(1, int(config["DELIVERY_MAX_ATTEMPTS"])),
            retry_seconds=float(config["DELIVERY_RETRY_SECONDS"]),
            lease=timedelta(seconds=float(config["DELIVERY_LEASE_SECONDS"])),
        )


class _Budget:
    """At most `limit` deliveries across all sender threads (None: no limit)."""

    def __init__(self, limit: int | None):
        self.left = limit
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left is None:
                return True
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def deliver_pending(now: datetime | None = None, limit: int | None = None, *,
                    ids: list[int] | None = None) -> dict[str, int]:
    """Send every due delivery (or only `ids`) in a few parallel senders; returns counts by outcome.

    Call it after committing the notices: each sender has its own session and transaction. A slow
    recipient holds one sender for at most the channel's timeout; the others carry on.
    """
    app = current_app._get_current_object()
    settings = SendSettings.from_config(app.config)
    now = now or utcnow()
    budget = _Budget(limit)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def sender() -> None:
        with app.app_context():
            try:
                while budget.take():
                    outcome = _deliver_next(now, settings, ids)
                    if outcome is None:
                        return
                    with lock:
                        outcomes[outcome] += 1
            finally:
                db.session.remove()

    with ThreadPoolExecutor(settings.workers, thread_name_prefix="outbox") as pool:
        for future in [pool.submit(sender) for _ in range(settings.workers)]:
            future.result()
    return {status.value: outcomes[status.value]
            for status in (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.ABANDONED)}


def _due(now: datetime, ids: list[int] | None) -> sa.Select:
    query = (
        sa.select(Delivery.id)
        .where(Delivery.status.in_(DUE_STATUSES), Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(1)
    )
    return query.where(Delivery.id.in_(ids)) if ids is not None else query


def _claim(now: datetime, settings: SendSettings, ids: list[int] | None) -> Delivery | None:
    """Take one due delivery so that no other sender, in any process, sends it at the same time.

    PostgreSQL: a row lock held until this delivery's commit; a killed sender's lock goes with its
    connection, so a restart resends at once. SQLite has no row locks: the claim pushes
    next_attempt_at a lease ahead and commits, and a killed sender's claim lapses with the lease.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        delivery_id = db.session.scalar(_due(now, ids).with_for_update(skip_locked=True))
    else:
        delivery_id = db.session.scalar(
            sa.update(Delivery)
            .where(Delivery.id == _due(now, ids).scalar_subquery(), Delivery.status.in_(DUE_STATUSES))
            .values(next_attempt_at=now + settings.lease)
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return db.session.get(Delivery, delivery_id) if delivery_id is not None else None


def _deliver_next(now: datetime, settings: SendSettings, ids: list[int] | None) -> str | None:
    delivery = _claim(now, settings, ids)
    if delivery is None:
        db.session.rollback()
        return None
    try:
        _send(delivery, settings)
    except DeliveryError as error:
        _record_failure(delivery, str(error), now, settings)
    except Exception as error:  # noqa: BLE001 — a bug in one message must not stop the others
        log.exception("delivery %s failed unexpectedly", delivery.id)
        _record_failure(delivery, f"{type(error).__name__}: {error}", now, settings)
    else:
        delivery.attempts += 1
        delivery.status = DeliveryStatus.SENT
        delivery.delivered_at = utcnow()
        delivery.last_error = None
    outcome = delivery.status.value
    db.session.commit()
    return outcome


def _send(delivery: Delivery, settings: SendSettings) -> None:
    notification = delivery.notification
    notice = notice_from(notification, settings.base_url)
    if delivery.channel == Channel.EMAIL:
        recipient = db.session.get(User, notification.recipient_id) if notification.recipient_id else None
        message = build_email(
            notice, to=delivery.address, recipient_name=recipient.name if recipient else "",
            sender=settings.smtp.sender, msg_id=message_id(notification.id, delivery.id, settings.base_url),
        )
        send_email(message, settings.smtp)
    elif delivery.channel == Channel.WEBHOOK:
        endpoint = db.session.get(WebhookEndpoint, delivery.webhook_id) if delivery.webhook_id else None
        if endpoint is None or not endpoint.is_active:
            raise DeliveryError("webhook endpoint removed or disabled")
        request = build_request(notice, url=endpoint.url, fmt=endpoint.format, secret=endpoint.secret)
        post(request, endpoint.format, settings.webhook_timeout)
    else:
        raise DeliveryError(f"channel {delivery.channel} has no sender")


def retry_delay(attempts: int, retry_seconds: float) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8… times the base after the 1st, 2nd, 3rd… failure, capped."""
    return min(timedelta(seconds=retry_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _record_failure(delivery: Delivery, error: str, now: datetime, settings: SendSettings) -> None:
    delivery.attempts += 1
    delivery.last_error = error[:2000]
    if delivery.attempts >= settings.max_attempts:
        delivery.status = DeliveryStatus.ABANDONED
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = now + retry_delay(delivery.attempts, settings.retry_seconds)


# ---- the office's delivery log (投递记录) ------------------------------------------------------

def retry_delivery(delivery: Delivery, *, by=None, now: datetime | None = None) -> None:
    """Put a failed or abandoned delivery back in the queue, due now; the caller commits."""
    before = {"status": delivery.status, "attempts": delivery.attempts}
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now or utcnow()
    record("delivery.retry", delivery, by=by, before=before, after={"status": delivery.status},
           task_id=delivery.notification.task_id)
