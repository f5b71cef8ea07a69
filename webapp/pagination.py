"""Keyset pagination with opaque cursors: the sort key and id of the last row shown,
packed into a few bytes and signed, so nobody can forge one and nothing in it names a
column or spells out a time. A cursor that is tampered with, malformed, from another
list or of an older format reads as "no cursor" (the first page): a stale link never
breaks a page. No list ever uses OFFSET, so page 1,000 costs what page 1 costs.

A cursor is base64url (no padding) of: a format byte, the values in the order of the
list's keys (integers and times as zigzag varints, times in microseconds since the
epoch, floats as 8 bytes, text as a length and UTF-8), and the first 12 bytes of an
HMAC-SHA256 over the format byte, the list's ordering and the values, keyed from
SECRET_KEY (or one of SECRET_KEY_FALLBACKS, so rotating the secret keeps links working).
The ordering is signed, not carried: a cursor of one list means nothing to another.
Values are packed, not encrypted: they are what the list itself shows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from flask import current_app
from sqlalchemy import Select, and_, or_, tuple_
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from webapp.extensions import db

FORMAT = b"\x01"
TAG_BYTES = 12
MAX_CURSOR_LENGTH = 256
_KEY_PURPOSE = b"quorum.cursor.v1"
_CURSOR_CHARS = re.compile(r"[A-Za-z0-9_-]+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FLOAT = struct.Struct(">d")
Row = TypeVar("Row")


class MalformedCursor(ValueError):
    """The bytes of a cursor do not unpack into the list's key values."""


@dataclass
class Page(Generic[Row]):
    items: list[Row]
    next_cursor: str | None


@dataclass(frozen=True)
class SortKey:
    """One column of a keyset ordering: a mapped attribute (`Post.id`) or a SQL expression."""

    column: ColumnElement[Any] | QueryableAttribute[Any]
    descending: bool = True

    @property
    def python_type(self) -> type:
        try:
            return self.column.type.python_type
        except NotImplementedError:
            return object


# -- Packing ------------------------------------------------------------------------------


def _varint(number: int) -> bytes:
    zigzag = number * 2 if number >= 0 else -number * 2 - 1
    out = bytearray()
    while True:
        byte = zigzag & 0x7F
        zigzag >>= 7
        if zigzag:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: Iterator[int]) -> int:
    zigzag = shift = 0
    for byte in data:
        zigzag |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return zigzag // 2 if zigzag % 2 == 0 else -(zigzag + 1) // 2
        shift += 7
        if shift > 63:
            break
    raise MalformedCursor("bad varint")


def _take(data: Iterator[int], count: int) -> bytes:
    chunk = bytes(byte for _, byte in zip(range(count), data, strict=False))
    if len(chunk) != count:
        raise MalformedCursor("cursor too short")
    return chunk


def _pack(value: Any, kind: type) -> bytes:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"cannot put {value!r} in a cursor")
    if kind is datetime:
        elapsed = value.astimezone(UTC) - _EPOCH
        return _varint((elapsed.days * 86_400 + elapsed.seconds) * 1_000_000 + elapsed.microseconds)
    if kind is int:
        return _varint(int(value))
    if kind is float:
        return _FLOAT.pack(float(value))
    if kind is str:
        encoded = str(value).encode()
        return _varint(len(encoded)) + encoded
    raise TypeError(f"cannot put a {kind.__name__} in a cursor")


def _unpack(data: Iterator[int], kind: type) -> Any:
    if kind is datetime:
        try:
            return _EPOCH + timedelta(microseconds=_read_varint(data))
        except OverflowError:
            raise MalformedCursor("time out of range") from None
    if kind is int:
        return _read_varint(data)
    if kind is float:
        return _FLOAT.unpack(_take(data, _FLOAT.size))[0]
    if kind is str:
        length = _read_varint(data)
        if not 0 <= length <= MAX_CURSOR_LENGTH:
            raise MalformedCursor("bad text length")
        try:
            return _take(data, length).decode()
        except UnicodeDecodeError:
            raise MalformedCursor("bad text") from None
    raise MalformedCursor(f"no packing for {kind.__name__}")


# -- Signing ------------------------------------------------------------------------------


def _list_identity(keys: Sequence[SortKey]) -> bytes:
    """Names the ordering a cursor belongs to (signed, never sent), so one list's cursor
    means nothing to another (a cursor of /c/?sort=members pasted into /?sort=new)."""
    return "|".join(f"{key.column}{'-' if key.descending else '+'}" for key in keys).encode()


def _signing_keys() -> list[bytes]:
    secrets = [
        current_app.config["SECRET_KEY"],
        *(current_app.config.get("SECRET_KEY_FALLBACKS") or []),
    ]
    return [
        hmac.new(
            secret.encode() if isinstance(secret, str) else secret, _KEY_PURPOSE, hashlib.sha256
        ).digest()
        for secret in secrets
    ]


def _tag(key: bytes, keys: Sequence[SortKey], body: bytes) -> bytes:
    message = _list_identity(keys) + b"\x00" + body
    return hmac.new(key, message, hashlib.sha256).digest()[:TAG_BYTES]


def encode_cursor(keys: Sequence[SortKey], *values: Any) -> str:
    """The cursor after the row whose sort key values are `values`."""
    if len(values) != len(keys):
        raise TypeError("one value per sort key")
    body = FORMAT + b"".join(
        _pack(value, key.python_type) for value, key in zip(values, keys, strict=True)
    )
    raw = body + _tag(_signing_keys()[0], keys, body)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str | None, keys: Sequence[SortKey]) -> list[Any] | None:
    """The values in `cursor`, or None when it is missing, forged, malformed, of another
    format or from another list."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH or not _CURSOR_CHARS.fullmatch(cursor):
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        return None
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != cursor:
        return None  # one spelling per cursor: no variants in the unused trailing bits
    body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
    if not body.startswith(FORMAT):  # also too short to hold a format byte and a tag
        return None
    if not any(hmac.compare_digest(tag, _tag(key, keys, body)) for key in _signing_keys()):
        return None
    data = iter(body[len(FORMAT) :])
    try:
        values = [_unpack(data, key.python_type) for key in keys]
    except MalformedCursor:
        return None
    if next(data, None) is not None:
        return None
    return values


def _after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the ordering given by `keys`.

    When every key runs the same way this is one row comparison, `(a, b) < (:a, :b)`,
    which PostgreSQL uses as the bound of an index scan: a page 20,000 deep starts where
    it should instead of filtering its way there. Mixed directions need the OR form."""
    if len(keys) > 1 and len({key.descending for key in keys}) == 1:
        row = tuple_(*(key.column for key in keys))
        bound = tuple_(*values)
        return row < bound if keys[0].descending else row > bound
    clauses = []
    for index, key in enumerate(keys):
        equal_so_far = [keys[i].column == values[i] for i in range(index)]
        beyond = key.column < values[index] if key.descending else key.column > values[index]
        clauses.append(and_(*equal_so_far, beyond))
    return or_(*clauses)


def keyset_page(
    statement: Select,
    keys: Sequence[SortKey],
    cursor: str | None,
    page_size: int,
    key_of: Callable[[Any], Sequence[Any]],
    *,
    scalars: bool = True,
) -> Page:
    """Run `statement` ordered by `keys`, starting after `cursor`, one page long."""
    position = decode_cursor(cursor, keys)
    if position is not None:
        statement = statement.where(_after(keys, position))
    statement = statement.order_by(
        *(key.column.desc() if key.descending else key.column.asc() for key in keys)
    ).limit(page_size + 1)
    result = db.session.execute(statement)
    rows: list[Any] = list(result.unique().scalars()) if scalars else list(result.unique())
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = encode_cursor(keys, *key_of(rows[-1]))
    return Page(items=rows, next_cursor=next_cursor)
