"""Parse time of the sample plans, as the benchmark reports it."""
from __future__ import annotations

import time
from pathlib import Path

from tracker.plans.parser import PlanFileError, parse_plan, read_plan_bytes

SUFFIXES = (".txt", ".docx", ".html", ".htm", ".pdf", ".xlsx", ".xls", ".csv")


def parse_shared_plans(*directories: str | Path) -> dict:
    """Read and parse every plan in the `directories`: seconds per file and in total.

    A file the readers refuse (a format not read yet) is listed under `skipped`, not timed.
    """
    files: dict[str, float] = {}
    skipped: list[str] = []
    for directory in directories:
        for path in sorted(path for path in Path(directory).iterdir() if path.suffix.lower() in SUFFIXES):
            data = path.read_bytes()
            started = time.perf_counter()
            try:
                parse_plan(read_plan_bytes(data, path.name), filename=path.name)
            except PlanFileError:
                skipped.append(path.name)
                continue
            files[path.name] = time.perf_counter() - started
    return {"files": files, "skipped": skipped, "total_seconds": sum(files.values())}
