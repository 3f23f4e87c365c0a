"""Operations behind the channel pages: preferences, webhook endpoints, test messages. The caller commits."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from tracker.audit.services import record, record_diff, snapshot
from tracker.extensions import db
from tracker.reminders.channels import DeliveryError, Notice
from tracker.reminders.channels.destinations import AllowList, RefusedDestination, resolve
from tracker.reminders.channels.webhook import build_request, post
from tracker.reminders.models import WebhookEndpoint, WebhookFormat

WEBHOOK_FIELDS = ("name", "department_id", "url", "format", "is_active")


def save_preferences(user, *, email: bool, email_min_level: int, by) -> None:
    """A user's channels (通知方式): the inbox is always on; e-mail on/off and from which level."""
    before = dict(user.channel_preferences or {})
    # A new dict, so the JSON column sees the change.
    user.channel_preferences = {**before, "email": bool(email), "email_min_level": int(email_min_level)}
    record_diff("user.channel_preferences", user, before, user.channel_preferences, by=by)


def masked_secret(secret: str | None) -> str:
    """Enough of a DingTalk secret to recognise it, never enough to use it."""
    if not secret:
        return ""
    return f"{secret[:3]}…{secret[-2:]}" if len(secret) > 8 else "…"


def _audit_view(endpoint: WebhookEndpoint) -> dict:
    # The secret itself never goes into the audit log: only whether there is one and its mask.
    return snapshot(endpoint, WEBHOOK_FIELDS) | {"secret": masked_secret(endpoint.secret)}


def allowed_destinations() -> AllowList:
    return AllowList.from_setting(current_app.config["WEBHOOK_ALLOWED_HOSTS"])


def check_webhook_url(url: str) -> None:
    """RefusedDestination when `url` leads to this machine or the intranet (and is not allowed): said at
    once on the form. A name that does not resolve today passes: each delivery checks again."""
    try:
        resolve(url.strip(), allowed_destinations())
    except DeliveryError as error:
        if isinstance(error, RefusedDestination):
            raise


def save_webhook(endpoint: WebhookEndpoint | None, *, name: str, department_id: int | None, url: str,
                 fmt: WebhookFormat, secret: str | None, clear_secret: bool, is_active: bool, by) -> WebhookEndpoint:
    check_webhook_url(url)
    before = _audit_view(endpoint) if endpoint is not None else {}
    if endpoint is None:
        endpoint = WebhookEndpoint()
        db.session.add(endpoint)
    endpoint.name = name.strip()
    endpoint.department_id = department_id or None
    endpoint.url = url.strip()
    endpoint.format = fmt
    endpoint.is_active = is_active
    if clear_secret:
        endpoint.secret = None
    elif secret:
        endpoint.secret = secret.strip()
    db.session.flush()
    record_diff("webhook.save", endpoint, before, _audit_view(endpoint), by=by)
    return endpoint


def send_test_message(endpoint: WebhookEndpoint, *, by) -> None:
    """Post a test message now (not through the outbox); raises DeliveryError (RefusedDestination for an
    address that is not public). Its text may hold the remote answer: for the server's log, not the page."""
    config = current_app.config
    notice = Notice(
        key=f"test-webhook-{endpoint.id}",
        title=_("测试消息"),
        body=_("这是督查督办系统发送的测试消息,收到即表示“%(name)s”配置正确。", name=endpoint.name),
        url=config["BASE_URL"],
    )
    record("webhook.test", endpoint, by=by)
    request = build_request(notice, url=endpoint.url, fmt=endpoint.format, secret=endpoint.secret)
    post(request, endpoint.format, float(config["WEBHOOK_TIMEOUT_SECONDS"]), allowed_destinations())
