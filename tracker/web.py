"""What every page shares: security headers, error pages, template filters and globals."""
from __future__ import annotations

from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Flask, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from tracker.core.clock import to_local
from tracker.core.database import MAX_ID
from tracker.core.errors import error_messages
from tracker.core.workdays import due_label, holiday_name
from tracker.i18n import format_day
from tracker.text import amount
from tracker.tasks.lights import reason_text
from tracker.tasks.permissions import Action, can

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def ids_in_range(_endpoint, values):
    """An <int:…> id larger than a database integer holds names nothing: 404, not a query the database
    refuses (PostgreSQL: "integer out of range"). Checked after matching, not by the converter: a
    converter's refusal makes Werkzeug answer 405 for a path another method's rule matched."""
    if values and any(isinstance(value, int) and value > MAX_ID for value in values.values()):
        abort(404)


class NumberOutOfRange(BadRequest):
    """A number or text the database cannot hold reached a query (a backstop behind the bounded parsers)."""


def refuse_nul_characters():
    """No browser sends a NUL character, and PostgreSQL cannot store one in text: a forged form or query
    holding one is refused before any view reads it, with a message, rather than failing half-saved. The
    API checks its own input and names the field at fault, as openapi.json says."""
    if wants_json():
        return
    texts = [*request.values.keys(), *(value for values in request.values.listvalues() for value in values),
             *(upload.filename or "" for upload in request.files.values())]
    if any("\x00" in text for text in texts):
        abort(400, description=_("提交的内容含有不可见的控制字符(NUL),未保存。请删除后重新提交。"))


def install_web_hooks(app: Flask) -> None:
    app.url_value_preprocessor(ids_in_range)
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)
    app.register_error_handler(HTTPException, render_http_error)
    app.register_error_handler(RequestEntityTooLarge, refuse_large_body)
    app.register_error_handler(DataError, render_data_error)
    app.register_error_handler(CSRFError, render_csrf_error)
    app.register_error_handler(StaleDataError, render_stale_write)
    app.add_template_filter(format_local_datetime, "localtime")
    app.add_template_filter(format_day, "localdate")
    app.add_template_filter(reason_text, "light_reason")
    app.add_template_filter(amount, "amount")  # 300亿元, not 30000000000元  # a stored light reason in the reader's language
    app.add_template_filter(holiday_filter, "holiday")
    app.add_template_filter(due_label, "duedate")  # "2025-10-01(国庆节)" on a holiday, the plain date otherwise
    app.context_processor(page_globals)


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static":
        # Pages and files behind a login: no browser or proxy keeps a copy for the next user of the machine.
        response.headers["Cache-Control"] = "no-store"
    if current_app.config.get("HSTS_SECONDS"):
        response.headers.setdefault("Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}")
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_http_error(error: HTTPException):
    if (error.code or 500) >= 500:
        # The request may have died inside a failed transaction (PostgreSQL then refuses every statement
        # until a rollback): the error page reads the user's unread count, so roll back first.
        from tracker.extensions import db

        db.session.rollback()
    # A description of our own (abort(400, description=_("…"))) says more than the generic message.
    own = error.description if error.description != type(error).description else None
    message = own or error_messages().get(error.code or 500, error.description)
    # The error's own headers say what to do next: Allow on a 405, WWW-Authenticate on a 401.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if wants_json():
        return jsonify(error=error.name, message=message), error.code, headers
    return render_template("error.html", code=error.code, message=message), error.code, headers


def refuse_large_body(error: RequestEntityTooLarge):
    """A form sent with more than the server takes goes back to the page it came from, saying the limit;
    the browser kept what was typed (static/js/app.js) and puts it back on seeing ?refused=too-large."""
    back = urlsplit(request.referrer or "")
    if wants_json() or back.netloc != request.host:
        return render_http_error(error)
    flash(_("上传的内容超过了系统每次接收的 %(body)s MB,没有保存。您填写的文字已放回表单;请分几次上传文件,"
            "每次合计不超过 %(total)s MB,单个文件不超过 %(file)s MB。", body=_megabytes("MAX_CONTENT_LENGTH"),
            total=_megabytes("EVIDENCE_UPLOAD_MAX_BYTES"), file=_megabytes("EVIDENCE_MAX_BYTES")), "error")
    query = urlencode([*((k, v) for k, v in parse_qsl(back.query) if k != "refused"), ("refused", "too-large")])
    return redirect(back._replace(scheme="", netloc="", query=query).geturl(), 303)


def _megabytes(setting: str) -> int:
    return round(current_app.config[setting] / 1024 / 1024)


def render_data_error(error: DataError):
    from tracker.extensions import db

    db.session.rollback()
    return render_http_error(NumberOutOfRange(_("提交的数字或文字超出了系统能保存的范围,未保存。")))


def render_csrf_error(error: CSRFError):
    message = _("表单已过期或缺少安全令牌,请刷新页面后重新提交。")
    return render_template("error.html", code=400, message=message), 400


def render_stale_write(error: StaleDataError):
    from tracker.extensions import db

    db.session.rollback()
    if wants_json():
        return jsonify(error="Conflict", message=error_messages()[409]), 409
    flash(error_messages()[409], "error")
    return redirect(request.referrer or "/"), 303


def format_local_datetime(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return "" if moment is None else to_local(moment).strftime(pattern)


def holiday_filter(day: date | None) -> str:
    """`{{ period.due_on|holiday }}`: the holiday a date falls on ("国庆节"), or ""."""
    return (holiday_name(day) or "") if day else ""


def navigation() -> list[tuple[str, str, object]]:
    """(endpoint, label, the Action its page requires, None for every user) of the main menu; an entry
    shows once its endpoint exists and to whom tracker.tasks.permissions allows it."""
    return [
        ("plans.index", _("方案"), Action.MANAGE_PLANS),
        ("tasks.index", _("事项"), None),
        ("tasks.review_queue", _("待审核"), Action.VIEW_REVIEW_QUEUE),
        ("supervision.index", _("督查督办"), None),
        ("reports.index", _("督查通报"), Action.READ_REPORTS),
        ("reminders.policies", _("提醒规则"), Action.MANAGE_PLANS),
        ("admin.departments", _("单位"), Action.ADMINISTER),
        ("admin.users", _("用户"), Action.ADMINISTER),
        ("admin.calendar", _("节假日"), Action.ADMINISTER),
    ]


def nav_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    return [
        {"url": url_for(endpoint), "label": label, "endpoint": endpoint}
        for endpoint, label, action in navigation()
        if endpoint in current_app.view_functions and (action is None or can(current_user, action))
    ]


def outbox_alarm() -> str | None:
    """For the office and the admin, on every page: messages nobody is sending (None when all is well)."""
    from tracker.auth.models import Role
    from tracker.reminders.outbox import stalled_deliveries, stalled_text

    if not current_user.is_authenticated or not current_user.has_role(Role.OFFICE, Role.ADMIN):
        return None
    stalled = stalled_deliveries(current_app.config)
    return stalled_text(stalled) if stalled is not None else None


def page_globals() -> dict:
    from tracker.reminders.inbox import badge, unread_count

    return {"unread_notifications": unread_count, "unread_badge": badge, "nav_items": nav_items,
            "get_locale": get_locale, "outbox_alarm": outbox_alarm}
