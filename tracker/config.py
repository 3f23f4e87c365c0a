"""Configuration classes; the factory layers instance/config.py and TRACKER_* variables on top."""
from __future__ import annotations

import math
import zlib
from pathlib import Path

# The checkout: templates, static files, migrations, samples and instance/ are found from here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_SECRET_KEY = "change-me"


class MissingSecretKey(RuntimeError):
    """Production without a strong TRACKER_SECRET_KEY: the factory refuses; `flask doctor` reports it and checks
    the rest."""


# 32 bytes: what `secrets.token_hex(32)` gives, and more than anyone can guess a signed cookie's key from.
MIN_SECRET_KEY_BITS = 256
_ALPHABETS = ("0123456789", "0123456789abcdef", "0123456789abcdefABCDEF",
              "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_+/=")


def secret_key_bits(key: str) -> float:
    """A cautious estimate of a key's entropy: its length times the bits of the smallest usual alphabet it
    fits, but no more than it still holds once compressed (a repeated word compresses to almost nothing)."""
    size = next((len(a) for a in _ALPHABETS if set(key) <= set(a)), 256 if not key.isascii() else 95)
    by_alphabet = len(key) * math.log2(size)
    compressed = 8 * max(len(zlib.compress(key.encode(), 9)) - 8, 0)
    return min(by_alphabet, compressed)


class Config:
    PRODUCTION = False
    SECRET_KEY = DEFAULT_SECRET_KEY
    # None means "SQLite file in instance/": the factory fills it in once it knows the instance path.
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    TIMEZONE = "Asia/Shanghai"

    # A sign-in lasts a working day (hours), then the user signs in again.
    SESSION_HOURS = 10
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    # The limits an evidence form states and the browser checks before sending: one file, and the files
    # of one save together. Whole request bodies above MAX_CONTENT_LENGTH (those files and the form's
    # text, 20,000 characters a field) are refused before anything is read: 413, and the form comes back.
    EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    EVIDENCE_UPLOAD_MAX_BYTES = 24 * 1024 * 1024
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    EVIDENCE_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "txt", "zip", "ofd")

    # Failed logins per window: for one account from one address, then for one account from anywhere
    # (both refuse until the window ends), and from one address for all accounts (beyond it, one attempt
    # per LOGIN_ADDRESS_SPACING_SECONDS: an office behind one proxy slows down, it is not locked out).
    LOGIN_ATTEMPT_LIMIT = 10
    LOGIN_ACCOUNT_LIMIT = 30
    LOGIN_ADDRESS_LIMIT = 200
    LOGIN_ADDRESS_SPACING_SECONDS = 2
    LOGIN_ATTEMPT_WINDOW_SECONDS = 60

    SMTP_HOST = "localhost"
    SMTP_PORT = 25
    SMTP_TLS = "none"  # "starttls", "ssl" (implicit TLS, usually port 465) or "none"
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_TIMEOUT_SECONDS = 10
    MAIL_SENDER = "督查督办系统 <tracker@localhost>"
    WEBHOOK_TIMEOUT_SECONDS = 10
    # Webhooks go to public addresses only; an intranet robot gateway is let through by name or network
    # here, e.g. "robot.intranet.gov.cn, 10.20.0.0/16".
    WEBHOOK_ALLOWED_HOSTS = ""
    # Absolute links in e-mails and webhook messages; its host also names the Message-ID domain.
    BASE_URL = "http://localhost:5000"
    # The outbox (发送队列): parallel senders, retries with exponential backoff, then abandoned.
    DELIVERY_WORKERS = 4
    DELIVERY_MAX_ATTEMPTS = 6
    DELIVERY_RETRY_SECONDS = 60
    # SQLite has no row locks: a claimed delivery is hidden from other senders this long, and a
    # sender killed mid-send leaves it to be resent once this has passed.
    DELIVERY_LEASE_SECONDS = 120
    # Deliveries a sender claims, and records as sent, at once: claiming and recording each one alone
    # cost as much as sending it. A sender killed mid-batch sends up to this many again (same Message-ID).
    DELIVERY_BATCH = 50
    # Seconds between passes of the outbox sender process (`flask reminders deliver --loop`).
    DELIVERY_INTERVAL_SECONDS = 60

    # The scheduler's reminder sweep (Asia/Shanghai): how often, and from which hour of a working day.
    SWEEP_INTERVAL_MINUTES = 15
    REMINDERS_FROM_HOUR = 8
    ISSUING_OFFICE = "联席会议办公室"
    PAGE_SIZE = 50

    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (deploy/: nginx, 1).
    # 0 trusts none: a client could otherwise claim any address and escape the login throttle.
    PROXY_COUNT = 0
    # /metrics answers loopback, or anyone sending `Authorization: Bearer <METRICS_TOKEN>`.
    METRICS_TOKEN: str | None = None
    # "text" or "json": one log line per request, with its request id, duration and user id.
    LOG_FORMAT = "text"
    # `flask doctor` wants this much free space where evidence and archived reports are written.
    MIN_FREE_DISK_MB = 1024


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    # Keep a test's password hashing fast; production uses werkzeug's default (scrypt).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # The channel tests deliver to HTTP servers of their own on loopback.
    WEBHOOK_ALLOWED_HOSTS = "127.0.0.1/32"


class ProductionConfig(Config):
    # A strong secret key is required and every answer tells the browser to come back over HTTPS only.
    PRODUCTION = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = 365 * 24 * 3600


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestConfig,
    "production": ProductionConfig,
}
