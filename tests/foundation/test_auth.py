"""Login, throttling, sessions, CSRF and the headers every page carries."""
import secrets

import pytest

from tests.conftest import login
from tests.factories import PASSWORD
from tracker import create_app
from tracker.auth import services
from tracker.config import ProductionConfig


def test_login_page_is_chinese_and_secured(client):
    response = client.get("/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'lang="zh-CN"' in page and "登录" in page and "密码" in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_login_then_home_and_logout(client, make):
    user = make.user("kj.liaison", department=make.department("市科技局"))
    login(client, user)
    assert client.get("/").status_code == 200
    response = client.post_form("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_session_cookie_flags(client, make):
    user = make.user()
    response = client.post_form("/login", {"login": user.login, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_is_refused_with_a_message(client, make):
    user = make.user()
    response = client.post_form("/login", {"login": user.login, "password": "wrong-password"})
    assert response.status_code == 200
    assert "账号或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_eleventh_failed_login_in_a_minute_gets_429(client, make):
    user = make.user()
    for _ in range(10):
        assert client.post_form("/login", {"login": user.login, "password": "nope-nope"}).status_code == 200
    response = client.post_form("/login", {"login": user.login, "password": PASSWORD})
    assert response.status_code == 429
    assert "过于频繁" in response.get_data(as_text=True)


def test_throttle_counts_attempts_from_every_worker(app, make):
    """Two clients (as two web workers would see them) share one count: it lives in the database."""
    user = make.user()
    first, second = app.test_client(), app.test_client()
    for attempt in range(10):
        client = first if attempt % 2 else second
        client.post_form("/login", {"login": user.login, "password": "nope-nope"})
    assert app.test_client().post_form("/login", {"login": user.login, "password": PASSWORD}).status_code == 429


def test_post_without_csrf_token_gets_400(client, make):
    user = make.user()
    response = client.post("/login", data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_ends_the_users_other_sessions(app, make):
    user = make.user()
    laptop, phone = login(app.test_client(), user), login(app.test_client(), user)
    assert phone.get("/").status_code == 200
    laptop.post_form("/logout")
    assert phone.get("/").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, make):
    user = make.user()
    laptop, phone = login(app.test_client(), user), login(app.test_client(), user)
    response = laptop.post_form(
        "/profile/password", {"current": PASSWORD, "new": "new-password-1", "repeat": "new-password-1"}
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert app.test_client().post_form("/login", {"login": user.login, "password": "new-password-1"}).status_code == 302


def test_open_redirect_in_next_is_ignored(client, make):
    user = make.user()
    response = client.post_form("/login?next=https://evil.example/", {"login": user.login, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_english_is_available(client):
    response = client.post_form("/language/en", {"next": "/login"})
    assert response.status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Log in" in page


def test_production_refuses_the_default_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_sets_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TRACKER_SECRET_KEY", secrets.token_hex(32))
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_api_token_is_shown_once_and_stored_hashed(client, make, db):
    from tracker.auth.models import ApiToken

    user = make.user()
    login(client, user)
    page = client.post_form("/profile/tokens", {"name": "脚本"}).get_data(as_text=True)
    token = page.split('data-testid="new-token">')[1].split("<")[0]
    assert token.startswith("trk_")
    stored = db.session.query(ApiToken).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert token not in client.get("/profile").get_data(as_text=True)


def test_an_account_cannot_be_given_an_address_the_outbox_could_not_send_to(db):
    with pytest.raises(services.InvalidEmail):
        services.create_user("typo", "王联络", "long-enough-password", email="王联络@科技局")
