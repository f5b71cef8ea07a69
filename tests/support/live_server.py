"""A real server for browser tests: the migrations run by `flask db upgrade`, then
gunicorn serving `wsgi:app` on a free local port, configured only through the
environment, as in production."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.mailbox import shared_mailbox
from webapp.config import ENVIRONMENT_SETTINGS

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "browser-test-secret-key-that-is-long-enough-0123456789"
STARTUP_TIMEOUT = 30.0


def server_environment(database_url: str) -> dict[str, str]:
    """The environment the migration command and gunicorn both run with."""
    # Start from the caller's environment minus every setting the app reads, so that
    # a developer's exported SITE_NAME or RATELIMIT_ENABLED cannot change the tests.
    env = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT_SETTINGS}
    env.update(
        QUORUM_ENV="development",
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
        # Every journey signs up and in; the real limits would trip after a few runs.
        LOGIN_RATE_LIMIT="1000 per minute",
        LOGIN_FAILURE_LIMIT="1000 per minute",
        REGISTER_RATE_LIMIT="1000 per minute",
        PASSWORD_RESET_RATE_LIMIT="1000 per minute",
        VERIFY_EMAIL_RATE_LIMIT="1000 per minute",
        TWO_FACTOR_RATE_LIMIT="1000 per minute",
        # Mail goes to the SMTP server in the test process (tests/support/mailbox.py).
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(shared_mailbox().port),
    )
    redis_url = os.environ.get("TEST_REDIS_URL")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_flask(env: dict[str, str], *arguments: str) -> str:
    """Run `flask --app wsgi ARGUMENTS` as an operator would; its output (fails on error)."""
    flask = REPO_ROOT / ".venv" / "bin" / "flask"
    command = [str(flask) if flask.exists() else "flask", "--app", "wsgi", *arguments]
    result = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"`{' '.join(command)}` failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def migrate(env: dict[str, str]) -> None:
    """Build the schema with the real migrations, as a deploy does."""
    run_flask(env, "db", "upgrade")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def serve(database_url: str) -> Iterator[str]:
    """Migrate `database_url`, serve the app on it with gunicorn, yield the base URL."""
    env = server_environment(database_url)
    migrate(env)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "gunicorn",
        "-w", "2",
        "-b", f"127.0.0.1:{port}",
        "--graceful-timeout", "5",
        "wsgi:app",
    ]  # fmt: skip
    # gunicorn's output goes to a file, not a pipe: a full pipe would block the server.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not _healthy(f"{base_url}/healthz"):
                if process.poll() is not None or time.monotonic() > deadline:
                    _stop(process)
                    log.seek(0)
                    raise RuntimeError(
                        f"gunicorn did not answer {base_url}/healthz with 200 within "
                        f"{STARTUP_TIMEOUT:.0f} s (exit code {process.returncode}):\n{log.read()}"
                    )
                time.sleep(0.1)
            yield base_url
        finally:
            _stop(process)
