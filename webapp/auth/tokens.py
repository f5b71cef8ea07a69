"""Signed links sent by mail (password reset, email confirmation, undoing an email
change). A token is signed with SECRET_KEY and a salt per purpose, carries its own
time, and names what it acts on together with a fingerprint of the state it expects
(the password hash, the address): once that state changes, the token is spent."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from webapp.domain import DomainError


class TokenExpired(DomainError):
    """The link is genuine but too old."""


class TokenInvalid(DomainError):
    """The link was altered, made for something else, or already used."""


def fingerprint(*values: str | None) -> str:
    """A short hash of the state a token expects (never the state itself: tokens are
    readable by whoever holds them)."""
    joined = "\x00".join(value or "" for value in values)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"quorum:{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    """A signed, dated token for `purpose` carrying `payload` (JSON-serializable)."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age_seconds: int) -> Any:
    """The payload of a token made for `purpose`; raises TokenExpired or TokenInvalid
    (the messages are for the person who followed the link)."""
    from flask_babel import lazy_gettext as _l

    if not token or len(token) > 1000:
        raise TokenInvalid(_l("This link is not valid. Ask for a new one."), status=400)
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise TokenExpired(_l("This link has expired. Ask for a new one."), status=400) from None
    except BadSignature:
        raise TokenInvalid(_l("This link is not valid. Ask for a new one."), status=400) from None
