"""Name formats held by the database itself, in each engine's own dialect.

PostgreSQL checks a regular expression; SQLite has no regex, so GLOB plus a length
check states the same rule. Each CHECK is emitted only on its own engine.
"""

from sqlalchemy import CheckConstraint


def name_format_checks(column: str, pattern_chars: str, min_len: int, max_len: int, name: str):
    """Two CHECK constraints (one per engine) that `column` uses only `pattern_chars`."""
    postgres = CheckConstraint(
        f"{column} ~ '^[{pattern_chars}]{{{min_len},{max_len}}}$'", name=name
    ).ddl_if(dialect="postgresql")
    sqlite = CheckConstraint(
        f"length({column}) BETWEEN {min_len} AND {max_len} "
        f"AND {column} NOT GLOB '*[^{pattern_chars}]*'",
        name=f"{name}_glob",
    ).ddl_if(dialect="sqlite")
    return postgres, sqlite
