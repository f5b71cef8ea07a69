"""Shared fixtures: one app per test session, and a rolled-back transaction per test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set
(with TEST_REDIS_URL, Redis is the cache and rate-limit store).
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.support.databases import fresh_database, is_postgres
from tests.support.forms import submit
from tests.support.mailbox import shared_mailbox
from webapp import create_app
from webapp.extensions import cache, db

TEST_PASSWORD = "correct horse battery"


def suite_settings(database_url: str, instance_path) -> dict:
    settings = {
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance_path),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; scrypt in real use
        "LOGIN_RATE_LIMIT": "10000 per minute",
        "REGISTER_RATE_LIMIT": "10000 per minute",
        "WRITE_RATE_LIMIT": "10000 per minute",
        "API_RATE_LIMIT": "10000 per minute",
        "API_WRITE_RATE_LIMIT": "10000 per minute",
        "VOTE_RATE_LIMIT": "10000 per minute",
        "UPLOAD_RATE_LIMIT": "10000 per minute",
        "CHANGE_EMAIL_RATE_LIMIT": "10000 per minute",
        "LOGIN_FAILURE_LIMIT": "10000 per minute",
        "TESTING": True,
        # The suite reads pages twice to count a render's statements and changes rows
        # directly; tests of the page cache itself (test_caching.py) turn it on.
        "PAGE_CACHE": "off",
        # Mail goes over SMTP to the server in this process (tests/support/mailbox.py).
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": shared_mailbox().port,
        "MAIL_FROM": "Quorum <noreply@quorum.test>",
        "PASSWORD_RESET_RATE_LIMIT": "10000 per minute",
        "VERIFY_EMAIL_RATE_LIMIT": "10000 per minute",
        "TWO_FACTOR_RATE_LIMIT": "10000 per minute",
        "EXPORT_RATE_LIMIT": "10000 per minute",
    }
    redis_url = os.environ.get("TEST_REDIS_URL")
    if redis_url:
        settings.update(
            CACHE_TYPE="RedisCache",
            CACHE_REDIS_URL=redis_url,
            CACHE_KEY_PREFIX=f"quorum-test-{uuid.uuid4().hex[:8]}:",
            RATELIMIT_STORAGE_URI=redis_url,
            RATELIMIT_KEY_PREFIX=f"quorum-test-{uuid.uuid4().hex[:8]}",
        )
    return settings


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app, on a fresh database built by the real migrations."""
    directory = tmp_path_factory.mktemp("app")
    with fresh_database(directory, "suite") as database_url:
        app = create_app(suite_settings(database_url, directory / "instance"))

        @app.route("/_test/server-error")
        def server_error():  # lets tests see the 500 page
            raise RuntimeError("deliberate failure for the 500 page test")

        with app.app_context():
            upgrade()
        yield app
        with app.app_context():
            cache.clear()
            db.engine.dispose()


@pytest.fixture
def db_session(app):
    """A session whose work is rolled back after the test, even work that commits.

    No app context stays pushed during the test: each request gets its own, as in
    production, so nothing cached on `g` leaks from one request into the next.
    """
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    original_session = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    )
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session = original_session
        outer.rollback()
        connection.close()
        with app.app_context():
            cache.clear()


@pytest.fixture
def mailbox(app):
    """The SMTP server's received mail, emptied for this test."""
    box = shared_mailbox()
    box.clear()
    yield box
    box.clear()


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture
def runner(app, db_session):
    return app.test_cli_runner()


@pytest.fixture
def app_context(app, db_session):
    with app.test_request_context():
        yield


class StatementCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(app, db_session):
    """`with count_statements() as counter: …` counts the SQL statements run inside."""

    @contextmanager
    def counting():
        counter = StatementCounter()

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                counter.statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def make_user(app, db_session):
    """Create a user (and profile) through the registration service."""
    from webapp.auth.services import register_user
    from webapp.unit_of_work import unit_of_work

    def make(username: str = "alice", email: str | None = None, password: str = TEST_PASSWORD):
        with app.test_request_context():
            with unit_of_work():
                user = register_user(email or f"{username}@example.org", username, password)
            return user.id

    return make


class AuthActions:
    """Sign up, in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def register(self, username="alice", email=None, password=TEST_PASSWORD, confirm=None):
        return submit(
            self.client,
            "/auth/register",
            {
                "email": email or f"{username}@example.org",
                "username": username,
                "password": password,
                "password_confirm": password if confirm is None else confirm,
            },
        )

    def login(self, identifier="alice", password=TEST_PASSWORD, **extra):
        return submit(
            self.client, "/auth/login", {"identifier": identifier, "password": password, **extra}
        )

    def logout(self):
        return submit(self.client, "/", {}, post_url="/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


def pytest_sessionstart(session):
    """Compile the catalogs when a .po is newer than its .mo (as `make test` does), so
    that running pytest directly tests the current translations."""
    from webapp.config import PROJECT_ROOT

    for po in (PROJECT_ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po

            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)


def pytest_report_header(config):
    engine = "PostgreSQL" if is_postgres() else "SQLite"
    cache_kind = "Redis" if os.environ.get("TEST_REDIS_URL") else "SimpleCache"
    return f"quorum: database={engine}, cache={cache_kind}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a skipped browser test is a failure: CI must prove the journeys run."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and item.get_closest_marker("browser"):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under CI: {report.longrepr}"


@pytest.fixture
def content(app, db_session):
    from tests.support.content import ContentBuilder

    return ContentBuilder(app)


@pytest.fixture
def api_as(app, client, make_user, db_session):
    """`api_as("alice")` → an ApiClient with a write token of alice's (created if she
    does not exist); `api_as("alice", scope="read")` for a read-only token."""
    from sqlalchemy import select

    from tests.support.api import ApiClient, make_token
    from webapp.models import Profile

    def make(username: str, scope: str = "write") -> ApiClient:
        user_id = db_session.scalar(select(Profile.user_id).where(Profile.username == username))
        if user_id is None:
            user_id = make_user(username)
        return ApiClient(client, make_token(app, user_id, scope))

    return make
