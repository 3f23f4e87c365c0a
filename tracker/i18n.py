"""Locale and time zone for each request: Chinese unless the user chose English; and dates written as the
reader's language writes them."""
from __future__ import annotations

from datetime import date

from flask import current_app, has_request_context, session
from flask_babel import format_date, get_locale
from flask_login import current_user


def _chinese() -> bool:
    return str(get_locale() or "zh").startswith("zh")


def format_day(day: date | None) -> str:
    """A date in a page or a list: 2026-11-25 in Chinese (as the forms take it), Nov 25, 2026 in English."""
    if day is None:
        return ""
    return day.isoformat() if _chinese() else format_date(day, "medium")


def format_day_long(day: date | None) -> str:
    """A date as a document is dated: 2026年11月25日 in Chinese, November 25, 2026 in English."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日" if _chinese() else format_date(day, "long")


def select_locale() -> str:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if current_user.is_authenticated and current_user.locale:
        return current_user.locale
    return session.get("locale", default)


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]
