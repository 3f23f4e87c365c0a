"""The outbox (发送队列): notices are committed first, then delivered on e-mail and webhooks.

`enqueue_deliveries` adds one Delivery row per notice and external channel inside the sweep's
transaction. `deliver_pending` sends what is due in small claimed batches, committing each batch's
outcomes together, so a process killed mid-run sends again at most its batches in flight once their
claims lapse: delivery is at least once, and every resend carries the same Message-ID / idempotency key.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.core import bulk
from tracker.core.clock import as_utc, utcnow
from tracker.core.database import chunks
from tracker.extensions import db
from tracker.reminders.channels import DeliveryError, Notice, notice_from
from tracker.reminders.channels.destinations import AllowList
from tracker.reminders.channels.email import SmtpSession, SmtpSettings, build_email, message_id
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
    users = {user.id: user for ids in chunks(recipient_ids)
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
    for subjects in chunks(sorted({n.subject_key for n in notifications})):
        posted.update(tuple(row) for row in db.session.execute(
            sa.select(Notification.subject_key, Notification.step_key, Notification.occurrence, Delivery.webhook_id)
            .join(Delivery, Delivery.notification_id == Notification.id)
            .where(Delivery.webhook_id.in_(endpoint_ids), Notification.subject_key.in_(subjects))
        ))
    return posted


def _insert_deliveries(rows: list[dict]) -> int:
    table = Delivery.__table__
    return len(bulk.insert_ignoring_duplicates(table, rows, ["notification_id", "channel", "address"], [table.c.id]))


# ---- sending (发送) -------------------------------------------------------------------------

@dataclass(frozen=True)
class SendSettings:
    smtp: SmtpSettings
    webhook_timeout: float
    webhook_allowed: AllowList
    base_url: str
    workers: int
    max_attempts: int
    retry_seconds: float
    lease: timedelta
    batch: int

    @classmethod
    def from_config(cls, config) -> SendSettings:
        return cls(
            smtp=SmtpSettings.from_config(config),
            webhook_timeout=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
            webhook_allowed=AllowList.from_setting(config["WEBHOOK_ALLOWED_HOSTS"]),
            base_url=config["BASE_URL"],
            workers=max(1, int(config["DELIVERY_WORKERS"])),
            max_attempts=max(1, int(config["DELIVERY_MAX_ATTEMPTS"])),
            retry_seconds=float(config["DELIVERY_RETRY_SECONDS"]),
            lease=timedelta(seconds=float(config["DELIVERY_LEASE_SECONDS"])),
            batch=max(1, int(config["DELIVERY_BATCH"])),
        )


class _Budget:
    """At most `limit` deliveries across all sender threads (None: no limit)."""

    def __init__(self, limit: int | None):
        self.left = limit
        self.lock = threading.Lock()

    def take(self, wanted: int) -> int:
        """How many of `wanted` deliveries the caller may claim (0: the budget is spent)."""
        with self.lock:
            if self.left is None:
                return wanted
            granted = min(wanted, self.left)
            self.left -= granted
            return granted

    def give_back(self, unused: int) -> None:
        with self.lock:
            if self.left is not None:
                self.left += unused


@dataclass(frozen=True)
class _Job:
    """A claimed delivery with all its sender needs, read before sending: no ORM object outlives a commit."""

    id: int
    attempts: int
    channel: Channel
    address: str
    notice: Notice
    message_id: str
    recipient_name: str
    endpoint: WebhookEndpoint | None


def deliver_pending(now: datetime | None = None, limit: int | None = None, *, ids: list[int] | None = None,
                    clock: Callable[[], datetime] = utcnow) -> dict[str, int]:
    """Send every due delivery (or only `ids`) in a few parallel senders; returns counts by outcome.

    Call it after committing the notices: each sender has its own session and transaction. A slow
    recipient holds one sender for at most the channel's timeout a message, and the rest of its batch
    for at most half the lease; the other senders carry on. `now` decides what is due; `clock` is read
    while the pass runs, for the leases and the batches' half-lease stop (a test passes its own).
    """
    app = current_app._get_current_object()
    settings = SendSettings.from_config(app.config)
    now = now or clock()
    budget = _Budget(limit)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def sender() -> None:
        with app.app_context(), SmtpSession(settings.smtp) as smtp:
            try:
                while granted := budget.take(settings.batch):
                    jobs = _claim(now, settings, ids, granted, clock)
                    budget.give_back(granted - len(jobs))
                    if not jobs:
                        return
                    results = _deliver_batch(jobs, now, settings, smtp, clock)
                    budget.give_back(len(jobs) - len(results))
                    with lock:
                        outcomes.update(result["status"].value for result in results)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(settings.workers, thread_name_prefix="outbox") as pool:
        for future in [pool.submit(sender) for _ in range(settings.workers)]:
            future.result()
    return {status.value: outcomes[status.value]
            for status in (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.ABANDONED)}


def _due(now: datetime, ids: list[int] | None, size: int) -> sa.Select:
    query = (
        sa.select(Delivery.id)
        .where(Delivery.status.in_(DUE_STATUSES), Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(size)
    )
    return query.where(Delivery.id.in_(ids)) if ids is not None else query


def _claim(now: datetime, settings: SendSettings, ids: list[int] | None, size: int,
           clock: Callable[[], datetime]) -> list[_Job]:
    """Take up to `size` due deliveries so that no other sender, in any process, sends them meanwhile.

    The claim pushes next_attempt_at a lease ahead and commits; the batch's outcomes are committed when
    it is done, and a killed sender's unrecorded claims lapse with the lease and are sent again.
    PostgreSQL skips the rows another sender is claiming at the same moment (SKIP LOCKED); SQLite
    writes one transaction at a time.
    """
    due = _due(now, ids, size)
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    # The status is checked in the subquery only: repeated outside, it leads SQLite to walk every pending row
    # by the status index instead of fetching the few chosen ones by id.
    table = Delivery.__table__  # plain Core statements: the ORM's bulk-update machinery costs more than the send
    # The lease runs from the clock, not from the pass's `now`: a pass sending for longer than a lease
    # would otherwise claim deliveries that other senders already see as lapsed.
    claimed = db.session.scalars(
        table.update().where(table.c.id.in_(due.scalar_subquery()))
        .values(next_attempt_at=max(now, clock()) + settings.lease).returning(table.c.id)
    ).all()
    jobs = _jobs(claimed, settings) if claimed else []
    db.session.commit()
    return jobs


# What a sender reads of a notice: columns, not Notification objects, whose loading cost as much as a send.
NOTICE_COLUMNS = (Notification.id, Notification.title, Notification.body, Notification.link, Notification.task_id,
                  Notification.period_id, Notification.department_id, Notification.due_on,
                  Notification.workdays_late, Notification.escalation_level, Notification.target,
                  Notification.created_at)


def _jobs(delivery_ids: list[int], settings: SendSettings) -> list[_Job]:
    rows = db.session.execute(
        sa.select(Delivery.id.label("delivery_id"), Delivery.attempts, Delivery.channel, Delivery.address,
                  Delivery.webhook_id, User.name.label("recipient_name"), *NOTICE_COLUMNS)
        .join(Notification, Notification.id == Delivery.notification_id)
        .outerjoin(User, User.id == Notification.recipient_id)
        .where(Delivery.id.in_(delivery_ids))
        .order_by(Delivery.id)
    ).all()
    endpoint_ids = {row.webhook_id for row in rows if row.webhook_id is not None}
    endpoints = {endpoint.id: endpoint for endpoint in db.session.scalars(
        sa.select(WebhookEndpoint).where(WebhookEndpoint.id.in_(endpoint_ids)))} if endpoint_ids else {}
    db.session.expunge_all()  # the endpoints travel with their jobs; nothing is lazily loaded after this
    return [_Job(row.delivery_id, row.attempts, row.channel, row.address, notice_from(row, settings.base_url),
                 message_id(row.id, row.delivery_id, settings.base_url), row.recipient_name or "",
                 endpoints.get(row.webhook_id))
            for row in rows]


def _deliver_batch(jobs: list[_Job], now: datetime, settings: SendSettings, smtp: SmtpSession,
                   clock: Callable[[], datetime]) -> list[dict]:
    """Send claimed deliveries while half their lease is left, then record the outcomes and release the rest.

    Stopping at half the lease keeps a slow server's last message inside the claim, so no other sender
    takes a delivery this one is still sending; the released ones are due again at once.
    """
    stop_at = clock() + settings.lease / 2
    results = []
    for job in jobs:
        if clock() >= stop_at:
            break
        results.append(_deliver(job, now, settings, smtp, clock))
    _record(results, released=[job.id for job in jobs[len(results):]], due=now)
    return results


def _deliver(job: _Job, now: datetime, settings: SendSettings, smtp: SmtpSession,
             clock: Callable[[], datetime]) -> dict:
    """Send one claimed delivery; its new columns (and `delivery_id`) for `_record`."""
    try:
        _send(job, settings, smtp)
    except DeliveryError as error:
        values = _failure(job, str(error), now, settings)
    except Exception as error:  # noqa: BLE001 — a bug in one message must not stop the others
        log.exception("delivery %s failed unexpectedly", job.id)
        values = _failure(job, f"{type(error).__name__}: {error}", now, settings)
    else:
        values = {"status": DeliveryStatus.SENT, "attempts": job.attempts + 1, "delivered_at": clock(),
                  "last_error": None}
    return values | {"delivery_id": job.id}


def _record(results: list[dict], *, released: list[int], due: datetime) -> None:
    """Commit a batch's outcomes together (one UPDATE per kind of outcome, executemany) and free `released`.

    Per message, the UPDATE and commit cost as much as the send itself. The price: a sender killed
    mid-batch sends that batch's delivered messages again, with the same Message-ID.
    """
    table = Delivery.__table__
    statement = table.update().where(table.c.id == sa.bindparam("delivery_id"))
    by_columns: dict[frozenset, list[dict]] = {}
    for result in results:
        by_columns.setdefault(frozenset(result), []).append(result)
    for rows in by_columns.values():
        db.session.execute(statement, rows)
    if released:
        db.session.execute(table.update().where(table.c.id.in_(released)).values(next_attempt_at=due))
    db.session.commit()


def _send(job: _Job, settings: SendSettings, smtp: SmtpSession) -> None:
    if job.channel == Channel.EMAIL:
        message = build_email(job.notice, to=job.address, recipient_name=job.recipient_name,
                              sender=settings.smtp.sender, msg_id=job.message_id)
        smtp.send(message)
    elif job.channel == Channel.WEBHOOK:
        endpoint = job.endpoint
        if endpoint is None or not endpoint.is_active:
            raise DeliveryError("webhook endpoint removed or disabled")
        request = build_request(job.notice, url=endpoint.url, fmt=endpoint.format, secret=endpoint.secret)
        post(request, endpoint.format, settings.webhook_timeout, settings.webhook_allowed)
    else:
        raise DeliveryError(f"channel {job.channel} has no sender")


def retry_delay(attempts: int, retry_seconds: float) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8… times the base after the 1st, 2nd, 3rd… failure, capped."""
    return min(timedelta(seconds=retry_seconds * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass(frozen=True)
class Stalled:
    """Deliveries waiting longer than any running sender would leave them: nobody is sending."""

    count: int
    oldest: datetime
    mail_configured: bool


def stalled_deliveries(config, now: datetime | None = None) -> Stalled | None:
    """The deliveries waiting beyond the retry window (None when there are none), and whether a mail
    server was ever set: left at localhost, e-mail cannot leave this machine."""
    cutoff = (now or utcnow()) - retry_window(config)
    count, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(Delivery.created_at))
        .where(Delivery.status.in_(DUE_STATUSES), Delivery.created_at < cutoff)).one()
    if not count:
        return None
    return Stalled(count=count, oldest=oldest, mail_configured=config["SMTP_HOST"] not in ("", "localhost"))


def stalled_text(stalled: Stalled, now: datetime | None = None) -> str:
    """What the office, the admin and /readyz are told about a stalled outbox, and what to do."""
    hours = max(1, int(((now or utcnow()) - as_utc(stalled.oldest)).total_seconds() // 3600))
    text = _("%(count)s 条消息未能发出,最早一条已等待 %(hours)s 小时:提醒没有送到收件人。", count=stalled.count,
             hours=hours)
    if not stalled.mail_configured:
        return text + _("系统没有配置邮件服务器(TRACKER_SMTP_HOST 仍为 localhost),请管理员设置后运行发送进程"
                        "(tracker-outbox 服务,flask --app wsgi reminders deliver --loop)。")
    return text + _("请检查 tracker-outbox 服务(flask --app wsgi reminders deliver --loop)和邮件服务器。")


def retry_window(config) -> timedelta:
    """How long a delivery stays undelivered at most while senders run: every backoff before it is abandoned,
    one lease and one sender's interval. Older than this, no sender is running (or keeping up)."""
    settings = SendSettings.from_config(config)
    backoff = sum((retry_delay(attempt, settings.retry_seconds) for attempt in range(1, settings.max_attempts)),
                  timedelta())
    return backoff + settings.lease + timedelta(seconds=float(config["DELIVERY_INTERVAL_SECONDS"]))


def _failure(job: _Job, error: str, now: datetime, settings: SendSettings) -> dict:
    """The delivery's new columns after a failed attempt: retried later with backoff, or abandoned."""
    attempts = job.attempts + 1
    values = {"attempts": attempts, "last_error": error[:2000]}
    if attempts >= settings.max_attempts:
        return values | {"status": DeliveryStatus.ABANDONED}
    retry_at = now + retry_delay(attempts, settings.retry_seconds)
    return values | {"status": DeliveryStatus.FAILED, "next_attempt_at": retry_at}


# ---- the office's delivery log (投递记录) ------------------------------------------------------

def retry_delivery(delivery: Delivery, *, by=None, now: datetime | None = None) -> None:
    """Put a failed or abandoned delivery back in the queue, due now; the caller commits."""
    before = {"status": delivery.status, "attempts": delivery.attempts}
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now or utcnow()
    record("delivery.retry", delivery, by=by, before=before, after={"status": delivery.status},
           task_id=delivery.notification.task_id)
