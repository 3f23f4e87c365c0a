"""The login throttle cannot be outrun: thirty wrong passwords for one account sent at once to a real gunicorn
with two worker processes (four threads each) against the test database; no more than the limit are
checked against the password, the rest are refused before the check."""
from __future__ import annotations

import http.client
import os
import threading
from pathlib import Path
from urllib.parse import urlencode

from tracker.bench.http import Gunicorn, _CSRF_META, _cookies

ATTEMPTS = 30
LIMIT = 10


def _worker_pids(master: int) -> list[int]:
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master):
            children.append(int(status.parent.name))
    return children


def _login_form(port: int) -> tuple[str, str]:
    """A browser's first visit: the session cookie and the form's CSRF token."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = "; ".join(f"{name}={value}" for name, value in _cookies(response, {}).items())
    connection.close()
    return cookie, _CSRF_META.search(page).group(1)


def test_thirty_simultaneous_wrong_passwords_check_no_more_than_the_limit(app, db, make, tmp_path):
    # Hashed as in production (scrypt, ~0.1 s): the slow check is the window a racing attempt slips through.
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    user = make.user("kjj.liaison")
    env = {**os.environ, "TRACKER_ENV": "testing", "TRACKER_DATABASE_URL": app.config["DATABASE_URL"],
           "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"), "TRACKER_LOGIN_ATTEMPT_LIMIT": str(LIMIT)}
    with Gunicorn(env, tmp_path / "gunicorn.log", workers=2, threads=4, clients=ATTEMPTS) as server:
        assert len(_worker_pids(server.process.pid)) == 2
        cookie, token = _login_form(server.port)
        body = urlencode({"login": user.login, "password": "wrong-password", "csrf_token": token})
        start, statuses = threading.Barrier(ATTEMPTS), []

        def attempt() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            connection.connect()
            start.wait()
            connection.request("POST", "/login", body=body, headers={
                "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            statuses.append(response.status)
            response.read()
            connection.close()

        threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    # 200: the password was checked and found wrong; 429: refused before any check.
    assert sorted(statuses) == [200] * LIMIT + [429] * (ATTEMPTS - LIMIT)
