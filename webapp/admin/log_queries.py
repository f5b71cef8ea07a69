"""Reading the site-wide moderation log (/admin/log and the dashboard's latest entries):
one statement per page, whatever the filters and however many rows, with who acted,
the community, and where the target is now (if it still exists)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import aliased, joinedload

from webapp.models import Comment, Community, ModerationAction, Post, Profile, User
from webapp.moderation.log import ACTION_LABELS, action_label
from webapp.pagination import Page, SortKey, keyset_page

FILTER_MAX = 30  # usernames and community names are at most 30 characters

LOG_KEYS = (SortKey(ModerationAction.created_at), SortKey(ModerationAction.id))


@dataclass(frozen=True)
class LogFilters:
    """What the log is narrowed to; empty strings mean "any"."""

    actor: str = ""  # a username, any case
    action: str = ""  # a key of ACTION_LABELS
    community: str = ""  # a community's name

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> LogFilters:
        """Filters from a query string; an unknown action or an overlong name means
        "any" for the action and "nothing matches" for a name (kept as typed)."""
        action = (args.get("action") or "").strip()
        return cls(
            actor=(args.get("actor") or "").strip().lstrip("@")[: FILTER_MAX + 1],
            action=action if action in ACTION_LABELS else "",
            community=(args.get("community") or "").strip()[: FILTER_MAX + 1],
        )

    @property
    def active(self) -> bool:
        return bool(self.actor or self.action or self.community)


@dataclass(frozen=True)
class LogRow:
    """One entry as the log shows it."""

    entry: ModerationAction
    actor: User | None
    community: Community | None
    target_url: str | None  # None once the target is gone (or has no page)
    target_name: str | None = None  # the target's username or community name today

    @property
    def target(self) -> str:
        """What the entry was about: its name then, its name now, or the kind of thing."""
        entry = self.entry
        if entry.target_label:
            return entry.target_label
        if self.target_name:
            return self.target_name
        return str(TARGET_KINDS.get(entry.target_type, entry.target_type))

    @property
    def when(self) -> datetime:
        return self.entry.created_at

    @property
    def label(self) -> str:
        return action_label(self.entry.action)


TARGET_KINDS = {
    "post": _l("a post"),
    "comment": _l("a comment"),
    "user": _l("a person"),
    "community": _l("a community"),
    "report": _l("a report"),
    "site": _l("the site"),
}


def action_choices() -> list[tuple[str, str]]:
    """(action, readable label) for the action filter, in the reader's alphabet order."""
    return sorted(((key, str(label)) for key, label in ACTION_LABELS.items()), key=lambda c: c[1])


def _target_columns():
    """Where each kind of target lives now: a username or community name (text) and a
    post id (a post, or the post a comment is on). NULL once it no longer exists."""
    entry = ModerationAction
    target_community = aliased(Community)
    username = select(Profile.username).where(Profile.user_id == entry.target_id)
    community_name = select(target_community.name).where(target_community.id == entry.target_id)
    post_id = select(Post.id).where(Post.id == entry.target_id)
    comment_post_id = select(Comment.post_id).where(Comment.id == entry.target_id)
    name = case(
        (entry.target_type == "user", username.scalar_subquery()),
        (entry.target_type == "community", community_name.scalar_subquery()),
        else_=literal(None),
    )
    post = case(
        (entry.target_type == "post", post_id.scalar_subquery()),
        (entry.target_type == "comment", comment_post_id.scalar_subquery()),
        else_=literal(None),
    )
    return name.label("target_name"), post.label("target_post_id")


def _target_url(entry: ModerationAction, name: str | None, post_id: int | None) -> str | None:
    if entry.target_type == "user" and name:
        return url_for("profiles.profile", username=name)
    if entry.target_type == "community" and name:
        return url_for("communities.page", name=name)
    if entry.target_type == "post" and post_id:
        return url_for("posts.short_link", post_id=post_id)
    if entry.target_type == "comment" and post_id:
        return url_for("posts.short_link", post_id=post_id) + f"#comment-{entry.target_id}"
    return None


def log_page(filters: LogFilters, cursor: str | None, page_size: int) -> Page[LogRow]:
    """The log, newest first, narrowed by `filters`, one page after `cursor`."""
    actor = aliased(User)
    target_name, target_post_id = _target_columns()
    statement = (
        select(ModerationAction, actor, Community, target_name, target_post_id)
        .outerjoin(actor, actor.id == ModerationAction.actor_id)
        .outerjoin(Community, Community.id == ModerationAction.community_id)
        .options(joinedload(actor.profile))
    )
    if filters.actor:
        actor_id = select(Profile.user_id).where(
            func.lower(Profile.username) == filters.actor.lower()
        )
        statement = statement.where(ModerationAction.actor_id == actor_id.scalar_subquery())
    if filters.action:
        statement = statement.where(ModerationAction.action == filters.action)
    if filters.community:
        community_id = select(Community.id).where(Community.name == filters.community.lower())
        statement = statement.where(ModerationAction.community_id == community_id.scalar_subquery())
    page = keyset_page(
        statement,
        LOG_KEYS,
        cursor,
        page_size,
        lambda row: (row[0].created_at, row[0].id),
        scalars=False,
    )
    rows = [
        LogRow(entry, actor_user, community, _target_url(entry, name, post_id), name)
        for entry, actor_user, community, name, post_id in page.items
    ]
    return Page(items=rows, next_cursor=page.next_cursor)
