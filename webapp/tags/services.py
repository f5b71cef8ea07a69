"""Tag rows for posts, and keeping their post counts exact. The rules for names live in
`webapp.tags.names` (re-exported here for the post services and forms)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from webapp.extensions import db
from webapp.models import Tag
from webapp.tags.names import TagError, normalize_tag, parse_tags

__all__ = ["TagError", "change_post_counts", "normalize_tag", "parse_tags", "tags_named"]


def tags_named(names: list[str]) -> list[Tag]:
    """The Tag rows for `names`, created when missing (safe when two posts race)."""
    if not names:
        return []
    insert = (
        postgres_insert if db.session.get_bind().dialect.name == "postgresql" else (sqlite_insert)
    )
    db.session.execute(
        insert(Tag)
        .values([{"name": name, "post_count": 0} for name in names])
        .on_conflict_do_nothing(index_elements=["name"])
    )
    by_name = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [by_name[name] for name in names]


def change_post_counts(tag_ids: list[int], delta: int) -> None:
    if tag_ids:
        db.session.execute(
            update(Tag).where(Tag.id.in_(tag_ids)).values(post_count=Tag.post_count + delta)
        )
