"""Signing in: the answer's cost does not tell which accounts exist; the throttle locks an account, not an
address; a password change or 退出所有设备 ends API tokens too; a sign-in lasts a working day."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import tracker.auth.services as auth_services
from tests.conftest import login
from tests.factories import PASSWORD
from tracker.auth.services import issue_token

T0 = datetime(2025, 3, 20, 2, 0, tzinfo=timezone.utc)


def _form(login_name: str, password: str = "wrong-password") -> dict:
    return {"login": login_name, "password": password}


# ---- timing (finding 4) ----


def test_an_unknown_login_is_checked_against_a_hash_as_costly_as_a_real_one(app, make, client, monkeypatch):
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:50000"
    user = make.user("kjj.liaison")
    checked = []
    real_check = auth_services.check_password_hash

    def spy(stored_hash: str, password: str) -> bool:
        checked.append(stored_hash.split("$")[0])
        return real_check(stored_hash, password)

    monkeypatch.setattr(auth_services, "check_password_hash", spy)
    client.post_form("/login", _form(user.login))
    client.post_form("/login", _form("no.such.user"))
    assert checked == [user.password_hash.split("$")[0]] * 2 == ["pbkdf2:sha256:50000"] * 2


# ---- the throttle (findings 5 and 6) ----


def test_invented_logins_from_one_address_do_not_lock_out_its_real_users(make, app):
    """Behind the office's proxy every user has the same address."""
    user = make.user()
    attacker, colleague = app.test_client(), app.test_client()
    for number in range(25):
        assert attacker.post_form("/login", _form(f"invented{number}")).status_code == 200
    assert colleague.post_form("/login", _form(user.login, PASSWORD)).status_code == 302


def test_one_account_locks_per_address_first_then_from_everywhere(app, make):
    app.config.update(LOGIN_ATTEMPT_LIMIT=3, LOGIN_ACCOUNT_LIMIT=5)
    user = make.user()

    def attempt(address: str, password: str = "wrong-password") -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client.post_form("/login", _form(user.login, password)).status_code

    assert [attempt("10.0.0.1") for _ in range(4)] == [200, 200, 200, 429]
    assert attempt("10.0.0.1", PASSWORD) == 429  # this address is done with this account for the window
    assert [attempt("10.0.0.2") for _ in range(3)] == [200, 200, 429]  # the account's own limit: 5 in all
    assert attempt("10.0.0.3", PASSWORD) == 429


def test_a_forwarded_for_header_does_not_buy_more_attempts(make, client):
    """Only the trusted proxy's view of the client counts (remote_addr), never what the client claims."""
    user = make.user()
    for number in range(10):
        client.post_form("/login", _form(user.login), headers={"X-Forwarded-For": f"203.0.113.{number}"})
    response = client.post_form("/login", _form(user.login, PASSWORD), headers={"X-Forwarded-For": "198.51.100.7"})
    assert response.status_code == 429


def test_the_address_wide_limit_slows_attempts_down_without_locking_them_out(app, db):
    from tracker.auth.services import reserve_login_attempt, throttle_keys

    app.config.update(LOGIN_ADDRESS_LIMIT=3, LOGIN_ADDRESS_SPACING_SECONDS=2)

    def wait(login_name: str, at: float) -> int:
        seconds = reserve_login_attempt(throttle_keys(login_name, "192.0.2.1"), now=T0 + timedelta(seconds=at))
        db.session.commit()
        return seconds

    assert [wait(f"user{n}", 0) for n in range(3)] == [0, 0, 0]
    assert wait("user3", 0.5) == 2  # over the limit: one attempt every two seconds
    assert wait("user4", 2.5) == 0
    assert wait("user5", 3) == 2
    assert wait("user6", 4.5) == 0


def test_a_successful_login_does_not_use_up_the_limit(app, make):
    user = make.user()
    app.config["LOGIN_ATTEMPT_LIMIT"] = 3
    for _ in range(5):
        login(app.test_client(), user)


# ---- API tokens (finding 7) ----


def _api(client, token: str) -> int:
    return client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_password_change_ends_the_api_tokens(db, make, login_as, client):
    user = make.user()
    token = issue_token(user, "脚本")
    db.session.commit()
    assert _api(client, token) == 200
    login_as(user).post_form("/profile/password", {"current": PASSWORD, "new": "new-password-1",
                                                   "repeat": "new-password-1"})
    assert _api(client, token) == 401


def test_logout_everywhere_ends_sessions_and_api_tokens(app, db, make, login_as, client):
    user = make.user()
    phone, laptop = login_as(user), login_as(user)
    token = issue_token(user, "脚本")
    db.session.commit()
    page = laptop.get("/profile").get_data(as_text=True)
    assert "脚本" in page and 'data-testid="logout-everywhere"' in page
    assert laptop.post_form("/profile/logout-everywhere").status_code == 302
    assert _api(client, token) == 401
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 302
    assert "已吊销" in login_as(user).get("/profile").get_data(as_text=True)


def test_a_plain_logout_keeps_the_api_tokens(db, make, login_as, client):
    user = make.user()
    token = issue_token(user, "脚本")
    db.session.commit()
    login_as(user).post_form("/logout")
    assert _api(client, token) == 200


# ---- sessions (finding 10) ----


def test_a_sign_in_lasts_a_working_day(app, make, client):
    user = make.user()
    response = client.post_form("/login", _form(user.login, PASSWORD))
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    expires = datetime.strptime(cookie.split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT")
    lifetime = expires.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)
    assert timedelta(hours=9) < lifetime <= timedelta(hours=10)
    with client.session_transaction() as session:
        session["signed_in_at"] -= 10 * 3600 + 60
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("hours", ["2", "24"])
def test_the_session_length_is_a_setting(make, monkeypatch, hours):
    from tracker import create_app

    monkeypatch.setenv("TRACKER_SESSION_HOURS", hours)
    assert create_app({"TESTING": True}).permanent_session_lifetime == timedelta(hours=int(hours))


# ---- ?next= (finding 9) ----


@pytest.mark.parametrize("target", ["/tasks/%0D%0ASet-Cookie:%20x=1", "/%5Cevil.example", "/%09/evil.example"])
def test_a_next_with_line_breaks_or_backslashes_goes_home(make, client, target):
    user = make.user()
    response = client.post_form(f"/login?next={target}", _form(user.login, PASSWORD))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not any("x=1" in c for c in response.headers.getlist("Set-Cookie"))
