"""Parsing tags and keeping their post counts exact."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Tag
from webapp.models.tag import MAX_TAGS_PER_POST, TAG_MAX

_SEPARATORS = re.compile(r"[,\s]+")
_NOT_ALLOWED = re.compile(r"[^a-z0-9-]+")


class TagError(DomainError):
    """A rule of this area was broken."""


def normalize_tag(raw: str) -> str:
    """'#Machine Learning' → 'machine-learning'; '' when nothing usable is left."""
    name = raw.strip().lstrip("#").lower()
    name = _NOT_ALLOWED.sub("-", name).strip("-")
    return re.sub(r"-{2,}", "-", name)


def parse_tags(tags: str | list[str] | None) -> list[str]:
    """Distinct normalized tags from a comma-separated field (or a list of names), in
    the order given; refused (on the "tags" field) when too long or too many."""
    parts = (tags or "").split(",") if isinstance(tags, str | None) else list(tags)
    names: list[str] = []
    for part in parts:
        name = normalize_tag(part)
        if not name:
            continue
        if len(name) > TAG_MAX:
            raise TagError(_l("A tag has at most %(count)d characters.", count=TAG_MAX), "tags")
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS_PER_POST:
        raise TagError(_l("Use at most %(count)d tags.", count=MAX_TAGS_PER_POST), "tags")
    return names


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
