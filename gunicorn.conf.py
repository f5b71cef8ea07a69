"""Gunicorn settings for Quorum behind nginx: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be changed from the environment, so nothing here needs hand-editing.
"""

import os

# Where to listen. In Docker only nginx reaches this port: never publish it.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Sync workers, one request at a time each. Default 2 x usable cores + 1 (the cores
# this process may run on, which respects a container's cpuset), capped at 8 so a few
# containers stay well inside PostgreSQL's default 100 connections.
cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * (cores or 1) + 1, 8))

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
