"""Gunicorn settings for Quorum behind nginx: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be changed from the environment, so nothing here needs hand-editing.
"""

import os

# Where to listen. In Docker only nginx reaches this port: never publish it.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Worker model (issue 14). Sync workers, one request at a time each: measured against
# gthread (5 x 4 and 3 x 8 threads) and 9 sync workers with the benchmark's 50 voters
# on 20 hot posts (`python -m bench.run --only votes --rounds 2`), all four served
# 200-235 votes/s (27-35% of /healthz) with p95 0.4-0.8 s: the machine's two cores are
# the limit, not the model, now that a vote is one statement and holds no lock long. So
# the simplest model stays (no threads beside C extensions, one database connection per
# process). GUNICORN_WORKER_CLASS=gthread with GUNICORN_THREADS=N switches
# (SQLAlchemy's pool of 5 + 10 connections per process covers up to 15 threads).
# Processes default to 2 x usable cores + 1 (the cores this process may run on, which
# respects a container's cpuset), capped at 8 so a few containers stay well inside
# PostgreSQL's default 100 connections.
cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS") or 1)  # > 1 makes gunicorn use gthread
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * (cores or 1) + 1, 8))
# The app keeps guest pages in a per-process SimpleCache only when it is the one process
# (webapp/caching.py); with Redis they are shared.
os.environ.setdefault("QUORUM_WORKER_PROCESSES", str(workers))

# nginx is the only client. Trust its X-Forwarded-Proto (it always overwrites the
# client's) and no other scheme header, so a forged X-Forwarded-Ssl goes nowhere.
# The app's ProxyFix (PROXY_FIX_HOPS=1) reads the same headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs to stdout/stderr, where Docker collects them.
accesslog = "-"
errorlog = "-"

# A request may take 30 s; on SIGTERM workers get 25 s to finish theirs (Compose
# waits 30 s, see stop_grace_period, before it kills the container).
timeout = 30
graceful_timeout = 25

# Worker heartbeats on tmpfs, not on the container's overlay filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# No `gunicornc` control socket (gunicorn 25.1+): nothing uses it, and two servers
# started by one user would otherwise share $HOME/.gunicorn/gunicorn.ctl.
control_socket_disable = True
