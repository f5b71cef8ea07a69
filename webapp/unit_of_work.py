"""One transaction per request or per command, committed at the boundary.

Services add and flush; they never commit. The web request commits once, after the
view returned a successful response (`commit_successful_request`); a command or a test
wraps its work in `unit_of_work()`. Code that must run only once the data is really
stored (cache invalidation, notifications) registers with `after_commit`: a write that
rolls back fires nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, request
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from webapp.extensions import db
from webapp.faults import roll_back

_HOOKS_KEY = "quorum_after_commit"
_WROTE_KEY = "quorum_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the current transaction has committed (never on rollback)."""
    db.session().info.setdefault(_HOOKS_KEY, []).append(callback)


def pending_hooks() -> int:
    """How many after-commit callbacks wait for the current transaction."""
    return len(db.session().info.get(_HOOKS_KEY, []))


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block did, or roll all of it back if it raised."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


@event.listens_for(Session, "after_commit")
def _run_after_commit_hooks(session: Session) -> None:
    # SQLAlchemy reports a released SAVEPOINT as a commit too: only the real one counts.
    if session.in_nested_transaction():
        return
    session.info.pop(_WROTE_KEY, None)
    hooks = session.info.pop(_HOOKS_KEY, [])
    for hook in hooks:
        hook()


@event.listens_for(Session, "after_transaction_end")
def _forget_hooks_of_rolled_back_work(session: Session, transaction: SessionTransaction) -> None:
    # After a commit the hooks are gone already; a root transaction that ends
    # otherwise was rolled back, and its hooks must never run.
    if transaction.parent is None:
        session.info.pop(_HOOKS_KEY, None)
        session.info.pop(_WROTE_KEY, None)


@event.listens_for(Session, "after_flush")
def _note_flushed_writes(session: Session, flush_context) -> None:
    session.info[_WROTE_KEY] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement_writes(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE_KEY] = True


def commit_successful_request(response: Response) -> Response:
    """A request's writes are committed when its response says it succeeded (2xx/3xx);
    anything else (a form error, a refused action, a crash) rolls them back."""
    if response.status_code >= 400:
        roll_back()
    elif request.method not in SAFE_METHODS or _session_has_changes():
        db.session.commit()
    # A read-only request needs neither: the session is closed when the request ends.
    return response


def _session_has_changes() -> bool:
    """Pending objects, or writes already flushed or executed in this transaction."""
    session = db.session()
    return bool(session.new or session.dirty or session.deleted or session.info.get(_WROTE_KEY))


def init_app(app: Flask) -> None:
    # Registered first, so it runs last: after every other after_request hook.
    app.after_request_funcs.setdefault(None, []).insert(0, commit_successful_request)
