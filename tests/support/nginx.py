"""Run the repository's nginx.conf on loopback: find nginx, render a copy of the config
for a test directory, start it, wait for it, stop it."""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from webapp.config import PROJECT_ROOT

NGINX_CONF = PROJECT_ROOT / "nginx.conf"
# Debian and Ubuntu install nginx in /usr/sbin, which a non-root PATH often lacks.
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx")


class NginxError(RuntimeError):
    """nginx would not start, or the config no longer has a string the test rewrites."""


def find_nginx() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return next((path for path in NGINX_CANDIDATES if os.access(path, os.X_OK)), None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def render_config(directory: Path, port: int, upstream: str, static_parent: Path) -> Path:
    """Write a copy of nginx.conf that listens on 127.0.0.1:`port`, proxies to
    `upstream` ("127.0.0.1:8123") and keeps its pid and temp files in `directory`."""
    (directory / "cache").mkdir(parents=True, exist_ok=True)
    replacements = {
        # Workers run as the user running the test (root here; ignored for others).
        "user nginx;": f"user {getpass.getuser()};",
        "pid /var/run/nginx.pid;": f"pid {directory / 'nginx.pid'};",
        "/var/cache/nginx/": f"{directory / 'cache'}/",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "set $quorum_web web:8000;": f"set $quorum_web {upstream};",
        "root /app;": f"root {static_parent};",
    }
    text = NGINX_CONF.read_text()
    for old, new in replacements.items():
        if old not in text:
            raise NginxError(f"nginx.conf no longer contains {old!r}; update {__name__}")
        text = text.replace(old, new)
    rendered = directory / "nginx.conf"
    rendered.write_text(text)
    return rendered


def wait_for_port(port: int, process: subprocess.Popen, timeout: float, what: str) -> None:
    """Return once 127.0.0.1:`port` accepts connections; raise if `process` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise NginxError(f"{what} exited with status {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise NginxError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def stop_process(process: subprocess.Popen, timeout: float = 10) -> None:
    """Ask for a graceful stop (SIGTERM), then kill `process`'s own process group."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group started with it, nothing else
        process.wait(timeout=timeout)


@contextmanager
def running_nginx(
    binary: str, directory: Path, upstream: str, static_parent: Path, timeout: float = 20
) -> Iterator[int]:
    """Run nginx in the foreground with a rendered config; yield the port it listens on.

    Its stdout (access log) and stderr (error log) go to files in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = render_config(directory, port, upstream, static_parent)
    check = subprocess.run(
        [binary, "-t", "-q", "-p", str(directory), "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check.returncode != 0:
        raise NginxError(f"nginx -t rejected the config:\n{check.stderr}")
    with (
        open(directory / "access.log", "wb") as access_log,
        open(directory / "error.log", "wb") as error_log,
    ):
        process = subprocess.Popen(
            [binary, "-p", str(directory), "-c", str(config), "-g", "daemon off;"],
            stdout=access_log,
            stderr=error_log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        try:
            wait_for_port(port, process, timeout, "nginx")
        except NginxError as error:
            log = (directory / "error.log").read_text(errors="replace")
            raise NginxError(f"{error}\n{log}") from None
        yield port
    finally:
        stop_process(process)
