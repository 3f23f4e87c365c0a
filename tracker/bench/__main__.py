"""`python -m tracker.bench [--scale S] [--engine sqlite|postgresql] [--json FILE]`: build or reuse the dataset, measure, report."""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tracker import create_app
from tracker.bench import dataset, figures, http
from tracker.bench.store import PostgresStore, SQLiteStore, cache_key
from tracker.config import PROJECT_ROOT
from tracker.core.clock import local_today, utcnow

BENCH_SECRET_KEY = "tracker-bench-secret-key-not-for-production"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tracker.bench", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the full province (default); 0.05 = 5%%")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measured page (default 2)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent wrk clients (default 32)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
    parser.add_argument("--page-cache", choices=("on", "off"), default="on",
                        help="the pages' cache per data generation (tracker.core.cache); off measures every "
                             "request computed afresh, as right after a write")
    parser.add_argument("--write-rate", type=float, default=5.0,
                        help="writes per second (reports saved, submitted, returned) under the mixed workload "
                             "(default 5)")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="the PostgreSQL server (its database part is ignored)")
    parser.add_argument("--database-name", default="tracker_bench", help="PostgreSQL database, dropped and created")
    parser.add_argument("--cache-dir", type=Path, default=PROJECT_ROOT / "instance" / "bench-cache")
    parser.add_argument("--no-cache", action="store_true", help="neither reuse nor keep a built dataset")
    parser.add_argument("--rebuild", action="store_true", help="build afresh even if a cached dataset fits")
    parser.add_argument("--workdir", type=Path, help="where the run's files go (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (database, logs, PDF)")
    parser.add_argument("--plans", type=Path, default=PROJECT_ROOT / "samples" / "plans")
    parser.add_argument("--only", help="comma-separated sections: " + ",".join(name for name, _ in figures.SECTIONS))
    return parser.parse_args(argv)


def bench_environment(database_url: str, workdir: Path, page_cache: bool = True) -> dict:
    """The TRACKER_* settings every process of the run (this one, gunicorn, the jobs) reads; no others leak in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    return env | {
        "TRACKER_ENV": "development",
        "TRACKER_INSTANCE_PATH": str(workdir / "instance"),
        "TRACKER_DATABASE_URL": database_url,
        "TRACKER_SECRET_KEY": BENCH_SECRET_KEY,
        "TRACKER_MAIL_SENDER": "tracker-bench@localhost",
        "TRACKER_PAGE_CACHE": "true" if page_cache else "false",
    }


def prepare_dataset(args, store) -> tuple[dataset.Meta, bool]:
    """The dataset in the run's database: copied from the cache when one fits, else built (and cached)."""
    today = local_today()
    key = cache_key(store.engine, args.scale, today)
    meta = None if args.rebuild else store.cached(key, args.scale)
    if meta is not None:
        print(f"dataset: cached build of scale {args.scale:g} ({meta.build_seconds:.0f} s when built)")
        return meta, True
    print(f"dataset: building scale {args.scale:g} on {store.engine} …", flush=True)
    store.fresh()
    meta = dataset.build(create_app(), args.scale, today, args.plans, log=lambda line: print(line, flush=True))
    print(f"  built in {meta.build_seconds:.0f} s", flush=True)
    store.keep(key, args.scale, meta)
    return meta, False


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cache_dir = None if args.no_cache else args.cache_dir
    if args.engine == "sqlite":
        store = SQLiteStore(workdir, cache_dir)
    else:
        store = PostgresStore(args.postgres_url, args.database_name, cache_dir)
    env = bench_environment(store.url, workdir, args.page_cache == "on")
    os.environ.clear()
    os.environ.update(env)
    started = time.perf_counter()
    try:
        meta, cached = prepare_dataset(args, store)
        print("  " + ", ".join(f"{table} {count:,}" for table, count in sorted(meta.counts.items())))
        load = http.Load(connections=args.connections, seconds=args.duration, warmup_seconds=args.warmup)
        run = figures.BenchRun(app=create_app(), meta=meta, store=store, workdir=workdir, plans_dir=args.plans,
                               env=env, load=load, workers=args.workers, threads=args.threads,
                               write_rate=args.write_rate)
        only = set(args.only.split(",")) if args.only else None
        results = figures.measure_all(run, only, log=lambda line: print(line, flush=True))
        print()
        print(figures.format_table(results))
        report = {
            "engine": args.engine, "scale": args.scale, "measured_at": utcnow().isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "server": {"gunicorn_workers": args.workers, "gunicorn_threads": args.threads, "worker_class": "gthread",
                       "page_cache": args.page_cache,
                       "connections": args.connections, "seconds_per_page": args.duration,
                       "write_rate": args.write_rate},
            "dataset": {"sizes": meta.sizes, "counts": meta.counts, "today": meta.today, "cached": cached,
                        "build_seconds": meta.build_seconds},
            "figures": {key: figure.to_dict() for key, figure in results.items()},
            "run_seconds": round(time.perf_counter() - started, 1),
        }
        if args.json:
            args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))
            print(f"\nfigures written to {args.json}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
