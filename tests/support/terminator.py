"""Ending a test app's PostgreSQL connections at chosen moments."""

from __future__ import annotations

from contextlib import contextmanager

from flask import Flask, request_finished
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from tests.support.databases import server_url
from webapp.extensions import db


class Terminator:
    """Ends the app's PostgreSQL connections from a separate admin connection, as an
    operator's `pg_terminate_backend` (or a failover) would: between requests, or at a
    moment inside one: before its statement number `at` ("statement"), when it commits
    ("commit"), once its view has answered ("after view", before the request's commit
    or rollback), or once its response is made ("response made", before the session is
    closed)."""

    def __init__(self, app: Flask):
        self.app = app
        with app.app_context():
            self.engine = db.engine
        self.database = make_url(str(self.engine.url)).database
        self.admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
        self.statements = 0
        self.kills = 0
        self.plan: tuple[str, int, int] | None = None  # (moment, at statement, times)
        event.listen(self.engine, "before_cursor_execute", self._before_statement)
        event.listen(self.engine, "commit", self._before_commit)
        # after_request functions run last-registered first: this one before the commit.
        app.after_request_funcs.setdefault(None, []).append(self._after_view)
        request_finished.connect(self._response_made, app)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before_statement)
        event.remove(self.engine, "commit", self._before_commit)
        self.app.after_request_funcs[None].remove(self._after_view)
        request_finished.disconnect(self._response_made, self.app)
        self.admin.dispose()

    def terminate_all(self) -> int:
        with self.admin.connect() as connection:
            ended = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": self.database},
            ).scalar_one()
        self.kills += 1
        return ended

    @contextmanager
    def during_next_request(self, at: int = 2, times: int = 1, moment: str = "statement"):
        """Terminate the connections at `moment`; for "statement", before statement `at`
        (1 = the first) and again before each following one until done `times` times."""
        self.statements, self.kills = 0, 0
        self.plan = (moment, at, times)
        try:
            yield self
        finally:
            self.plan = None

    def _once_at(self, moment: str) -> None:
        if self.plan is not None and self.plan[0] == moment and self.kills == 0:
            self.terminate_all()

    def _before_statement(self, conn, cursor, statement, parameters, context, executemany):
        if self.plan is None or self.plan[0] != "statement":
            return
        self.statements += 1
        _moment, at, times = self.plan
        if self.statements >= at and self.kills < times:
            self.terminate_all()

    def _before_commit(self, conn):
        self._once_at("commit")

    def _after_view(self, response):
        self._once_at("after view")
        return response

    def _response_made(self, sender, response, **extra):
        self._once_at("response made")
