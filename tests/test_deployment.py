"""The production stack on loopback: gunicorn (gunicorn.conf.py) behind nginx (nginx.conf)
with TLS, in production mode, on a fresh database migrated by `flask db upgrade`.

Docker cannot run here, so this checks the parts of the Docker setup that are ours:
the gunicorn and nginx configs, the app's production settings, the start-up commands.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import runpy
import secrets
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import nginx
from tests.support.databases import fresh_database
from tests.support.forms import csrf_token_from
from webapp.config import ENVIRONMENT_SETTINGS, PROJECT_ROOT

pytestmark = pytest.mark.deployment

WAIT = 20  # seconds: the most any start-up or request may take
EIGHT_MIB = 8 * 1024 * 1024
HSTS = "max-age=63072000; includeSubDomains"


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def cookie(self, name: str) -> str | None:
        """The whole Set-Cookie line for `name`, attributes included."""
        lines = self.headers.get_all("Set-Cookie") or []
        return next((line for line in lines if line.startswith(f"{name}=")), None)


def fetch(
    to: int | http.client.HTTPConnection, path: str, method: str = "GET", headers=None, body=None
) -> Reply:
    """One request on a new connection: `to` is a port (plain HTTP to 127.0.0.1) or a
    connection (HTTPS through nginx: `site(stack)`)."""
    connection = (
        http.client.HTTPConnection("127.0.0.1", to, timeout=WAIT) if isinstance(to, int) else to
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def server_environment(**settings: str) -> dict[str, str]:
    """A clean environment: PATH, every app setting blank (so a developer's `.env`,
    which never overrides a variable that is set, cannot leak in), then `settings`."""
    env = dict.fromkeys(ENVIRONMENT_SETTINGS, "")
    env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
    env.update(settings)
    return env


@dataclass
class Stack:
    nginx: nginx.RunningNginx
    gunicorn_port: int
    gunicorn_log: Path


def site(stack: Stack) -> http.client.HTTPConnection:
    """A new HTTPS connection to the site through nginx, as a browser opens one."""
    return stack.nginx.https(WAIT)


def origin(stack: Stack) -> str:
    """The site's origin as a browser names it (in a Referer)."""
    return f"https://{stack.nginx.host}:{stack.nginx.https_port}"


def wait_until_healthy(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited ({process.returncode}):\n{log.read_text()}")
        try:
            if fetch(port, "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn was not healthy within {WAIT} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    binary = nginx.find_nginx()
    if binary is None:
        message = "nginx is not installed (apt-get install nginx)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    directory = tmp_path_factory.mktemp("deploy")
    gunicorn_port = nginx.free_port()
    with fresh_database(directory, "deploy") as database_url:
        env = server_environment(
            QUORUM_ENV="production",
            SECRET_KEY=secrets.token_hex(24),
            DATABASE_URL=database_url,
            REDIS_URL=os.environ.get("TEST_REDIS_URL", ""),
            PROXY_FIX_HOPS="1",
            TRUSTED_HOSTS=nginx.SITE_HOST,
            # Several runs an hour share Redis's counters for 127.0.0.1.
            LOGIN_RATE_LIMIT="1000 per minute",
            REGISTER_RATE_LIMIT="1000 per minute",
            GUNICORN_BIND=f"127.0.0.1:{gunicorn_port}",
            WEB_CONCURRENCY="2",
        )
        migrate = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=3 * WAIT,
        )
        assert migrate.returncode == 0, migrate.stderr
        log = directory / "gunicorn.log"
        with open(log, "wb") as output:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            wait_until_healthy(gunicorn_port, server, log)
            with nginx.running_nginx(
                binary, directory / "nginx", f"127.0.0.1:{gunicorn_port}", PROJECT_ROOT, WAIT
            ) as running:
                yield Stack(running, gunicorn_port, log)
        finally:
            nginx.stop_process(server, timeout=WAIT)


def login_form(stack: Stack) -> tuple[str, str]:
    """GET the sign-in page through nginx: (session cookie, CSRF token)."""
    page = fetch(site(stack), "/auth/login")
    session = page.cookie("session")
    assert page.status == 200 and session
    return session.split(";", 1)[0], csrf_token_from(page.text)


def test_health_check_answers_through_nginx(stack):
    reply = fetch(site(stack), "/healthz")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    health = json.loads(reply.body)
    assert health["status"] == "ok"
    assert health["checks"]["database"] == health["checks"]["cache"] == "ok"


def test_pages_keep_the_apps_security_headers(stack):
    reply = fetch(site(stack), "/", headers={"Accept-Encoding": "gzip"})
    assert reply.status == 200
    assert "default-src 'self'" in reply.headers["Content-Security-Policy"]
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert reply.headers["Server"] == "nginx"  # no version (server_tokens off)
    assert reply.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in reply.headers["Vary"]
    assert "</html>" in gzip.decompress(reply.body).decode()


def test_static_files_come_from_nginx_with_cache_headers(stack):
    css = (PROJECT_ROOT / "static/css/quorum.css").read_bytes()
    reply = fetch(site(stack), "/static/css/quorum.css")
    assert reply.status == 200 and reply.body == css
    assert reply.headers["Content-Type"].startswith("text/css")
    assert reply.headers["Cache-Control"] == "public, max-age=3600"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    # Not the app's answer: Flask's static view would add the CSP and no-cache.
    assert "Content-Security-Policy" not in reply.headers
    assert "/static/css/quorum.css" not in stack.gunicorn_log.read_text()

    versioned = fetch(site(stack), "/static/css/quorum.css?v=1")
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"

    compressed = fetch(site(stack), "/static/css/quorum.css", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.body) == css


@pytest.mark.parametrize("path", ["/no-such-page", "/static/no-such-file.css"])
def test_not_found_is_the_apps_own_page(stack, path):
    reply = fetch(site(stack), path)
    assert reply.status == 404
    assert '<html lang="en"' in reply.text
    assert "Page not found" in reply.text
    assert "Content-Security-Policy" in reply.headers


def test_post_without_csrf_token_is_refused(stack):
    reply = fetch(
        site(stack),
        "/auth/login",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body="identifier=alice&password=whatever-it-is",
    )
    assert reply.status == 400
    assert "This form had expired" in reply.text


def test_production_session_cookie_is_secure(stack):
    cookie = fetch(site(stack), "/auth/login").cookie("session")
    assert cookie is not None
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite"} <= attributes
    assert "SameSite=Lax" in cookie


def test_nginx_overwrites_a_forged_forwarded_proto(stack):
    """The app believes X-Forwarded-Proto (ProxyFix), so nginx must set it from its own
    scheme. Flask-WTF demands a same-origin Referer on HTTPS only: over nginx's TLS a
    forged `http` must not spare the check, while straight to gunicorn it does (the
    control); with the Referer a browser sends, the form runs."""
    session, token = login_form(stack)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": session,
        "X-Forwarded-Proto": "http",
    }
    body = f"csrf_token={token}&identifier=nobody&password=wrong-password-1"
    through_nginx = fetch(site(stack), "/auth/login", "POST", headers, body)
    assert through_nginx.status == 400  # https: no Referer, refused
    direct = fetch(stack.gunicorn_port, "/auth/login", "POST", headers, body)
    assert direct.status == 422  # the form ran: wrong password, not a CSRF refusal
    referer = {**headers, "Referer": f"{origin(stack)}/auth/login"}
    with_referer = fetch(site(stack), "/auth/login", "POST", referer, body)
    assert with_referer.status == 422 and "do not match" in with_referer.text


def test_sign_up_through_nginx_writes_to_the_migrated_database(stack):
    page = fetch(site(stack), "/auth/register")
    session = page.cookie("session").split(";", 1)[0]
    username = "deploy_" + secrets.token_hex(4)
    password = "a-long-deploy-pass"
    body = (
        f"csrf_token={csrf_token_from(page.text)}&email={username}%40example.org"
        f"&username={username}&password={password}&password_confirm={password}"
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": session,
        "Referer": f"{origin(stack)}/auth/register",
    }
    reply = fetch(site(stack), "/auth/register", "POST", headers, body)
    assert reply.status in (302, 303), reply.text
    session = (reply.cookie("session") or session).split(";", 1)[0]
    login = fetch(site(stack), "/auth/login", headers={"Cookie": session})
    session = (login.cookie("session") or session).split(";", 1)[0]
    body = f"csrf_token={csrf_token_from(login.text)}&identifier={username}&password={password}"
    headers = {**headers, "Cookie": session, "Referer": f"{origin(stack)}/auth/login"}
    signed_in = fetch(site(stack), "/auth/login", "POST", headers, body)
    assert signed_in.status in (302, 303), signed_in.text
    cookie = signed_in.cookie("session").split(";", 1)[0]
    home = fetch(site(stack), "/", headers={"Cookie": cookie})
    assert username in home.text


def test_request_size_limit_matches_the_apps(stack):
    """nginx refuses bodies over 8 MiB, as the app would, and passes those it accepts."""
    connection = site(stack)
    try:
        connection.putrequest("POST", "/auth/login")
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(EIGHT_MIB + 1))
        connection.endheaders()  # nginx answers from the header alone
        too_large = connection.getresponse()
        assert too_large.status == 413
        assert b"nginx" in too_large.read()  # nginx's own page: the app never saw it
    finally:
        connection.close()

    boundary = "quorum-deploy-test"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    # One byte under: behind gunicorn, Werkzeug refuses a body of exactly
    # MAX_CONTENT_LENGTH, as it cannot tell it from a longer one.
    body = head + b"x" * (EIGHT_MIB - 1 - len(head) - len(tail)) + tail
    reply = fetch(
        site(stack),
        "/auth/login",
        "POST",
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        body,
    )
    assert reply.status == 400  # reached the app, which wants a CSRF token


@pytest.mark.parametrize("path", ["/", "/static/css/quorum.css", "/no-such-page", "/healthz"])
def test_every_https_answer_asks_for_https_from_now_on(stack, path):
    """HSTS on pages, nginx's own static files and error pages alike."""
    reply = fetch(site(stack), path)
    assert reply.headers.get_all("Strict-Transport-Security") == [HSTS], path


def test_plain_http_moves_to_https(stack):
    host = {"Host": f"{stack.nginx.host}:{stack.nginx.http_port}"}
    reply = fetch(stack.nginx.http_port, "/c/?sort=new", headers=host)
    assert reply.status == 301
    assert reply.headers["Location"] == f"https://{stack.nginx.host}/c/?sort=new"
    assert "/c/?sort=new" not in stack.gunicorn_log.read_text()  # nginx answered alone


def closed_without_answer(request) -> bool:
    try:
        request()
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return True
    return False


@pytest.mark.parametrize("host", ["evil.example", "a" * 300, "127.0.0.1", "quorum.test.evil"])
def test_other_hosts_get_no_answer(stack, host):
    """nginx's default server closes the connection (444) for any name not the site's,
    over HTTP and over TLS (where an unknown name does not even get a handshake)."""
    marker = f"/probe-{secrets.token_hex(4)}"
    assert closed_without_answer(
        lambda: fetch(stack.nginx.http_port, marker, headers={"Host": host})
    )
    assert closed_without_answer(lambda: fetch(site(stack), marker, headers={"Host": host}))
    if len(host) < 64:
        with pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"):
            fetch(stack.nginx.https(WAIT, server_name=host), marker)
    assert marker not in stack.gunicorn_log.read_text()


@pytest.mark.parametrize("host", ["evil.example", "a" * 300, "a..b"])
def test_the_app_itself_refuses_other_hosts_with_a_400(stack, host):
    """Behind any proxy (or none), TRUSTED_HOSTS makes the app answer a foreign or
    broken Host with its 400 page, never a 500 and never a link to that host."""
    reply = fetch(stack.gunicorn_port, "/?_external=1", headers={"Host": host})
    assert reply.status == 400
    assert '<html lang="en"' in reply.text and host not in reply.text


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9999")
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert settings["bind"] == "127.0.0.1:9999" and settings["workers"] == 5
    monkeypatch.delenv("GUNICORN_BIND")
    monkeypatch.delenv("WEB_CONCURRENCY")
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert settings["bind"] == "0.0.0.0:8000" and 3 <= settings["workers"] <= 8
    assert settings["accesslog"] == "-"


def test_gunicorn_worker_model_defaults_to_sync_and_reads_the_environment(monkeypatch):
    """Sync workers unless GUNICORN_WORKER_CLASS / GUNICORN_THREADS say otherwise (one
    thread: gunicorn would switch a sync worker with threads to gthread by itself)."""
    for name in ("GUNICORN_WORKER_CLASS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert (settings["worker_class"], settings["threads"]) == ("sync", 1)
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "gthread")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert (settings["worker_class"], settings["threads"]) == ("gthread", 8)


def test_env_example_documents_every_setting():
    example = (PROJECT_ROOT / ".env.example").read_text()
    for name in [*ENVIRONMENT_SETTINGS, "GUNICORN_BIND", "WEB_CONCURRENCY", "POSTGRES_PASSWORD"]:
        assert re.search(rf"^#? ?{name}=", example, re.M), f".env.example lacks {name}"


def test_compose_wiring_matches_nginx_conf():
    """The strings nginx.conf relies on (tests/support/nginx.py rewrites them for the
    loopback run) are what docker-compose.yml provides: the template mount and envsubst
    output, TRUSTED_HOSTS for nginx and the app, the certificates, both ports."""
    compose = (PROJECT_ROOT / "docker-compose.yml").read_text()
    conf = nginx.NGINX_CONF.read_text()
    assert "set $quorum_web web:8000;" in conf and re.search(r"^  web:$", compose, re.M)
    assert "root /app;" in conf and "./static:/app/static:ro" in compose
    assert "./nginx.conf:/etc/nginx/templates/nginx.conf.template:ro" in compose
    assert "NGINX_ENVSUBST_OUTPUT_DIR: /etc/nginx" in compose
    assert conf.count("server_name ${TRUSTED_HOSTS};") == 2
    assert compose.count("TRUSTED_HOSTS: ${TRUSTED_HOSTS:?") == 2  # nginx and web
    assert "ssl_certificate /etc/nginx/tls/fullchain.pem;" in conf
    assert ":/etc/nginx/tls:ro" in compose
    assert "listen 80;" in conf and ':80"' in compose
    assert "listen 443 ssl;" in conf and ':443"' in compose
    assert 'PROXY_FIX_HOPS: "1"' in compose


def dotenv_sets_secret_key() -> bool:
    dotenv = PROJECT_ROOT / ".env"
    return dotenv.exists() and bool(re.search(r"^\s*SECRET_KEY\s*=\s*\S", dotenv.read_text(), re.M))


@pytest.mark.parametrize("secret", [None, ""], ids=["unset", "empty"])
def test_production_refuses_to_start_without_secret_key(tmp_path, secret):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "QUORUM_ENV": "production",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
    }
    if secret is None:
        if dotenv_sets_secret_key():
            pytest.skip("this checkout's .env sets SECRET_KEY")
    else:
        env["SECRET_KEY"] = secret
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY" in lines[0] and lines[0].startswith("Quorum cannot start:")


# -- The micro-cache (nginx) and the app's own cache headers ------------------------------


def signed_in_cookie(stack: Stack) -> tuple[str, str]:
    """Sign up and sign in a new person through nginx: (session cookie, username)."""
    page = fetch(site(stack), "/auth/register")
    session = page.cookie("session").split(";", 1)[0]
    username = "cache_" + secrets.token_hex(4)
    password = "a-long-deploy-pass"
    body = (
        f"csrf_token={csrf_token_from(page.text)}&email={username}%40example.org"
        f"&username={username}&password={password}&password_confirm={password}"
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": session,
        "Referer": f"{origin(stack)}/auth/register",
    }
    assert fetch(site(stack), "/auth/register", "POST", headers, body).status in (302, 303)
    login = fetch(site(stack), "/auth/login", headers={"Cookie": session})
    session = (login.cookie("session") or session).split(";", 1)[0]
    body = f"csrf_token={csrf_token_from(login.text)}&identifier={username}&password={password}"
    headers = {**headers, "Cookie": session, "Referer": f"{origin(stack)}/auth/login"}
    signed_in = fetch(site(stack), "/auth/login", "POST", headers, body)
    assert signed_in.status in (302, 303), signed_in.text
    return signed_in.cookie("session").split(";", 1)[0], username


def test_guest_pages_come_from_the_micro_cache(stack):
    path = "/tags?micro-cache=" + secrets.token_hex(4)  # a key no other test has filled
    first = fetch(site(stack), path)
    second = fetch(site(stack), path)
    assert first.status == second.status == 200
    assert first.headers["X-Cache-Status"] == "MISS"
    assert second.headers["X-Cache-Status"] == "HIT"
    assert second.body == first.body
    assert second.headers["Cache-Control"] == "public, max-age=30"
    assert second.headers.get_all("Set-Cookie") is None
    assert second.headers["Strict-Transport-Security"] == HSTS


def test_signed_in_pages_bypass_the_micro_cache_and_are_never_stored(stack):
    cookie, username = signed_in_cookie(stack)
    path = "/tags?micro-cache=" + secrets.token_hex(4)
    for _ in range(2):
        mine = fetch(site(stack), path, headers={"Cookie": cookie})
        assert mine.status == 200 and username in mine.text
        assert mine.headers["X-Cache-Status"] == "BYPASS"
        assert mine.headers["Cache-Control"] == "private, no-store"
    # A guest asking for the same page after the signed-in person gets a guest's page.
    guest = fetch(site(stack), path)
    assert guest.headers["X-Cache-Status"] == "MISS" and username not in guest.text


def test_answers_that_set_a_cookie_are_never_cached(stack):
    for _ in range(2):
        page = fetch(site(stack), "/auth/login")
        assert page.cookie("session") and page.headers["X-Cache-Status"] == "MISS"


def test_the_app_serves_fingerprinted_static_files_as_immutable(stack):
    """Straight from gunicorn (no nginx): the page's static URLs carry the fingerprint,
    and the app answers them with a year's immutable lifetime."""
    page = fetch(stack.gunicorn_port, "/", headers={"Host": nginx.SITE_HOST})
    css = re.search(r'href="(/static/css/quorum\.css\?v=[0-9a-f]+)"', page.text)
    assert css, page.text[:500]
    reply = fetch(stack.gunicorn_port, css.group(1), headers={"Host": nginx.SITE_HOST})
    assert reply.status == 200
    assert reply.headers["Cache-Control"] == "public, max-age=31536000, immutable"
