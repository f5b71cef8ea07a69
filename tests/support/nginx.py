"""Run the repository's nginx.conf on loopback: find nginx, make a certificate, render a
copy of the config for a test directory, start it, wait for it, stop it; and talk HTTPS
to it as a browser would (SNI, certificate check, Host)."""

from __future__ import annotations

import getpass
import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from webapp.config import PROJECT_ROOT

NGINX_CONF = PROJECT_ROOT / "nginx.conf"
# Debian and Ubuntu install nginx in /usr/sbin, which a non-root PATH often lacks.
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx")


# The site's name in the tests: what TRUSTED_HOSTS names (nginx's server_name).
SITE_HOST = "quorum.test"


class NginxError(RuntimeError):
    """nginx would not start, or the config no longer has a string the test rewrites."""


@dataclass(frozen=True)
class RunningNginx:
    http_port: int
    https_port: int
    host: str
    certificate: Path  # self-signed, for `host`: the clients' only trusted authority

    def https(self, timeout: float, server_name: str | None = None) -> LoopbackHTTPS:
        """A connection to the HTTPS port as a browser visiting `server_name` makes it."""
        context = ssl.create_default_context(cafile=str(self.certificate))
        return LoopbackHTTPS(server_name or self.host, self.https_port, context, timeout)


class LoopbackHTTPS(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1:`port` for `host`: its name in SNI, the certificate checked
    against it, and `Host: host:port` (as http.client sends for any host)."""

    def __init__(self, host: str, port: int, context: ssl.SSLContext, timeout: float):
        super().__init__(host, port, timeout=timeout, context=context)
        self.tls = context

    def connect(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def make_certificate(directory: Path, host: str) -> None:
    """A self-signed certificate for `host` as fullchain.pem and privkey.pem."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "2"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-keyout", str(directory / "privkey.pem"), "-out", str(directory / "fullchain.pem")),
            *("-subj", f"/CN={host}", "-addext", f"subjectAltName=DNS:{host}"),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )


def find_nginx() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return next((path for path in NGINX_CANDIDATES if os.access(path, os.X_OK)), None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def render_config(
    directory: Path, ports: tuple[int, int], upstream: str, static_parent: Path, host: str
) -> Path:
    """Write a copy of nginx.conf that listens on 127.0.0.1 (HTTP, HTTPS `ports`) for
    `host`, proxies to `upstream` ("127.0.0.1:8123"), reads its certificate from
    `directory`/tls and keeps its pid and temp files in `directory`."""
    (directory / "cache").mkdir(parents=True, exist_ok=True)
    http_port, https_port = ports
    replacements = {
        # Workers run as the user running the test (root here; ignored for others).
        "user nginx;": f"user {getpass.getuser()};",
        "pid /var/run/nginx.pid;": f"pid {directory / 'nginx.pid'};",
        "/var/cache/nginx/": f"{directory / 'cache'}/",
        "listen 80": f"listen 127.0.0.1:{http_port}",
        "listen 443": f"listen 127.0.0.1:{https_port}",
        # What the nginx image's envsubst does with TRUSTED_HOSTS in Docker.
        "server_name ${TRUSTED_HOSTS};": f"server_name {host};",
        "/etc/nginx/tls/": f"{directory / 'tls'}/",
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
    binary: str,
    directory: Path,
    upstream: str,
    static_parent: Path,
    timeout: float = 20,
    host: str = SITE_HOST,
) -> Iterator[RunningNginx]:
    """Run nginx in the foreground with a rendered config for `host`; yield its ports.

    Its stdout (access log) and stderr (error log) go to files in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    make_certificate(directory / "tls", host)
    ports = (free_port(), free_port())
    config = render_config(directory, ports, upstream, static_parent, host)
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
            for port in ports:
                wait_for_port(port, process, timeout, "nginx")
        except NginxError as error:
            log = (directory / "error.log").read_text(errors="replace")
            raise NginxError(f"{error}\n{log}") from None
        yield RunningNginx(*ports, host=host, certificate=directory / "tls" / "fullchain.pem")
    finally:
        stop_process(process)
