"""Reads of the admin's people pages: the searchable list and one person's page, each
loaded in a fixed number of statements whatever the number of rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from webapp.admin.services import PurgeCounts, purge_counts
from webapp.extensions import db
from webapp.models import (
    Comment,
    ModerationAction,
    Post,
    Profile,
    Report,
    User,
    UserSession,
    utc_now,
)
from webapp.pagination import Page, SortKey, keyset_page

PEOPLE_FILTERS = ("all", "admins", "banned", "new")
NEW_FOR = timedelta(days=7)
SEARCH_MAX = 100
RECENT = 20


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def banned_now():
    """SQL for "banned at this moment" (what User.is_banned says in Python)."""
    return and_(
        User.banned_at.is_not(None),
        or_(User.banned_until.is_(None), User.banned_until > utc_now()),
    )


def person_status(user: User) -> str:
    """ "banned", "admin" or "" (templates show this; they never test the flags)."""
    if user.is_banned:
        return "banned"
    return "admin" if user.is_admin else ""


@dataclass
class PersonRow:
    """One row of the people table."""

    user: User
    post_count: int
    comment_count: int

    @property
    def status(self) -> str:
        return person_status(self.user)


def people_page(query: str, filter_: str, cursor: str | None, page_size: int) -> Page:
    """People whose username, display name or email contains `query` (any case), in
    `filter_` ("all", "admins", "banned", "new": joined this week), newest first."""
    post_count = (
        select(func.count())
        .select_from(Post)
        .where(Post.author_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )
    comment_count = (
        select(func.count())
        .select_from(Comment)
        .where(Comment.author_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )
    statement = (
        select(User, post_count.label("posts"), comment_count.label("comments"))
        .join(Profile, Profile.user_id == User.id)
        .options(joinedload(User.profile))
    )
    query = query.strip()[:SEARCH_MAX]
    if query:
        pattern = _like_pattern(query.lower())
        statement = statement.where(
            or_(
                func.lower(Profile.username).like(pattern, escape="\\"),
                func.lower(Profile.display_name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),  # stored lowercase
            )
        )
    if filter_ == "admins":
        statement = statement.where(User.is_admin.is_(True))
    elif filter_ == "banned":
        statement = statement.where(banned_now())
    elif filter_ == "new":
        statement = statement.where(User.created_at >= utc_now() - NEW_FOR)
    keys = (SortKey(User.created_at), SortKey(User.id))
    page = keyset_page(
        statement,
        keys,
        cursor,
        page_size,
        lambda row: (row[0].created_at, row[0].id),
        scalars=False,
    )
    page.items = [PersonRow(user, posts, comments) for user, posts, comments in page.items]
    return page


def user_by_username(username: str) -> User | None:
    """The account with this username (any case), its profile loaded."""
    return db.session.scalars(
        select(User)
        .join(Profile, Profile.user_id == User.id)
        .where(func.lower(Profile.username) == username.lower())
        .options(joinedload(User.profile))
    ).first()


@dataclass
class PersonPage:
    """Everything the admin's page about one person shows."""

    user: User
    counts: PurgeCounts
    posts: list[Post]
    comments: list[Comment]
    reports: Sequence[tuple[Report, User | None]]  # result rows (Row is a tuple)
    history: Sequence[tuple[ModerationAction, User | None]]
    actions_taken: list[ModerationAction]
    device_count: int

    @property
    def status(self) -> str:
        return person_status(self.user)

    @property
    def ban_on_record(self) -> bool:
        """Banned now, or a ban that ended and was not lifted (it can be lifted)."""
        return self.user.banned_at is not None

    def context(self) -> dict[str, Any]:
        return {"person": self}


def person_page(user: User) -> PersonPage:
    """The person's latest posts, comments, reports against them and moderation history
    (done to them and done by them), RECENT of each."""
    posts = list(
        db.session.scalars(
            select(Post)
            .where(Post.author_id == user.id)
            .options(joinedload(Post.community))
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(RECENT)
        )
    )
    comments = list(
        db.session.scalars(
            select(Comment)
            .where(Comment.author_id == user.id)
            .options(joinedload(Comment.post))
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .limit(RECENT)
        )
    )
    reporter = aliased(User)
    reports = list(
        db.session.execute(
            select(Report, reporter)
            .outerjoin(reporter, reporter.id == Report.reporter_id)
            .where(Report.target_user_id == user.id)
            .options(joinedload(reporter.profile))
            .order_by(Report.created_at.desc(), Report.id.desc())
            .limit(RECENT)
        ).all()
    )
    actor = aliased(User)
    history = list(
        db.session.execute(
            select(ModerationAction, actor)
            .outerjoin(actor, actor.id == ModerationAction.actor_id)
            .where(ModerationAction.target_type == "user", ModerationAction.target_id == user.id)
            .options(joinedload(actor.profile))
            .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
            .limit(RECENT)
        ).all()
    )
    actions_taken = list(
        db.session.scalars(
            select(ModerationAction)
            .where(ModerationAction.actor_id == user.id)
            .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
            .limit(RECENT)
        )
    )
    device_count = db.session.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    )
    return PersonPage(
        user=user,
        counts=purge_counts(user),
        posts=posts,
        comments=comments,
        reports=reports,
        history=history,
        actions_taken=actions_taken,
        device_count=device_count or 0,
    )
