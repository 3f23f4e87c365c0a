"""The app served by gunicorn on loopback, signed in through its own login form, and loaded with wrk."""
from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from tracker.bench.mailsink import free_port
from tracker.bench.wsgi import TRIVIAL_PATH
from tracker.config import PROJECT_ROOT

USER_AGENT = "tracker-bench"
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class HttpFailure(RuntimeError):
    pass


class Gunicorn:
    """`gunicorn 'tracker.bench.wsgi:bench_app()'` with gthread workers, started and stopped with the context."""

    def __init__(self, env: dict, log: Path, workers: int, threads: int, clients: int):
        self.env = env
        self.log = log
        self.workers = workers
        self.threads = threads
        # wrk opens all its keep-alive connections in the same instant, and whichever worker wakes first
        # accepts most of them: 31 of 32 were seen on one worker, halving req/s against a run where they
        # split 16/16. Capping each worker's connections at its share (plus one per thread of slack) spreads
        # them as a proxy in front of gunicorn would, without changing what each request costs.
        self.worker_connections = -(-clients // workers) + threads
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        command = [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", str(self.workers),
                   "--threads", str(self.threads), "--worker-connections", str(self.worker_connections),
                   "--bind", f"127.0.0.1:{self.port}", "--timeout", "120",
                   "--error-logfile", str(self.log), "tracker.bench.wsgi:bench_app()"]
        self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HttpFailure(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                if get(self.base, TRIVIAL_PATH, {})[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise HttpFailure(f"gunicorn did not answer within a minute; see {self.log}")

    def wait_idle(self, timeout: float = 300) -> None:
        """Until the trivial route answers fast again: requests a slow page left queued must not load the next one."""
        deadline = time.monotonic() + timeout
        fast = 0
        while fast < 3 and time.monotonic() < deadline:
            started = time.monotonic()
            get(self.base, TRIVIAL_PATH, {})
            fast = fast + 1 if time.monotonic() - started < 0.05 else 0
            time.sleep(0.1)

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _connection(base: str) -> http.client.HTTPConnection:
    host, port = base.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=120)


def get(base: str, path: str, headers: dict) -> tuple[int, str, dict]:
    connection = _connection(base)
    try:
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, **headers})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace"), dict(response.getheaders())
    finally:
        connection.close()


def _cookies(response: http.client.HTTPResponse, jar: dict) -> dict:
    for header in response.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value
    return jar


def login(base: str, user: str, password: str) -> dict:
    """Sign in through the login form (with its CSRF token) like a browser; the Cookie header to send after."""
    connection = _connection(base)
    try:
        connection.request("GET", "/login", headers={"User-Agent": USER_AGENT})
        response = connection.getresponse()
        page = response.read().decode()
        jar = _cookies(response, {})
        token = _CSRF_META.search(page)
        if token is None:
            raise HttpFailure("the login page has no CSRF token")
        cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
        body = urlencode({"login": user, "password": password, "csrf_token": token.group(1)})
        connection.request("POST", "/login", body=body, headers={
            "User-Agent": USER_AGENT, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        if response.status != 302:
            raise HttpFailure(f"signing in as {user} answered {response.status}, not a redirect")
        jar = _cookies(response, jar)
    finally:
        connection.close()
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in jar.items())}


LUA = """
wrk.headers["User-Agent"] = "%(agent)s"
%(headers)s
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) failed = 0 end
function response(status, headers, body) if status ~= 200 then failed = failed + 1 end end
function done(summary, latency, requests)
  local not_ok = 0
  for _, thread in ipairs(threads) do not_ok = not_ok + thread:get("failed") end
  local e = summary.errors
  io.write(string.format(
    "BENCH {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, \\"p95_us\\": %%d, \\"p99_us\\": %%d, "
    .. "\\"not_ok\\": %%d, \\"socket_errors\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    not_ok, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass(frozen=True)
class Load:
    """How hard wrk pushes: connections (concurrent clients), wrk threads, seconds."""

    connections: int = 32
    threads: int = 2
    seconds: int = 10  # wrk takes whole seconds
    warmup_seconds: int = 2


def _run_wrk(command: list[str]) -> subprocess.CompletedProcess:
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        raise HttpFailure(f"wrk exited with {finished.returncode}: {finished.stderr.strip()[-300:]}")
    return finished


def wrk(url: str, headers: dict, load: Load, workdir: Path, name: str) -> dict:
    """p50/p95/p99 latency (ms) and requests/s of GET `url` under `load`, after a warm-up at the same load."""
    script = workdir / f"wrk-{name}.lua"
    lines = "\n".join(f'wrk.headers["{key}"] = {json.dumps(value)}' for key, value in headers.items())
    script.write_text(LUA % {"agent": USER_AGENT, "headers": lines})
    base = ["wrk", "--threads", str(load.threads), "--connections", str(load.connections), "--timeout", "30s",
            "--latency", "--script", str(script)]
    if load.warmup_seconds:
        _run_wrk([*base, "--duration", f"{load.warmup_seconds}s", url])
    finished = _run_wrk([*base, "--duration", f"{load.seconds}s", url])
    (workdir / f"wrk-{name}.txt").write_text(finished.stdout)
    line = next((line for line in finished.stdout.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        raise HttpFailure(f"wrk printed no summary: {finished.stdout[-300:]} {finished.stderr[-300:]}")
    raw = json.loads(line.removeprefix("BENCH "))
    if raw["requests"] == 0:
        # Slower than the window: the window is a lower bound of every latency, and nothing was served.
        window_ms = load.seconds * 1000
        return {"p50_ms": window_ms, "p95_ms": window_ms, "p99_ms": window_ms, "rps": 0.0, "requests": 0,
                "not_ok": 0, "socket_errors": raw["socket_errors"], "lower_bound": True}
    if raw["not_ok"] > raw["requests"] / 100:
        raise HttpFailure(f"{raw['not_ok']} of {raw['requests']} answers were not 200")
    return {
        "p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
        "rps": raw["requests"] / (raw["duration_us"] / 1e6), "requests": raw["requests"],
        "not_ok": raw["not_ok"], "socket_errors": raw["socket_errors"], "lower_bound": False,
    }
