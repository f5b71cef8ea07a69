"""Keyset pagination with opaque cursors: the sort key and id of the last row shown,
signed so that nobody can forge one. A cursor that is tampered with or malformed reads
as "no cursor" (the first page): a stale link never breaks a page, and no list ever
uses OFFSET, so page 1,000 costs what page 1 costs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from webapp.extensions import db

_SALT = "quorum.cursor"
Row = TypeVar("Row")


@dataclass
class Page(Generic[Row]):
    items: list[Row]
    next_cursor: str | None


@dataclass(frozen=True)
class SortKey:
    """One column of a keyset ordering: a mapped attribute (`Post.id`) or a SQL expression."""

    column: ColumnElement[Any] | QueryableAttribute[Any]
    descending: bool = True


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _dump(value: Any) -> Any:
    return {"t": value.isoformat()} if isinstance(value, datetime) else value


def _load(value: Any) -> Any:
    if isinstance(value, dict):
        moment = datetime.fromisoformat(value["t"])
        if moment.tzinfo is None:
            raise ValueError("cursor time without zone")
        return moment
    if value is not None and not isinstance(value, int | float | str):
        raise ValueError("unexpected cursor value")
    return value


def _list_identity(keys: Sequence[SortKey]) -> str:
    """Names the ordering a cursor belongs to, so one list's cursor means nothing to
    another (a cursor of /c/?sort=members pasted into /?sort=new is ignored)."""
    return "|".join(str(key.column) for key in keys)


def _fits(value: Any, key: SortKey) -> bool:
    try:
        expected = key.column.type.python_type
    except NotImplementedError:
        return False
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, expected) and not isinstance(value, bool)


def encode_cursor(keys: Sequence[SortKey], *values: Any) -> str:
    return _serializer().dumps([_list_identity(keys), *(_dump(value) for value in values)])


def decode_cursor(cursor: str | None, keys: Sequence[SortKey]) -> list[Any] | None:
    """The values in `cursor`, or None when it is missing, forged, malformed or from
    another list."""
    if not cursor or len(cursor) > 500:
        return None
    try:
        payload = _serializer().loads(cursor)
        if not isinstance(payload, list) or len(payload) != len(keys) + 1:
            return None
        if payload[0] != _list_identity(keys):
            return None
        values = [_load(value) for value in payload[1:]]
    except (BadSignature, ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None
    if not all(_fits(value, key) for value, key in zip(values, keys, strict=True)):
        return None
    return values


def _after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the ordering given by `keys`."""
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
