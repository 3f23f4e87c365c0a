"""deploy/ and the app cannot drift apart: what nginx, systemd and gunicorn are told matches what the app is."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from flask.cli import FlaskGroup, ScriptInfo
from gunicorn.app.base import Application

from tracker import create_app
from tracker.config import PROJECT_ROOT, Config

DEPLOY = PROJECT_ROOT / "deploy"
NGINX = (DEPLOY / "nginx" / "tracker.conf").read_text()
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
INSTALL_ROOT = "/srv/tracker"


def _nginx_size(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", text).groups()
    return int(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit.lower()]


def test_nginx_refuses_bodies_above_exactly_the_apps_limit():
    sizes = re.findall(r"^\s*client_max_body_size\s+(\S+);", NGINX, re.M)
    assert [_nginx_size(size) for size in sizes] == [Config.MAX_CONTENT_LENGTH]


def test_nginx_serves_the_repositorys_static_folder_where_the_app_links_it():
    app = create_app({"DATABASE_URL": "sqlite://"})
    [(location, alias)] = re.findall(r"location\s+(\S+)\s*\{\s*alias\s+(\S+);", NGINX)
    assert location == app.static_url_path + "/"
    assert Path(alias.rstrip("/")).relative_to(INSTALL_ROOT) == Path(app.static_folder).relative_to(PROJECT_ROOT)


def test_nginx_passes_the_client_address_scheme_and_host_to_the_one_proxy_the_app_trusts():
    headers = dict(re.findall(r"proxy_set_header\s+(\S+)\s+(\S+);", NGINX))
    assert headers["X-Forwarded-For"] == "$remote_addr"  # one hop: the value the app trusts is nginx's own
    assert headers["X-Forwarded-Proto"] == "$scheme" and headers["X-Forwarded-Host"] == "$host"
    assert re.search(r"listen 443 ssl\b", NGINX) and "ssl_certificate " in NGINX
    env = dict(line.split("=", 1) for line in (DEPLOY / "tracker.env.example").read_text().splitlines()
               if line and not line.startswith("#"))
    assert env["TRACKER_PROXY_COUNT"] == "1" and env["TRACKER_ENV"] == "production"


def _exec_start(unit: Path) -> list[str]:
    [line] = re.findall(r"^ExecStart=(.+)$", unit.read_text(), re.M)
    return shlex.split(line)


def _command(group: click.Group, info: ScriptInfo, words: list[str]) -> click.Command:
    """The command `flask --app wsgi WORDS` runs, its options parsed: click raises on an unknown one."""
    context, command = group.make_context("flask", ["--app", "wsgi"], obj=info), group
    for position, word in enumerate(words):
        command = command.get_command(context, word)
        assert command is not None, f"no `flask {' '.join(words[:position + 1])}`"
        if not isinstance(command, click.Group):
            command.make_context(word, words[position + 1:], parent=context)
            return command
        context = click.Context(command, parent=context, info_name=word)
    raise AssertionError(f"`flask {' '.join(words)}` names a group, not a command")


def test_every_unit_starts_a_command_the_app_has_with_options_it_accepts():
    app = create_app({"DATABASE_URL": "sqlite://"})
    group, info = FlaskGroup(create_app=lambda: app), ScriptInfo(create_app=lambda: app)
    programs = set()
    for unit in UNITS:
        program, *args = _exec_start(unit)
        assert program.startswith(f"{INSTALL_ROOT}/.venv/bin/"), unit.name
        programs.add(Path(program).name)
        if Path(program).name == "gunicorn":
            assert (PROJECT_ROOT / args[args.index("-c") + 1]).is_file() and args[-1] == "wsgi:app"
        else:
            assert Path(program).name == "flask" and args[:2] == ["--app", "wsgi"], unit.name
            _command(group, info, args[2:])
    assert programs == {"gunicorn", "flask"}
    assert {unit.stem for unit in UNITS} == {"tracker-web", "tracker-scheduler", "tracker-outbox"}


class _Loaded(Application):
    def __init__(self, path: Path):
        self.path = path
        super().__init__()

    def init(self, parser, opts, args):
        return None

    def load_config(self):
        self.load_config_from_file(str(self.path))

    def load(self):
        return None


def test_gunicorn_configuration_loads_and_gathers_every_workers_metrics(tmp_path, monkeypatch):
    metrics_dir = tmp_path / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    loaded = _Loaded(DEPLOY / "gunicorn.conf.py")
    config = loaded.cfg
    assert config.worker_class_str == "gthread" and config.bind == ["127.0.0.1:8000"]
    assert config.workers >= 2 and config.threads >= 2
    (metrics_dir / "stale").mkdir(parents=True)
    config.on_starting(None)
    assert metrics_dir.is_dir() and not any(metrics_dir.iterdir()), "old workers' files are cleared at start"


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.stem)
def test_units_run_as_the_service_user_from_the_checkout_with_the_environment_file(unit):
    text = unit.read_text()
    assert "User=tracker" in text and f"WorkingDirectory={INSTALL_ROOT}" in text
    assert "EnvironmentFile=/etc/tracker/tracker.env" in text
