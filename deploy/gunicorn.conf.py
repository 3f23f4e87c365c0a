"""gunicorn's configuration for tracker: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (deploy/systemd/tracker-web.service).

Every value can be changed by the environment (the unit's EnvironmentFile), none needs to be.
"""
import os
import shutil

from prometheus_client import multiprocess

# Behind nginx on the same machine (deploy/nginx/tracker.conf): loopback only.
bind = os.environ.get("TRACKER_BIND", "127.0.0.1:8000")
# Threads overlap the waits on the database; a process per core does the Python work.
worker_class = "gthread"
workers = int(os.environ.get("TRACKER_WORKERS", str(max(2, os.cpu_count() or 1))))
threads = int(os.environ.get("TRACKER_THREADS", "4"))
# A supervision report PDF of a big province takes seconds; nothing legitimate takes a minute.
timeout = 60
graceful_timeout = 30
keepalive = 5
# The app logs one line per request itself (request id, duration, user; TRACKER_LOG_FORMAT=json for JSON).
accesslog = None
errorlog = "-"
# Recycle workers now and then, so a slow leak never grows without bound; jitter keeps them from all restarting at once.
max_requests = 5000
max_requests_jitter = 500

# prometheus_client's multiprocess mode: each worker keeps its counters in files here, and /metrics adds every
# worker's up. It must be set before any worker imports prometheus_client, which this file, read by the master
# before it forks, is. The directory is emptied at start (old workers' files would otherwise count twice).
metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/run/tracker/metrics")


def on_starting(server):
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
