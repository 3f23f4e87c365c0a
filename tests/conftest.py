"""Fixtures shared by every test: the app on each engine, a clean database per test, clients per role.

SQLite always runs. PostgreSQL runs when TRACKER_TEST_POSTGRES_URL names a server (CI sets it and
fails when the server cannot be reached): each pytest worker gets its own database on that server.
"""
from __future__ import annotations

import contextlib
import os
import pathlib
import re
import shutil
import sqlite3
import threading
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from tests import factories
from tracker import create_app
from tracker.config import TestConfig
from tracker.extensions import db as _db

POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL")
ENGINES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = pathlib.Path(__file__).parent.parent / "test-artifacts"
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Client(FlaskClient):
    """The test client, with a form POST that carries the CSRF token the way a browser's would."""

    def open(self, *args, **kwargs):
        # Each request gets its own app context, as in a server: `g` (where Flask-WTF caches the
        # CSRF token) and the database session do not leak between requests or into the test.
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/login").get_data(as_text=True)
        return _CSRF_META.search(page).group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


def postgres_database(suffix: str) -> str:
    """Create (afresh) the database tracker_test_<tag><suffix> on the PostgreSQL server and return its URL."""
    # TRACKER_TEST_DB_TAG keeps concurrent runs on one server (several checkouts) apart.
    name = f"tracker_test_{os.environ.get('TRACKER_TEST_DB_TAG', '')}{suffix}".replace("-", "_")
    with _postgres_admin() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


@contextlib.contextmanager
def _postgres_admin():
    """A connection to the server's maintenance database, outside any transaction (CREATE/DROP DATABASE)."""
    admin_engine = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                                    isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as connection:
            yield connection
    finally:
        admin_engine.dispose()


@pytest.fixture(scope="session")
def postgres_url(request) -> str:
    if not POSTGRES_URL:
        pytest.skip("TRACKER_TEST_POSTGRES_URL is not set")
    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "main")
    return postgres_database(worker_id)


@pytest.fixture(scope="session")
def postgres_schema(postgres_url):
    """Tables created once per session on PostgreSQL; each test truncates them afterwards."""
    app = create_app(_test_config(postgres_url, None))
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        _db.engine.dispose()
    return postgres_url


def _test_config(database_url: str, tmp_path) -> dict:
    config = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    config["DATABASE_URL"] = database_url
    config["ISOLATED"] = True  # the machine's instance/config.py and TRACKER_* variables do not apply
    if tmp_path is not None:
        config["EVIDENCE_FOLDER"] = str(tmp_path / "evidence")
        config["ARCHIVE_FOLDER"] = str(tmp_path / "reports")
    return config


@pytest.fixture(params=ENGINES)
def engine_name(request) -> str:
    return request.param


# The demos a test can ask for by fixture name, and the plans (of samples/plans) each publishes.
DEMO_PLANS = {"demo": None, "small_demo": ("002_b46e6d68e78b0a64.txt", "004_fead5ffc94219a57.txt")}
# Demos end their history here: a Tuesday, 11:00 in Beijing; the current period (2026-06) is due on
# Thursday, some reports are in.
DEMO_REFERENCE = datetime(2026, 6, 23, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def app(engine_name, tmp_path, request):
    """The app on an empty database; for a test that uses a fixture of DEMO_PLANS, on a copy of that demo."""
    demo = next((name for name in DEMO_PLANS if name in request.fixturenames), None)
    if demo is not None:
        url = request.getfixturevalue("demo_templates").copy(engine_name, demo, tmp_path)
    elif engine_name == "postgresql":
        url = request.getfixturevalue("postgres_schema")
    else:
        url = f"sqlite:///{tmp_path / 'test.sqlite'}"
    app = create_app(_test_config(url, tmp_path))
    app.test_client_class = Client
    with app.app_context():
        if engine_name == "sqlite" and demo is None:
            _db.create_all()
        yield app
        _db.session.remove()
        if engine_name == "postgresql" and demo is None:
            _truncate_all()
        _db.engine.dispose()


class DemoTemplates:
    """Each demo built once per engine in this worker (about 20 s each), then copied for every test that
    uses it: a SQLite file copied with SQLite's backup API, a PostgreSQL database made from the built one
    as its TEMPLATE; the evidence and archived reports it wrote are copied beside."""

    def __init__(self, folder: pathlib.Path, worker: str):
        self.folder, self.worker, self.built = folder, worker, {}

    def template(self, engine_name: str, demo: str):
        key = (engine_name, demo)
        if key not in self.built:
            folder = self.folder / f"{engine_name}_{demo}"
            folder.mkdir()
            if engine_name == "postgresql":
                url = postgres_database(f"{self.worker}_{demo}_template")
            else:
                url = f"sqlite:///{folder / 'demo.sqlite'}"
            self.built[key] = (url, folder, _build_demo(url, folder, DEMO_PLANS[demo]))
        return self.built[key]

    def copy(self, engine_name: str, demo: str, into: pathlib.Path) -> str:
        """A copy of the demo's database (its URL) with its files under `into`."""
        url, folder, _result = self.template(engine_name, demo)
        for files in ("evidence", "reports"):
            if (folder / files).exists():
                shutil.copytree(folder / files, into / files)
        if engine_name == "sqlite":
            copy = into / "test.sqlite"
            with sqlite3.connect(folder / "demo.sqlite") as source, sqlite3.connect(copy) as target:
                source.backup(target)
            return f"sqlite:///{copy}"
        name = f"tracker_test_{os.environ.get('TRACKER_TEST_DB_TAG', '')}{self.worker}_{demo}_copy".replace("-", "_")
        with _postgres_admin() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{url.rsplit("/", 1)[1]}"')
        return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name

    def result(self, engine_name: str, demo: str):
        """What the demo's history left (tracker.demo.history.HistoryResult)."""
        return self.template(engine_name, demo)[2]


def _build_demo(url: str, folder: pathlib.Path, plans: tuple[str, ...] | None):
    from tracker.demo import PLANS_FOLDER, build_demo

    plans_folder = PLANS_FOLDER
    if plans is not None:
        plans_folder = folder / "plans"
        plans_folder.mkdir()
        for name in plans:
            shutil.copy(PLANS_FOLDER / name, plans_folder / name)
    app = create_app(_test_config(url, folder))
    with app.app_context():
        _db.create_all()
        result = build_demo(factories.PASSWORD, plans_folder, DEMO_REFERENCE)
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()  # a template database takes no copy while anyone is connected to it
    return result


@pytest.fixture(scope="session")
def demo_templates(request, tmp_path_factory) -> DemoTemplates:
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    return DemoTemplates(tmp_path_factory.mktemp("demo_templates"), worker)


@pytest.fixture
def demo(app, engine_name, demo_templates):
    """The five sample plans published two years before DEMO_REFERENCE, with their history up to it."""
    return demo_templates.result(engine_name, "demo")


@pytest.fixture
def small_demo(app, engine_name, demo_templates):
    """Two of the plans and their history to DEMO_REFERENCE, for the dashboards."""
    return demo_templates.result(engine_name, "small_demo")


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
    with _db.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(db):
    """Factories that create and commit departments, users, plans and tasks: `make.task(...)`."""
    return factories.Factories(db)


def login(client: Client, user, password: str = factories.PASSWORD) -> Client:
    response = client.post_form("/login", {"login": user.login, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def login_as(app):
    """`login_as(user)` gives a fresh client signed in as that user."""

    def _login_as(user) -> Client:
        return login(app.test_client(), user)

    return _login_as


@pytest.fixture
def office(make):
    return make.user("office", roles=["office"])


@pytest.fixture
def admin_user(make):
    return make.user("admin", roles=["admin"])


@pytest.fixture
def reviewer(make):
    return make.user("reviewer", roles=["reviewer"])


@pytest.fixture
def leader(make):
    return make.user("leader", roles=["leader"])


@pytest.fixture
def office_client(office, login_as):
    return login_as(office)


@pytest.fixture
def admin_client(admin_user, login_as):
    return login_as(admin_user)


@pytest.fixture
def reviewer_client(reviewer, login_as):
    return login_as(reviewer)


@pytest.fixture
def leader_client(leader, login_as):
    return login_as(leader)


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a loopback port, for the browser: `live_server.url`."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser page on the live server; a screenshot of its last state is kept as an artefact."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', request.node.name)}.png"), full_page=True)
    context.close()


def browser_login(page, login: str, password: str = factories.PASSWORD) -> None:
    page.goto("/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-form] button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
