"""Parse time of the shared plans, as the benchmark reports it."""
from __future__ import annotations

import time
from pathlib import Path

from tracker.plans.parser import parse_plan, read_plan_bytes


def parse_shared_plans(directory: str | Path) -> dict:
    """Read and parse every plan in `directory`: seconds per file and in total."""
    files: dict[str, float] = {}
    for path in sorted(Path(directory).glob("*.txt")) + sorted(Path(directory).glob("*.docx")):
        data = path.read_bytes()
        started = time.perf_counter()
        parse_plan(read_plan_bytes(data, path.name), filename=path.name)
        files[path.name] = time.perf_counter() - started
    return {"files": files, "total_seconds": sum(files.values())}
