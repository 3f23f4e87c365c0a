"""`flask --app wsgi doctor`: what would break a production start, each finding with what to do about it.

Checks the secret key (set, and at least 256 bits of randomness), the database (reachable, schema at
the code's head), the CJK font and WeasyPrint (a one-line Chinese PDF rendered in a child process),
the instance, evidence and report folders (writable, enough free space), the mail server when anyone
gets e-mail, and the scheduler's and the outbox's progress. Chinese by default, `--lang en` for English.
Exits 1 when anything is wrong, 0 otherwise (warnings included).

It is also installed as a `flask.commands` plugin (setup.cfg), so it runs where the app itself refuses
to start: a production configuration without TRACKER_SECRET_KEY is reported, not a traceback.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import smtplib
import string
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import ScriptInfo
from flask_babel import force_locale
from flask_babel import gettext as _

from tracker.auth.models import User
from tracker.config import DEFAULT_SECRET_KEY, MIN_SECRET_KEY_BITS, MissingSecretKey, secret_key_bits
from tracker.extensions import db
from tracker.ops.health import Check, check_database, check_migrations, check_outbox, check_scheduler
from tracker.reminders.channels.email import SmtpSettings, check_connection

PDF_PROBE_TIMEOUT = 120
def check_secret_key(missing: bool) -> Check:
    advice = _("用 python3 -c 'import secrets; print(secrets.token_hex(32))' 生成一个,写入 TRACKER_SECRET_KEY"
               "(deploy/tracker.env)。")
    if missing:
        return Check("secret_key", False, _("没有设置 TRACKER_SECRET_KEY,生产环境无法启动:") + advice)
    key = str(current_app.config.get("SECRET_KEY") or "")
    bits = secret_key_bits(key) if key != DEFAULT_SECRET_KEY else 0
    if bits < MIN_SECRET_KEY_BITS:
        # A key long enough but made of few characters loses its bits to compression: say what is wrong with it.
        repetitive = len(set(key)) < len(key) / 4
        reason = _("字符重复过多,不像随机生成的") if repetitive else \
            _("约 %(bits)d 位,至少需要 %(min)d 位(32 字节随机数)", bits=bits, min=MIN_SECRET_KEY_BITS)
        return Check("secret_key", False, _("TRACKER_SECRET_KEY 太弱(%(reason)s):", reason=reason) + advice)
    return Check("secret_key", True, _("密钥已设置,强度约 %(bits)d 位。", bits=bits))


def _normalised(name: str) -> str:
    return "".join(character for character in name.lower() if character.isalnum())


def chinese_font_families() -> list[str]:
    """The font families fontconfig offers for Chinese; OSError when fc-list cannot run."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60)
    except subprocess.SubprocessError as error:
        raise OSError(str(error)) from error
    return sorted({family.strip() for line in listed.stdout.splitlines() for family in line.split(",")
                   if family.strip()})


def check_cjk_font() -> Check:
    try:
        families = chinese_font_families()
    except OSError as error:
        return Check("font", False, _("无法运行 fc-list(%(error)s):请安装 fontconfig 和 fonts-noto-cjk。", error=error))
    if not families:
        return Check("font", False, _("系统里没有中文字体,PDF 通报中的汉字会显示为方框:请安装 fonts-noto-cjk"
                                      "(apt-get install fonts-noto-cjk)。"))
    return Check("font", True, _("找到 %(count)d 个中文字体(%(first)s 等)。", count=len(families), first=families[0]))


def check_pdf() -> Check:
    def failed(error: str) -> Check:
        return Check("pdf", False, _("WeasyPrint 无法生成 PDF(%(error)s):请安装它需要的库 "
                                     "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0。", error=error))

    try:
        finished = subprocess.run([sys.executable, "-m", "tracker.ops.pdfprobe"], capture_output=True, text=True,
                                  timeout=PDF_PROBE_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as error:
        return failed(str(error))
    if finished.returncode < 0:
        return Check("pdf", False, _("WeasyPrint 生成 PDF 时进程崩溃(信号 %(signal)d),没有任何字体时会这样:请安装 "
                                     "fonts-noto-cjk,以及 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0。",
                                     signal=-finished.returncode))
    try:
        result = json.loads(finished.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return failed(finished.stderr.strip()[-300:] or f"exit status {finished.returncode}")
    if "error" in result:
        return failed(result["error"])
    try:
        chinese = {_normalised(family) for family in chinese_font_families()}
    except OSError:
        chinese = set()
    fonts = result["fonts"]
    if not any(_normalised(font) in chinese for font in fonts):
        return Check("pdf", False, _("生成的 PDF 没有嵌入中文字体(只有 %(fonts)s):请安装 fonts-noto-cjk。",
                                     fonts=", ".join(fonts) or "-"))
    return Check("pdf", True, _("WeasyPrint 可以生成中文 PDF(字体 %(fonts)s)。", fonts=", ".join(fonts)))


def _folders(app: Flask) -> list[Path]:
    folders = [Path(app.instance_path), Path(app.config["EVIDENCE_FOLDER"]), Path(app.config["ARCHIVE_FOLDER"])]
    return list(dict.fromkeys(folder.resolve() for folder in folders))


def check_folder(folder: Path, min_free_mb: int) -> Check:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-") as probe:
            probe.write(b"ok")
            probe.flush()
        free_mb = shutil.disk_usage(folder).free / 2**20
    except OSError as error:
        return Check("storage", False, _("目录 %(path)s 无法写入(%(error)s):请让运行服务的用户拥有这个目录。",
                                         path=folder, error=error.strerror or error))
    if free_mb < min_free_mb:
        return Check("storage", False, _("目录 %(path)s 所在磁盘只剩 %(free)d MB,少于 %(min)d MB:请清理或扩容磁盘。",
                                         path=folder, free=free_mb, min=min_free_mb))
    return Check("storage", True, _("目录 %(path)s 可以写入,剩余 %(free)d MB。", path=folder, free=free_mb))


def check_mail() -> Check:
    recipients = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.is_active.is_(True), User.email.is_not(None), User.email != ""))
    if not recipients:
        return Check("mail", True, _("没有用户填写邮箱,不发邮件,不检查邮件服务器。"))
    config = current_app.config
    try:
        check_connection(SmtpSettings.from_config(config))
    except (smtplib.SMTPException, OSError, ValueError) as error:
        return Check("mail", False, _(
            "无法连接或登录邮件服务器 %(host)s:%(port)s(%(error)s),%(count)d 位用户的邮件提醒发不出去:"
            "请检查 TRACKER_SMTP_HOST、TRACKER_SMTP_PORT、TRACKER_SMTP_TLS 和账号密码。",
            host=config["SMTP_HOST"], port=config["SMTP_PORT"], error=error, count=recipients))
    return Check("mail", True, _("邮件服务器 %(host)s:%(port)s 可以连接。", host=config["SMTP_HOST"],
                                 port=config["SMTP_PORT"]))


def run_checks(app: Flask, secret_missing: bool = False) -> list[Check]:
    """Every check; those that read tables only once the schema is there."""
    checks = [check_secret_key(secret_missing), database := check_database()]
    schema = check_migrations() if database.ok else None
    checks += [schema] if schema else []
    checks += [check_cjk_font(), check_pdf()]
    checks += [check_folder(folder, int(app.config["MIN_FREE_DISK_MB"])) for folder in _folders(app)]
    if schema and schema.ok:
        checks += [check_mail(), check_scheduler(), check_outbox()]
    return checks


def labels() -> dict[str, str]:
    return {"secret_key": _("会话密钥"), "database": _("数据库"), "migrations": _("数据库结构"), "font": _("中文字体"),
            "pdf": _("PDF 生成"), "storage": _("存储目录"), "mail": _("邮件"), "scheduler": _("定时任务"),
            "outbox": _("发送队列")}


def format_check(check: Check) -> str:
    status = _("正常") if check.ok else _("注意") if check.warning else _("问题")
    return _("[%(status)s] %(label)s:%(message)s", status=status, label=labels().get(check.name, check.name),
             message=check.message)


@contextmanager
def _placeholder_secret():
    """Lets the app load to check the rest when production refuses it for want of a secret key."""
    saved = os.environ.get("TRACKER_SECRET_KEY")
    os.environ["TRACKER_SECRET_KEY"] = "doctor-placeholder-" + os.urandom(32).hex()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TRACKER_SECRET_KEY", None)
        else:
            os.environ["TRACKER_SECRET_KEY"] = saved


def load_app(info: ScriptInfo) -> tuple[Flask, bool]:
    """The app `--app` names, and whether it had to be loaded without its (missing) secret key."""
    try:
        return info.load_app(), False
    except MissingSecretKey:
        with _placeholder_secret():
            return info.load_app(), True


@click.command("doctor", help="检查生产环境能否启动,并说明如何修正 / Check what would break a production start.")
@click.option("--lang", type=click.Choice(["zh_CN", "en"]), help="language of the findings (default: zh_CN)")
@click.pass_context
def doctor_command(ctx: click.Context, lang: str | None):
    app, secret_missing = load_app(ctx.ensure_object(ScriptInfo))
    with app.app_context(), force_locale(lang or app.config["BABEL_DEFAULT_LOCALE"]):
        checks = run_checks(app, secret_missing)
        for check in checks:
            click.echo(format_check(check))
        problems = sum(not check.ok and not check.warning for check in checks)
        if problems:
            click.echo(_("发现 %(count)d 个问题:请按上面的提示处理后再启动。", count=problems))
        else:
            click.echo(_("检查通过,可以启动。"))
        db.session.remove()
    ctx.exit(1 if problems else 0)
