"""External channels (外部通道) a notice is delivered on: e-mail and webhooks (JSON, 企业微信, 钉钉).

Senders work on a plain `Notice`, not on ORM rows, so they run in any thread and can send a test
message that is not in the database.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from urllib.parse import urljoin


class DeliveryError(Exception):
    """The channel refused or did not answer; the message is kept in last_error and retried."""


@dataclass(frozen=True)
class Notice:
    """What a channel needs to say about one notification (通知)."""

    key: str  # idempotency key, the same on every retry: "notification-<id>"
    title: str
    body: str
    url: str | None
    notification_id: int | None = None
    task_id: int | None = None
    period_id: int | None = None
    department_id: int | None = None
    due_on: date | None = None
    workdays_late: int = 0
    escalation_level: int = 0
    target: str | None = None
    created_at: datetime | None = None

    def as_json(self) -> dict:
        data = asdict(self)
        del data["key"]
        data["id"] = data.pop("notification_id")
        for name in ("due_on", "created_at"):
            data[name] = data[name].isoformat() if data[name] else None
        return data


def idempotency_key(notification_id: int) -> str:
    return f"notification-{notification_id}"


def notice_from(notification, base_url: str) -> Notice:
    """`notification`: a Notification, or a row of the columns named here (the outbox reads no objects)."""
    return Notice(
        key=idempotency_key(notification.id),
        title=notification.title,
        body=notification.body,
        url=absolute_url(base_url, notification.link),
        notification_id=notification.id,
        task_id=notification.task_id,
        period_id=notification.period_id,
        department_id=notification.department_id,
        due_on=notification.due_on,
        workdays_late=notification.workdays_late,
        escalation_level=notification.escalation_level,
        target=str(notification.target) if notification.target else None,
        created_at=notification.created_at,
    )


def absolute_url(base_url: str, link: str | None) -> str | None:
    if not link:
        return None
    return urljoin(base_url.rstrip("/") + "/", link.lstrip("/"))
