"""The app the benchmark's gunicorn serves: the real app plus one trivial route, the floor pages are compared to.

Served as `gunicorn 'tracker.bench.wsgi:bench_app()'`; the configuration comes from TRACKER_* variables.
The trivial route exists only here, never in the real app.
"""
from __future__ import annotations

from flask import Blueprint, Flask

from tracker import create_app

TRIVIAL_PATH = "/_bench/trivial"

trivial = Blueprint("bench", __name__)


@trivial.get(TRIVIAL_PATH)
def trivial_route():
    """No database, no template, no login: what the server and Flask cost on their own."""
    return "ok"


def bench_app() -> Flask:
    app = create_app()
    app.register_blueprint(trivial)
    return app
