"""Writing rows fast: COPY on PostgreSQL, executemany on SQLite, in the session's own
transaction (so a seed is all or nothing, and a test can roll it back).

On PostgreSQL the secondary indexes of the loaded tables (B-tree and the GIN search
indexes of migration 0003) are dropped before a load into an empty database and built
again once at the end, which is several times faster than keeping them up to date row by
row. The generated search vectors are computed by the server as rows arrive.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# Tables the seed loads, in foreign-key order.
TABLES = (
    "users",
    "profiles",
    "communities",
    "memberships",
    "follows",
    "tags",
    "posts",
    "post_tags",
    "post_votes",
    "comments",
    "comment_votes",
)
# Tables whose id the seed assigns and whose sequence must move past them.
SERIAL_TABLES = ("users", "communities", "posts", "comments", "tags")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # as SQLAlchemy's UTCDateTime stores it on SQLite
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


class Writer:
    """Rows into tables, inside the session's current transaction."""

    dialect = ""

    def __init__(self, session: Session):
        self.session = session
        self.connection = session.connection()
        self.driver: Any = self.connection.connection.driver_connection

    def rows(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        raise NotImplementedError

    def execute(self, sql: str, **params: Any) -> None:
        self.connection.execute(text(sql), params)

    def prepare(self, empty: bool) -> None:
        """Before the load (`empty`: the seed is the database's first content)."""

    def finish(self) -> None:
        """After the load: indexes, sequences, statistics."""


class SqliteWriter(Writer):
    dialect = "sqlite"

    def rows(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        cursor = self.driver.cursor()
        converted = [tuple(_sqlite_value(value) for value in row) for row in rows]
        cursor.executemany(statement, converted)
        cursor.close()
        return len(converted)


class PostgresWriter(Writer):
    dialect = "postgresql"

    def __init__(self, session: Session):
        super().__init__(session)
        self.dropped: list[tuple[str, str]] = []  # (name, the statement that makes it again)

    def rows(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        count = 0
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def prepare(self, empty: bool) -> None:
        # Bigger sort memory for building indexes; only for this transaction.
        self.execute("SET LOCAL maintenance_work_mem = '512MB'")
        self.execute("SET LOCAL synchronous_commit = off")
        if not empty:
            return  # indexes on existing rows stay: rebuilding them would cost more
        tables = {"tables": list(TABLES)}
        in_loaded_tables = (
            "t.relname = ANY(:tables) AND t.relnamespace = current_schema()::regnamespace"
        )
        indexes = self.connection.execute(
            text(
                "SELECT ci.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class ci ON ci.oid = i.indexrelid "
                f"JOIN pg_class t ON t.oid = i.indrelid WHERE {in_loaded_tables} "
                "AND NOT i.indisunique AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY ci.relname"
            ),
            tables,
        ).all()
        # Foreign keys are checked row by row during a load (a trigger per row); added
        # back afterwards, each is checked once for the whole table, in one join.
        foreign_keys = self.connection.execute(
            text(
                "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                f"JOIN pg_class t ON t.oid = c.conrelid WHERE {in_loaded_tables} "
                "AND c.contype = 'f' ORDER BY t.relname, c.conname"
            ),
            tables,
        ).all()
        for table, name, definition in foreign_keys:
            self.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            again = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            self.dropped.append((str(name), again))
        for name, definition in indexes:
            self.execute(f'DROP INDEX "{name}"')
            self.dropped.insert(0, (str(name), str(definition)))  # indexes are built first

    def rebuild(self) -> Iterator[str]:
        """Build the dropped indexes and add the dropped foreign keys back, one at a time
        (yields each name)."""
        for name, definition in self.dropped:
            self.execute(definition)
            yield name
        self.dropped = []

    def finish(self) -> None:
        for table in SERIAL_TABLES:
            self.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        self.execute("ANALYZE " + ", ".join(TABLES))


def writer_for(session: Session) -> Writer:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return PostgresWriter(session)
    if name == "sqlite":
        return SqliteWriter(session)
    raise ValueError(f"flask seed supports PostgreSQL and SQLite, not {name}")
