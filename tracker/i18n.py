"""Locale and time zone for each request: Chinese unless the user chose English."""
from __future__ import annotations

from flask import current_app, has_request_context, session
from flask_login import current_user


def select_locale() -> str:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if current_user.is_authenticated and current_user.locale:
        return current_user.locale
    return session.get("locale", default)


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]
