"""`flask doctor`: each problem that breaks a production start is planted, found and explained; exit 1 when any is."""
from __future__ import annotations

import hashlib

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from flask_migrate import stamp

from tests.conftest import _test_config
from tests.ops.conftest import PREVIOUS_REVISION
from tests.reminders.outbox_support import SmtpSink
from tracker import create_app
from tracker.bench.mailsink import free_port
from tracker.config import MIN_SECRET_KEY_BITS, PROJECT_ROOT, secret_key_bits
from tracker.core.clock import utcnow
from tracker.extensions import db as _db
from tracker.ops.doctor import doctor_command
from tracker.reminders.models import Heartbeat
from tracker.reminders.scheduler import SCHEDULER

STRONG_KEY = hashlib.sha256(b"a key as random as secrets.token_hex(32) gives").hexdigest()


def run_doctor(factory, *args: str):
    """`flask --app … doctor ARGS` as the flask command runs it, with `factory` as the app `--app` names."""
    return CliRunner().invoke(doctor_command, list(args), obj=ScriptInfo(create_app=factory))


def lines(result, label: str) -> list[str]:
    return [line for line in result.output.splitlines() if label in line]


@pytest.fixture
def healthy(app, stamped, make):
    """A set-up with nothing wrong: schema at head, a strong key, a scheduler that just swept."""
    app.config["SECRET_KEY"] = STRONG_KEY
    _db.session.add(Heartbeat(name=SCHEDULER, beat_at=utcnow(), host="app1", pid=1, last_seconds=0.2,
                              last_created={}, created_total={}))
    _db.session.commit()
    return app


def test_a_healthy_set_up_passes_every_check(healthy):
    result = run_doctor(lambda: healthy)
    assert result.exit_code == 0, result.output
    assert "[问题]" not in result.output and "检查通过" in result.output
    for label in ("会话密钥", "数据库", "数据库结构", "中文字体", "PDF 生成", "存储目录", "邮件", "定时任务"):
        assert lines(result, f"[正常] {label}:"), label


def test_findings_in_english_with_lang_en(healthy):
    result = run_doctor(lambda: healthy, "--lang", "en")
    assert result.exit_code == 0
    assert "[OK] Database: the database can be reached" in result.output
    assert "All checks passed" in result.output


def test_production_without_a_secret_key_is_reported_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    result = run_doctor(lambda: create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}))
    assert result.exit_code == 1
    assert lines(result, "[问题] 会话密钥:没有设置 TRACKER_SECRET_KEY")
    assert lines(result, "[正常] 数据库:"), "the other checks still ran"


def test_the_flask_command_finds_doctor_where_production_refuses_to_load_the_app(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    env |= {"TRACKER_ENV": "production", "TRACKER_INSTANCE_PATH": str(tmp_path),
            "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.sqlite'}"}
    finished = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "doctor", "--lang", "en"],
                              cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 1, finished.stderr
    assert "[Issue] Secret key: TRACKER_SECRET_KEY is not set, production cannot start" in finished.stdout
    assert "[Issue] Schema: the database has no tables yet" in finished.stdout
    assert "Traceback" not in finished.stderr


@pytest.mark.parametrize("key, reason", [("change-me-please", "至少需要 256 位"), ("ab" * 40, "字符重复过多")])
def test_a_weak_secret_key_is_refused_with_how_to_make_one(healthy, key, reason):
    healthy.config["SECRET_KEY"] = key
    result = run_doctor(lambda: healthy)
    assert result.exit_code == 1
    [line] = lines(result, "[问题] 会话密钥:")
    assert reason in line and "secrets.token_hex(32)" in line


def test_random_keys_of_32_bytes_are_strong_enough():
    import secrets

    for key in (secrets.token_hex(32), secrets.token_urlsafe(32)):
        assert secret_key_bits(key) >= MIN_SECRET_KEY_BITS, key


def test_an_unreachable_database_is_named_with_what_to_check(engine_name, tmp_path, healthy):
    url = (f"postgresql://postgres@127.0.0.1:{free_port()}/tracker" if engine_name == "postgresql"
           else f"sqlite:///{tmp_path / 'no-such-folder' / 'tracker.sqlite'}")
    broken = create_app(_test_config(url, tmp_path) | {"SECRET_KEY": STRONG_KEY})
    result = run_doctor(lambda: broken)
    assert result.exit_code == 1
    [line] = lines(result, "[问题] 数据库:无法连接数据库")
    assert "TRACKER_DATABASE_URL" in line
    assert not lines(result, "数据库结构"), "nothing is asked of a database that does not answer"
    with broken.app_context():
        _db.engine.dispose()


def test_a_database_not_migrated_or_behind_asks_for_db_upgrade(app, healthy):
    with _db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
    result = run_doctor(lambda: app)
    assert result.exit_code == 1
    assert lines(result, "[问题] 数据库结构:数据库还没有表结构")
    stamp(revision=PREVIOUS_REVISION)
    result = run_doctor(lambda: app)
    [line] = lines(result, "[问题] 数据库结构:")
    assert f"数据库结构版本是 {PREVIOUS_REVISION}" in line and "flask --app wsgi db upgrade" in line


def test_without_a_chinese_font_both_the_font_and_the_pdf_are_reported(healthy, monkeypatch, tmp_path):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    result = run_doctor(lambda: healthy)
    assert result.exit_code == 1
    assert lines(result, "[问题] 中文字体:系统里没有中文字体") and "fonts-noto-cjk" in result.output
    [line] = lines(result, "[问题] PDF 生成:")  # Pango without a single font crashes: the child process dies
    assert "fonts-noto-cjk" in line


def test_weasyprint_whose_libraries_do_not_load_is_reported(healthy, monkeypatch, tmp_path):
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    # What WeasyPrint raises on import when Pango is not installed.
    (shadow / "weasyprint.py").write_text(
        "raise OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file\")")
    monkeypatch.setenv("PYTHONPATH", str(shadow))
    result = run_doctor(lambda: healthy)
    assert result.exit_code == 1
    [line] = lines(result, "[问题] PDF 生成:WeasyPrint 无法生成 PDF")
    assert "libpango-1.0-0" in line and "libharfbuzz-subset0" in line


def test_a_folder_that_cannot_be_written_or_a_full_disk_is_reported(healthy, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    healthy.config["EVIDENCE_FOLDER"] = str(blocker / "evidence")
    result = run_doctor(lambda: healthy)
    assert result.exit_code == 1
    assert lines(result, f"[问题] 存储目录:目录 {blocker / 'evidence'} 无法写入")
    healthy.config["EVIDENCE_FOLDER"] = str(tmp_path / "evidence")
    healthy.config["MIN_FREE_DISK_MB"] = 10**12
    result = run_doctor(lambda: healthy)
    assert result.exit_code == 1
    assert lines(result, "[问题] 存储目录:") and "请清理或扩容磁盘" in result.output


def test_the_mail_server_is_checked_once_anyone_gets_e_mail(healthy, make):
    result = run_doctor(lambda: healthy)
    assert lines(result, "[正常] 邮件:没有用户填写邮箱")
    make.liaison(make.department(), email="kj@example.gov.cn")
    healthy.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TIMEOUT_SECONDS=2)
    result = run_doctor(lambda: healthy)
    assert result.exit_code == 1
    [line] = lines(result, "[问题] 邮件:无法连接或登录邮件服务器 127.0.0.1")
    assert "1 位用户" in line and "TRACKER_SMTP_HOST" in line
    with SmtpSink() as sink:
        healthy.config["SMTP_PORT"] = sink.port
        result = run_doctor(lambda: healthy)
    assert result.exit_code == 0 and lines(result, "[正常] 邮件:邮件服务器 127.0.0.1")


def test_a_scheduler_that_stopped_is_a_problem_one_never_started_a_warning(healthy):
    beat = _db.session.get(Heartbeat, SCHEDULER)
    beat.beat_at = utcnow() - timedelta(minutes=95)
    _db.session.commit()
    result = run_doctor(lambda: healthy)
    assert result.exit_code == 1
    [line] = lines(result, "[问题] 定时任务:")
    assert "95 分钟前" in line and "超过 30 分钟" in line and "journalctl -u tracker-scheduler" in line
    _db.session.delete(beat)
    _db.session.commit()
    result = run_doctor(lambda: healthy)
    assert result.exit_code == 0, "not started yet does not stop a first start"
    assert lines(result, "[注意] 定时任务:定时任务进程还没有运行过")
