"""Opaque keyset cursors: the sort key and id of the last row shown, signed.

A cursor that was tampered with or is malformed reads as "no cursor" (the first page):
a stale link never breaks a page.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "quorum.cursor"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def encode_cursor(*values: Any) -> str:
    return _serializer().dumps(list(values))


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    if not cursor or len(cursor) > 500:
        return None
    try:
        values = _serializer().loads(cursor)
    except (BadSignature, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != arity:
        return None
    return values
