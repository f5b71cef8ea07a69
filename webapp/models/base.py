"""The declarative base shared by every model, with a stable constraint naming convention."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, TypeDecorator, inspect
from sqlalchemy.orm import DeclarativeBase, object_session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def ensure_loaded(instance: object, *relationships: str) -> None:
    """Load the named relationships of `instance` if its loader did not. They never load
    by themselves (lazy="raise_on_sql": a page must not run a query per row), but a
    service called by any front door must work with a row however it was fetched."""
    missing = [name for name in relationships if name in inspect(instance).unloaded]
    if missing:
        object_session(instance).refresh(instance, missing)  # type: ignore[union-attr]


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    PostgreSQL keeps `timestamptz`; SQLite keeps no zone, so values are normalized to
    UTC on the way in and marked UTC on the way out: both engines behave the same.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self):
        return datetime

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base class of every Quorum model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
