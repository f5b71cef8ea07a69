"""Fresh, throwaway databases for tests: a SQLite file, or a new PostgreSQL database
on the server named by TEST_DATABASE_URL (dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from webapp.config import normalize_database_url


def server_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return normalize_database_url(url) if url else None


def is_postgres() -> bool:
    return server_url() is not None


@contextmanager
def fresh_database(directory: Path, label: str) -> Iterator[str]:
    """Yield the URL of an empty database that exists only for the block."""
    base = server_url()
    if base is None:
        yield f"sqlite:///{directory / (label + '.db')}"
        return
    url = make_url(base)
    name = f"{url.database}_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
