"""Reads for tags."""

from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Tag
from webapp.models.tag import TAG_MAX
from webapp.pagination import Page, SortKey, keyset_page
from webapp.tags.names import normalize_tag


def tag_by_name(name: str) -> Tag | None:
    """The tag `name` stands for (as typed or normalized), or None."""
    name = normalize_tag(name)
    if not name or len(name) > TAG_MAX:
        return None
    return db.session.scalar(select(Tag).where(Tag.name == name))


def tags_by_use(cursor: str | None, page_size: int) -> Page[Tag]:
    """Tags in use, most used first."""
    statement = select(Tag).where(Tag.post_count > 0)
    keys = (SortKey(Tag.post_count), SortKey(Tag.id))
    return keyset_page(statement, keys, cursor, page_size, lambda tag: (tag.post_count, tag.id))


def tags_starting_with(prefix: str, limit: int = 8) -> list[Tag]:
    """Existing tags for suggestions while typing, most used first."""
    if not prefix:
        return []
    statement = (
        select(Tag)
        .where(Tag.name.startswith(prefix, autoescape=True), Tag.post_count > 0)
        .order_by(Tag.post_count.desc(), Tag.name)
        .limit(limit)
    )
    return list(db.session.scalars(statement))
