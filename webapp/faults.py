"""Surviving the failure of what the app depends on.

Redis (cache and rate-limit counters) is optional at run time: while it is out of reach
the cache misses and skips its writes (`FailSafeCache`) and Flask-Limiter counts in each
worker's memory (`extensions.limiter`), so sign-in and every write keep working and
`/healthz` says the site is degraded.

PostgreSQL is not optional, but a lost connection must not be a crash: a read whose
connection died is run once more on a fresh one, and a request that still cannot reach
the database is answered with a 503 that says what happened ("Nothing was saved"),
never a generic error (`dispatch`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from copy import deepcopy
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    render_template,
    request,
    session,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_babel import refresh as forget_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from webapp.api.errors import json_error, wants_json
from webapp.error_pages import ERROR_TEXTS, render_error
from webapp.extensions import cache, db, limiter, login_manager
from webapp.ratelimits import check_limits

try:  # the Redis client is installed wherever REDIS_URL can be used
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover

    class RedisError(Exception):  # type: ignore[no-redef]
        """Stands in for redis-py's base error where redis-py is not installed."""


logger = logging.getLogger(__name__)

# A store in another process must answer quickly or be treated as down: without these,
# a Redis that stops answering (rather than refusing) would hold every request.
REDIS_TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
# Errors that mean "the store is out of reach" (connection refused, timeout, a full or
# read-only Redis …), as opposed to a programming error.
STORE_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)

SAFE_TO_REPEAT = frozenset({"GET", "HEAD"})
RETRY_AFTER_SECONDS = 5
# SQLSTATEs of a lost connection: class 08 (connection exception) and the server going
# away (57P01 admin shutdown, e.g. pg_terminate_backend; 57P02 crash; 57P03 starting up).
_LOST_CONNECTION_STATES = ("08", "57P01", "57P02", "57P03")
_COMMIT_SENT = "quorum_commit_sent"

NOTHING_SAVED = _l("Nothing was saved. Please try again.")
MAYBE_SAVED = _l(
    "We could not confirm that this was saved. Please check, and try again if it is missing."
)


# --- Redis: the cache ---------------------------------------------------------------


def _no_values(*keys: Any, **_: Any) -> list[None]:
    return [None] * len(keys)


def _no_dict(*keys: Any, **_: Any) -> dict[Any, None]:
    return dict.fromkeys(keys)


# What each backend method answers while the store is out of reach: a miss, or "not done".
_WHEN_UNREACHABLE: dict[str, Callable[..., Any]] = {
    "get": lambda *a, **k: None,
    "has": lambda *a, **k: False,
    "set": lambda *a, **k: False,
    "add": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "clear": lambda *a, **k: False,
    "inc": lambda *a, **k: None,
    "dec": lambda *a, **k: None,
    "get_many": _no_values,
    "get_dict": _no_dict,
    "set_many": lambda *a, **k: [],
    "delete_many": lambda *a, **k: [],
    "unlink": lambda *a, **k: [],
}


class FailSafeCache:
    """A cache backend whose store may be out of reach. While it is, reads miss and
    writes are skipped (pages come from the database instead of failing), one log line
    says so, and the store is not asked again for `retry_seconds` (a store that times
    out would otherwise slow down every request)."""

    def __init__(self, backend: Any, retry_seconds: float = 5.0):
        self.backend = backend
        self.retry_seconds = retry_seconds
        self._down_until: float | None = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.backend, name)
        fallback = _WHEN_UNREACHABLE.get(name)
        if fallback is None or not callable(attribute):
            return attribute

        def guarded(*args: Any, **kwargs: Any) -> Any:
            if self._resting():
                return fallback(*args, **kwargs)
            try:
                result = attribute(*args, **kwargs)
            except STORE_ERRORS as error:
                self._failed(error)
                return fallback(*args, **kwargs)
            self._answered()
            return result

        return guarded

    def reachable(self) -> bool:
        """Ask the store itself (even while resting), for the health check."""
        try:
            self.backend.set("healthz", "ok", timeout=10)
            answered = self.backend.get("healthz") == "ok"
        except STORE_ERRORS as error:
            self._failed(error)
            return False
        if answered:
            self._answered()
        return answered

    def _resting(self) -> bool:
        down_until = self._down_until
        return down_until is not None and time.monotonic() < down_until

    def _failed(self, error: BaseException) -> None:
        with self._lock:
            first = self._down_until is None
            self._down_until = time.monotonic() + self.retry_seconds
        if first:
            logger.warning(
                "Cache store unreachable (%s): serving without the cache until it is back",
                error,
            )

    def _answered(self) -> None:
        if self._down_until is None:
            return
        with self._lock:
            self._down_until = None
        logger.warning("Cache store reachable again")


def prepare_stores(app: Flask) -> None:
    """Before the cache and the limiter are bound: Redis connections time out quickly
    (an operator's own CACHE_OPTIONS / RATELIMIT_STORAGE_OPTIONS win)."""
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis", "rediss", "valkey")):
        configured = app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {**REDIS_TIMEOUTS, **configured}
    if "Redis" in str(app.config.get("CACHE_TYPE", "")):
        configured = app.config.get("CACHE_OPTIONS") or {}
        app.config["CACHE_OPTIONS"] = {**REDIS_TIMEOUTS, **configured}


def guard_cache(app: Flask) -> None:
    """After the cache is bound: every call through `extensions.cache` survives an
    unreachable store."""
    backends = app.extensions["cache"]
    if not isinstance(backends[cache], FailSafeCache):
        backends[cache] = FailSafeCache(backends[cache])


def cache_reachable() -> bool:
    """Whether the cache's store answers right now."""
    backend = current_app.extensions["cache"][cache]
    if isinstance(backend, FailSafeCache):
        return backend.reachable()
    try:
        backend.set("healthz", "ok", timeout=10)
        return backend.get("healthz") == "ok"
    except STORE_ERRORS:
        return False


def rate_limit_store_reachable() -> bool:
    """Whether the rate-limit store answers (while it does not, limits are counted in
    each worker's memory)."""
    try:
        return bool(limiter.storage.check())
    except Exception:  # a health check reports; it never raises
        return False


# --- PostgreSQL: lost connections ---------------------------------------------------


def lost_connection(error: BaseException) -> bool:
    """Whether `error` says the database connection (or the server) went away, rather
    than that a statement was refused."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(_LOST_CONNECTION_STATES)
    # psycopg reports a connection attempt that failed (server down, refused) without
    # a SQLSTATE.
    return isinstance(error, OperationalError) and type(error.orig).__module__.startswith("psycopg")


@event.listens_for(Engine, "commit")
def _note_commit_sent(connection) -> None:
    """From here on, a lost connection may have lost the answer, not the data."""
    if has_app_context():
        setattr(g, _COMMIT_SENT, True)


def _load_the_person_first() -> None:
    """Load the signed-in person before anything else asks for them: Flask-Limiter's
    key function does, and it would take a database failure for a rate-limit storage
    failure (and swallow it)."""
    if request.endpoint != "static":
        current_user._get_current_object()


def init_app(app: Flask) -> None:
    check_limits(app)
    # First of all before_request functions, ahead of Flask-Limiter's.
    app.before_request_funcs.setdefault(None, []).insert(0, _load_the_person_first)
    # Teardown functions run last-registered first: this one before Flask-SQLAlchemy's.
    app.teardown_appcontext(_close_session)


class FaultTolerantFlask(Flask):
    """Flask, answering a lost database connection as `dispatch` says."""

    def full_dispatch_request(self) -> Response:
        return dispatch(super().full_dispatch_request)


def dispatch(run: Callable[[], Response]) -> Response:
    """Run the request (`run` is Flask's full dispatch). A read whose database
    connection was lost runs once more, on a fresh connection; a request that still
    cannot reach the database is answered with a 503 page (JSON under /api/)."""
    session_before = deepcopy(dict(session))
    try:
        return run()
    except DBAPIError as error:
        if not lost_connection(error):
            raise
        failure: DBAPIError = error
    _forget_failed_attempt(session_before)
    if request.method in SAFE_TO_REPEAT:
        logger.warning(
            "Database connection lost during %s %s; trying once more",
            request.method,
            request.path,
        )
        try:
            return run()
        except DBAPIError as error:
            if not lost_connection(error):
                raise
            failure = error
        _forget_failed_attempt(session_before)
    logger.error(
        "Database unreachable during %s %s: answered 503",
        request.method,
        request.path,
        exc_info=failure,
    )
    response = current_app.finalize_request(_unavailable(), from_error_handler=True)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _forget_failed_attempt(session_before: dict[str, Any]) -> None:
    """Nothing of the failed attempt stays: not its transaction, and not what it put in
    the session (a flashed "Your comment is posted.", a sign-in)."""
    _forget_failed_transaction()
    session.clear()
    session.update(session_before)


def _forget_failed_transaction() -> None:
    """The transaction died with its connection: start the session afresh."""
    roll_back()


def roll_back() -> None:
    """Roll the request's work back. A connection lost meanwhile took the transaction
    with it, which is all a rollback wants: the rollback then only resets the session."""
    try:
        db.session.rollback()
    except DBAPIError as error:
        if not lost_connection(error):
            raise
        db.session.rollback()  # the dead connection is invalidated now: no round trip


def _close_session(exc: BaseException | None) -> None:
    """Close the request's session before Flask-SQLAlchemy's own teardown does: a read
    keeps its transaction open until here, and a connection lost after the answer was
    made must not turn that answer into a 500."""
    try:
        db.session.remove()
    except DBAPIError as error:
        if not lost_connection(error):
            raise
        db.session.remove()


def _unavailable_message():
    if request.method in SAFE_TO_REPEAT:
        return ERROR_TEXTS[503][1]
    if g.get(_COMMIT_SENT):
        return MAYBE_SAVED
    return NOTHING_SAVED


def _unavailable() -> ResponseReturnValue:
    message = _unavailable_message()
    try:
        return _answer(message)
    except Exception:
        # Answering needed the database again (the signed-in person, their language)
        # and it is still out of reach: answer as to a guest, without the site's chrome.
        logger.warning("The 503 page could not be rendered with the site chrome", exc_info=True)
        _forget_failed_transaction()
        g._login_user = login_manager.anonymous_user()
        forget_locale()
        return _answer(message, standalone=True)


def _answer(message, standalone: bool = False) -> ResponseReturnValue:
    # JSON for the API and JSON endpoints, also when the failure came before the view
    # could say it answers JSON (the editor's upload asks for JSON).
    if wants_json() or request.accept_mimetypes.best == "application/json":
        return json_error(503, str(message), code="unavailable")
    if standalone:
        page = render_template(
            "errors/unavailable.html", title=ERROR_TEXTS[503][0], message=message
        )
        return page, 503
    return render_error(503, message)
