"""Run one `flask` command of the app in this (child) process; print its time and peak memory as JSON.

`python -m tracker.bench.job reports supervision --period 2026-10 --out x.pdf` prints
`{"available": true, "seconds": …, "peak_mb": …, "output": "…", "error": null}`. The time covers the
command alone (not Python's start nor the app's creation); the peak memory is the whole process's
ru_maxrss, which only a process of its own can give for one command.
"""
from __future__ import annotations

import io
import json
import resource
import sys
import time
from contextlib import redirect_stdout

import click
from flask.cli import ScriptInfo

from tracker import create_app


def missing_command(group: click.Group, argv: list[str]) -> str | None:
    """Why `flask ARGV` cannot run here (a group or command is not there yet), or None."""
    context = click.Context(group)
    command, path = group, []
    for word in argv:
        if word.startswith("-") or not isinstance(command, click.Group):
            break
        command = command.get_command(context, word)
        path.append(word)
        if command is None:
            return f"no `flask {' '.join(path)}` command yet"
    return None


def run(argv: list[str]) -> dict:
    app = create_app()
    reason = missing_command(app.cli, argv)
    if reason:
        return {"available": False, "reason": reason}
    output = io.StringIO()
    error = None
    started = time.perf_counter()
    try:
        with redirect_stdout(output):
            app.cli.main(args=argv, prog_name="flask", standalone_mode=False,
                         obj=ScriptInfo(create_app=lambda: app))
    except click.ClickException as failure:
        error = failure.format_message()
    except Exception as failure:  # noqa: BLE001 — the bench reports any failure of the measured command
        error = f"{type(failure).__name__}: {failure}"
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return {"available": True, "seconds": seconds, "peak_mb": peak_mb, "output": output.getvalue(), "error": error}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1:]), ensure_ascii=False))
