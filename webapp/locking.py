"""Row locks for read-check-write sequences that must not interleave.

`UPDATE … SET id = id` takes the row lock on PostgreSQL and the write lock on SQLite,
so two requests changing the same row (a vote, a delete and a removal racing) queue
here, and the one that goes second sees what the first one did.
"""

from __future__ import annotations

from sqlalchemy import update

from webapp.extensions import db


def lock_for_update(instance) -> None:
    """Lock `instance`'s row until the transaction ends, then reload its columns."""
    model = type(instance)
    db.session.execute(update(model).where(model.id == instance.id).values(id=model.id))
    db.session.refresh(instance)
