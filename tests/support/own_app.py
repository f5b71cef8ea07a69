"""An app of a test's own: on a fresh database whose writes are committed for real (the
suite's app rolls every test back, which a killed connection or a second Redis would
break), answering as in production; and small helpers to drive and observe it."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, request, request_finished
from flask_migrate import upgrade
from PIL import Image
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, suite_settings
from tests.support.databases import fresh_database
from tests.support.forms import submit
from webapp import create_app
from webapp.extensions import db, limiter


@contextmanager
def limiter_put_back() -> Iterator[None]:
    """Flask-Limiter's limiter is one object per process, which each app binds to its
    own storage: its state is put back afterwards, so the suite's own app goes on as
    before."""
    saved_state = dict(vars(limiter))
    saved_options = dict(limiter._storage_options)
    try:
        yield
    finally:
        vars(limiter).clear()
        vars(limiter).update(saved_state)
        limiter._storage_options.clear()
        limiter._storage_options.update(saved_options)


def settings_of_its_own(database_url: str, tmp_path, **overrides) -> dict:
    """The suite's settings, answering as in production (a crash is a 500 page, not an
    exception in the test), with the Redis (if any) that the test names."""
    settings = suite_settings(database_url, tmp_path / "instance")
    for key in ("CACHE_TYPE", "CACHE_REDIS_URL", "RATELIMIT_STORAGE_URI"):
        settings.pop(key, None)
    settings.update(PROPAGATE_EXCEPTIONS=False, **overrides)
    return settings


@contextmanager
def app_of_its_own(tmp_path, **overrides) -> Iterator[Flask]:
    """An app on a fresh database built by the real migrations."""
    with limiter_put_back(), fresh_database(tmp_path, "faults") as database_url:
        app = create_app(settings_of_its_own(database_url, tmp_path, **overrides))
        try:
            with app.app_context():
                upgrade()
            # Alembic's logging setup (fileConfig) silences every logger that existed
            # before it; the lines these tests read must be heard again.
            for name in ("flask-limiter", "webapp", "webapp.faults"):
                logging.getLogger(name).disabled = False
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@contextmanager
def answers_recorded(app: Flask) -> Iterator[list[tuple[str, str, int]]]:
    """(method, endpoint, status) of every response the app gives inside the block."""
    answers: list[tuple[str, str, int]] = []

    def record(sender, response, **extra):

        answers.append((request.method, request.endpoint or "", response.status_code))

    with request_finished.connected_to(record, app):
        yield answers


@contextmanager
def log_lines() -> Iterator[list[str]]:
    """The log lines written inside the block (at WARNING and above)."""
    lines: list[str] = []

    class Recorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(f"{record.name}: {record.getMessage()}")

    handler = Recorder(logging.WARNING)
    logging.getLogger().addHandler(handler)
    try:
        yield lines
    finally:
        logging.getLogger().removeHandler(handler)


def count(app: Flask, model, *conditions) -> int:
    with app.app_context():
        statement = select(func.count()).select_from(model)
        for condition in conditions:
            statement = statement.where(condition)
        return db.session.scalar(statement) or 0


def image_upload(name: str = "photo.png") -> tuple[io.BytesIO, str]:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer, name


def sign_up_and_in(client, username: str) -> None:
    fields = {
        "email": f"{username}@example.org",
        "username": username,
        "password": TEST_PASSWORD,
        "password_confirm": TEST_PASSWORD,
    }
    assert submit(client, "/auth/register", fields).status_code == 303
    signed_in = submit(client, "/auth/login", {"identifier": username, "password": TEST_PASSWORD})
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
