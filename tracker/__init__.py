"""tracker: turns government plans into tracked, assigned, reminded and reported work."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from tracker.config import (CONFIGS, DEFAULT_SECRET_KEY, MIN_SECRET_KEY_BITS, PROJECT_ROOT, MissingSecretKey,
                            secret_key_bits)


def create_app(config: type | dict | None = None) -> Flask:
    default_instance = str(PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=default_instance if _isolated(config) else os.environ.get("TRACKER_INSTANCE_PATH",
                                                                               default_instance),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    configure(app, config)
    register_extensions(app)
    register_operations(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def _isolated(config: type | dict | None) -> bool:
    """A test's app (ISOLATED in its dict) is the same on every machine: the machine's instance/config.py,
    TRACKER_INSTANCE_PATH and other TRACKER_* variables do not reach it."""
    return isinstance(config, dict) and bool(config.get("ISOLATED"))


def configure(app: Flask, config: type | dict | None) -> None:
    """Class defaults, then instance/config.py, then TRACKER_* variables; a test's dict wins over all."""
    if isinstance(config, type):
        app.config.from_object(config)
    elif _isolated(config):
        app.config.from_object(CONFIGS["testing"])
    else:
        app.config.from_object(CONFIGS[os.environ.get("TRACKER_ENV", "development")])
    if not _isolated(config):
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("TRACKER")
    if isinstance(config, dict):
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app)
    app.config.setdefault("EVIDENCE_FOLDER", str(Path(app.instance_path) / "evidence"))
    app.config.setdefault("ARCHIVE_FOLDER", str(Path(app.instance_path) / "reports"))
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=float(app.config["SESSION_HOURS"]))
    ensure_secret_key(app)


def database_uri(app: Flask) -> str:
    url = app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'tracker.sqlite'}"
    # psycopg 3 is the driver we ship; plain postgresql:// would ask SQLAlchemy for psycopg2.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url




def ensure_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if app.config.get("PRODUCTION"):
        if key in (None, "", DEFAULT_SECRET_KEY):
            raise MissingSecretKey("TRACKER_SECRET_KEY must be set to a long random value in production")
        bits = secret_key_bits(str(key))
        if bits < MIN_SECRET_KEY_BITS:
            raise MissingSecretKey(
                f"TRACKER_SECRET_KEY 太短或太有规律(约 {bits:.0f} 位熵,至少需要 {MIN_SECRET_KEY_BITS} 位),"
                "请用 `python -c 'import secrets; print(secrets.token_hex(32))'` 生成。"
                f" / TRACKER_SECRET_KEY is too short or too regular (about {bits:.0f} bits of entropy,"
                f" {MIN_SECRET_KEY_BITS} needed): generate one with"
                " `python -c 'import secrets; print(secrets.token_hex(32))'`.")
        return
    if key not in (None, "", DEFAULT_SECRET_KEY):
        return
    # Development: one random key kept in instance/, so sessions survive a restart.
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def register_extensions(app: Flask) -> None:
    from tracker import models  # noqa: F401  (the metadata must know every table)
    from tracker.core.cache import ChangeHandlers, install_generation_hooks, set_change_handlers
    from tracker.extensions import babel, csrf, db, login_manager, migrate
    from tracker.i18n import select_locale, select_timezone
    from tracker.tasks import read_models
    from tracker.tasks.queries import departments_of_tasks

    db.init_app(app)
    install_generation_hooks()
    set_change_handlers(ChangeHandlers(departments_of_tasks, read_models.refresh))
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )


def register_operations(app: Flask) -> None:
    from tracker.ops.web import install

    install(app)


def register_blueprints(app: Flask) -> None:
    from tracker.admin.views import bp as admin_bp
    from tracker.api.views import bp as api_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.dashboards.overview import bp as overview_bp
    from tracker.dashboards.views import bp as dashboards_bp
    from tracker.plans.views import bp as plans_bp
    from tracker.reminders.views import bp as reminders_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.search.views import bp as search_bp
    from tracker.supervision.views import bp as supervision_bp
    from tracker.tasks.views import bp as tasks_bp
    from tracker.extensions import csrf

    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboards_bp)
    app.register_blueprint(overview_bp, url_prefix="/overview")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(plans_bp, url_prefix="/plans")
    app.register_blueprint(tasks_bp, url_prefix="/tasks")
    app.register_blueprint(reminders_bp, url_prefix="/inbox")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(search_bp, url_prefix="/search")
    app.register_blueprint(supervision_bp, url_prefix="/supervision")
    # The API authenticates every request with a bearer token, never a cookie, so CSRF cannot apply.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_error_handlers(app: Flask) -> None:
    from tracker.web import install_web_hooks

    install_web_hooks(app)


def register_commands(app: Flask) -> None:
    from tracker.admin.cli import departments_cli, users_cli
    from tracker.demo import demo_command
    from tracker.ops.backup_cli import backup_cli
    from tracker.ops.doctor import doctor_command
    from tracker.plans.cli import plans_cli
    from tracker.reminders.cli import reminders_cli, scheduler_cli
    from tracker.reports.cli import reports_cli
    from tracker.tasks.read_models import tasks_cli

    for command in (users_cli, departments_cli, plans_cli, reminders_cli, scheduler_cli, reports_cli, demo_command,
                    backup_cli, doctor_command, tasks_cli):
        app.cli.add_command(command)
