"""Signed-in devices. Every sign-in creates a UserSession row; the browser's session and
remember cookies carry a random token that names it (only its hash is stored). Signing
out deletes the row, so a copied cookie stops working at once, on every server."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from flask import session as flask_session
from sqlalchemy import delete, select

from webapp.extensions import db
from webapp.models import User, UserSession, utc_now
from webapp.reports.queries import open_reports_column

# last_seen_at is written at most this often, so reading a page rarely writes.
LAST_SEEN_EVERY = timedelta(minutes=5)
SESSION_ID_PREFIX = "s:"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_of(user: User) -> str | None:
    """The token of the device this user object was signed in or loaded on."""
    return getattr(user, "_session_token", None)


def _attach(user: User, token: str) -> None:
    # User.get_id() hands this to Flask-Login for the session and the remember cookie.
    setattr(user, "_session_token", token)  # noqa: B010 - not a mapped column


def open_session(user: User, user_agent: str, ip_address: str) -> UserSession:
    """Record a new signed-in device for `user` and make it the one `user` stands for."""
    token = secrets.token_urlsafe(32)
    device = UserSession(
        user_id=user.id,
        token_hash=_hash(token),
        user_agent=(user_agent or "")[:300],
        ip_address=(ip_address or "")[:64],
    )
    db.session.add(device)
    db.session.flush()
    _attach(user, token)
    return device


def user_for_session_id(
    session_id: str, ip_address: str = "", on_banned: Callable[[User], None] | None = None
) -> User | None:
    """The person a session or remember cookie stands for, or None when that device was
    signed out (here or everywhere), the password changed, or the account is banned. A
    banned person's device is signed out for good, and `on_banned(user)` tells them why
    (it runs in this request: a flash message on the page they asked for)."""
    if not session_id.startswith(SESSION_ID_PREFIX):
        return None  # cookies from before devices were recorded: sign in again
    token = session_id.removeprefix(SESSION_ID_PREFIX)
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        select(UserSession, User, open_reports_column())
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == _hash(token))
    ).first()
    if row is None:
        return None
    device, user, open_report_count = row
    # Read by webapp.reports.queries.open_report_count: not a mapped column.
    setattr(user, "open_report_count", open_report_count)  # noqa: B010
    # Every device signed in when a ban began is signed out on its next request, even
    # if the ban has ended since; the person signs in again once it is over.
    if user.banned_at is not None and (user.is_banned or device.created_at <= user.banned_at):
        db.session.execute(delete(UserSession).where(UserSession.id == device.id))
        if on_banned is not None and user.is_banned:
            on_banned(user)
        return None
    now = utc_now()
    if now - device.last_seen_at >= LAST_SEEN_EVERY:
        device.last_seen_at = now
        if ip_address:
            device.ip_address = ip_address[:64]
    _attach(user, token)
    return user


def devices_of(user: User) -> list[UserSession]:
    """The person's signed-in devices, most recently used first."""
    statement = (
        select(UserSession)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return list(db.session.scalars(statement))


def is_this_device(user: User, device: UserSession) -> bool:
    token = token_of(user)
    return token is not None and device.token_hash == _hash(token)


def close_session(user: User) -> None:
    """Sign out the device `user` was loaded on."""
    token = token_of(user)
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))


def close_device(user: User, device_id: int) -> bool:
    """Sign out one of the person's own devices; False when there is no such device."""
    result = db.session.execute(
        delete(UserSession).where(UserSession.id == device_id, UserSession.user_id == user.id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def close_other_sessions(user: User) -> int:
    """Sign out every device of the person except this one; how many were signed out."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    token = token_of(user)
    if token:
        statement = statement.where(UserSession.token_hash != _hash(token))
    result = db.session.execute(statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def close_all_sessions(user: User) -> None:
    """Sign out every device of the person (a ban, a deleted account, a reset password)."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"))
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str) -> str:
    """ "Firefox on Linux" from a User-Agent header, for the list of signed-in devices."""
    from flask_babel import gettext as _

    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    if browser is None and "Safari/" in user_agent:
        browser = "Safari"
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown device")


# -- When the password was last typed on this device ---------------------------------------

_PASSWORD_TYPED_AT = "password_typed_at"


def mark_password_typed() -> None:
    """The person just typed their password here (signing in, or confirming it)."""
    flask_session[_PASSWORD_TYPED_AT] = int(time.time())


def password_typed_within(period: timedelta) -> bool:
    """Whether the password was typed on this device within `period` (a session that a
    remember cookie restored has not typed it)."""
    typed_at = flask_session.get(_PASSWORD_TYPED_AT)
    if not isinstance(typed_at, int):
        return False
    return 0 <= time.time() - typed_at < period.total_seconds()
