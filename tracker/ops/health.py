"""The checks /readyz and `flask doctor` share: database reachable, schema at head, scheduler alive, outbox moving.

Each returns a Check whose message says, in the request's or the command's language, what was found
and, when something is wrong, what to do about it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from tracker.core.clock import to_local, utcnow
from tracker.extensions import db
from tracker.ops.revisions import database_revisions, head_revisions, known_revision
from tracker.reminders.models import Heartbeat
from tracker.reminders.outbox import stalled_deliveries, stalled_text
from tracker.reminders.scheduler import SCHEDULER


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str
    # A problem that does not stop a start (the scheduler not started yet): doctor still exits 0.
    warning: bool = False


def _error_text(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__


def check_database() -> Check:
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except (sa.exc.SQLAlchemyError, OSError) as error:
        return Check("database", False, _("无法连接数据库 %(url)s:%(error)s。请检查 TRACKER_DATABASE_URL,以及数据库服务是否运行、"
                                          "账号能否登录。", url=url, error=_error_text(error)))
    return Check("database", True, _("数据库可以连接(%(url)s)。", url=url))


def check_migrations() -> Check:
    heads = head_revisions()
    with db.engine.connect() as connection:
        current = database_revisions(connection)
    if current == heads:
        return Check("migrations", True, _("数据库结构是最新版本(%(revision)s)。", revision=", ".join(heads)))
    if not current:
        message = _("数据库还没有表结构(没有迁移版本记录):请运行 flask --app wsgi db upgrade。")
    elif all(known_revision(revision) for revision in current):
        message = _("数据库结构版本是 %(current)s,程序需要 %(head)s:请运行 flask --app wsgi db upgrade。",
                    current=", ".join(current), head=", ".join(heads))
    else:
        message = _("数据库结构版本 %(current)s 不在本程序的迁移中(数据库来自更新的版本?):请部署与数据库一致的程序版本。",
                    current=", ".join(current))
    return Check("migrations", False, message)


def scheduler_limit() -> timedelta:
    """A heartbeat older than two sweep intervals: at least one sweep was missed."""
    return timedelta(minutes=2 * float(current_app.config["SWEEP_INTERVAL_MINUTES"]))


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def check_scheduler(now: datetime | None = None) -> Check:
    now = now or utcnow()
    beat = db.session.get(Heartbeat, SCHEDULER)
    if beat is None:
        return Check("scheduler", False, _("定时任务进程还没有运行过:提醒不会发出。请启动 tracker-scheduler 服务"
                                           "(flask --app wsgi scheduler run)。"), warning=True)
    age, limit = now - beat.beat_at, scheduler_limit()
    when = to_local(beat.beat_at).strftime("%Y-%m-%d %H:%M")
    if age > limit:
        return Check("scheduler", False, _(
            "定时任务进程最近一次心跳在 %(minutes)d 分钟前(%(when)s,%(host)s),超过 %(limit)d 分钟:提醒已停止。"
            "请检查 tracker-scheduler 服务及其日志(journalctl -u tracker-scheduler)。",
            minutes=_minutes(age), when=when, host=beat.host, limit=_minutes(limit)))
    return Check("scheduler", True, _("定时任务进程在运行(最近一次心跳 %(when)s,%(host)s)。", when=when, host=beat.host))


def check_outbox(now: datetime | None = None) -> Check:
    stalled = stalled_deliveries(current_app.config, now)
    if stalled is not None:
        return Check("outbox", False, stalled_text(stalled, now))
    return Check("outbox", True, _("待发送消息都在重试时限之内。"))


def readiness(now: datetime | None = None) -> list[Check]:
    """/readyz: each check only once the one before it passed (the tables are read only at the code's schema)."""
    checks = [check_database()]
    for check in (check_migrations, lambda: check_scheduler(now), lambda: check_outbox(now)):
        if not checks[-1].ok and not checks[-1].warning:
            break
        checks.append(check())
    return checks
