"""Writes of the admin area, shared by the /admin pages and `flask admin`: creating and
promoting site administrators, banning and unbanning people, and purging everything a
person wrote. Every action is checked here and logged in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from webapp.auth import queries, services
from webapp.caching import stale_person, stale_site
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Comment, Community, Post, Tag, User, UserSession, utc_now
from webapp.models.tag import post_tags
from webapp.moderation.log import REASON_MAX, record_action
from webapp.profiles import numbers


class AdminError(DomainError):
    """An admin action was refused; `field` names the form field to blame."""


def create_or_promote_admin(email: str, username: str, password: str) -> tuple[User, bool]:
    """Promote the account with `email`, or register a new admin. Returns (user, created)."""
    existing = queries.user_by_identifier(email)
    if existing is not None:
        existing.is_admin = True
        db.session.flush()
        return existing, False
    user = services.register_user(email, username, password)
    user.is_admin = True
    # An operator typed this address on the server: nobody needs to confirm it by mail.
    user.email_verified_at = utc_now()
    db.session.flush()
    return user, True


def _label(user: User) -> str:
    return user.profile.username


def _required_reason(reason: str | None, missing_message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AdminError(missing_message, "reason")
    if len(reason) > REASON_MAX:
        raise AdminError(_l("A reason has at most 500 characters."), "reason")
    return reason


def _require_admin(actor: User) -> None:
    """Services are the trust boundary: the pages' guard is not the only front door."""
    if actor is None or not actor.is_admin:
        raise AdminError(_l("Only site administrators can do this."), status=403)


# -- Bans ---------------------------------------------------------------------------------


def ban_user(actor: User, target: User, reason: str | None, until: datetime | None) -> None:
    """Suspend `target` (until `until`, or until an admin lifts it): every device is
    signed out at once, and signing in again is refused with the reason."""
    _require_admin(actor)
    reason = _required_reason(reason, _l("Say why this person is banned."))
    if target.id == actor.id:
        raise AdminError(_l("You cannot ban yourself."))
    if target.is_admin:
        raise AdminError(_l("An admin cannot be banned: remove their admin rights first."))
    now = utc_now()
    if until is not None and until <= now:
        raise AdminError(_l("The end of the ban must be in the future."), "until")
    target.banned_at = now
    target.banned_until = until
    target.ban_reason = reason
    # The devices stay recorded until their next request, which signs each one out and
    # tells the person why (webapp.auth.sessions.user_for_session_id); none works again.
    record_action(
        actor.id, "ban_user", "user", target.id, reason=reason, target_label=_label(target)
    )
    db.session.flush()
    stale_site()  # a banned person is shown as such wherever their name is


def unban_user(actor: User, target: User, reason: str | None = "") -> None:
    """Lift `target`'s ban (one whose end has passed too: it leaves the record)."""
    _require_admin(actor)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise AdminError(_l("A reason has at most 500 characters."), "reason")
    if target.banned_at is None:
        raise AdminError(_l("This person is not banned."), status=409)
    # Devices signed in before the ban and not used since stay signed out.
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == target.id, UserSession.created_at <= target.banned_at
        )
    )
    target.banned_at = None
    target.banned_until = None
    target.ban_reason = ""
    record_action(
        actor.id, "unban_user", "user", target.id, reason=reason, target_label=_label(target)
    )
    db.session.flush()
    stale_site()


# -- Admin rights -------------------------------------------------------------------------


def _locked_admin_ids() -> set[int]:
    """The ids of every site admin, their rows locked until the transaction ends: two
    admins demoting each other at once queue here, and the second sees the first's
    change (PostgreSQL re-checks `is_admin` on the rows it waited for; SQLite has one
    writer at a time, and the UPDATE takes its write lock before the count)."""
    db.session.execute(update(User).where(User.is_admin.is_(True)).values(id=User.id))
    return set(db.session.scalars(select(User.id).where(User.is_admin.is_(True)).with_for_update()))


def set_admin(actor: User, target: User, make_admin: bool) -> bool:
    """Make `target` a site admin or take it away; False when nothing changed. Never
    demotes the actor (another admin must) and never leaves the site without an admin."""
    _require_admin(actor)
    admins = _locked_admin_ids()
    if actor.id not in admins:
        raise AdminError(_l("Only site administrators can do this."), status=403)
    if make_admin:
        if target.id in admins:
            return False
        if target.is_banned:
            raise AdminError(_l("A banned person cannot be made an admin: lift the ban first."))
    else:
        if target.id not in admins:
            return False
        if target.id == actor.id:
            raise AdminError(
                _l("You cannot remove your own admin rights: another admin has to do it.")
            )
        if len(admins) <= 1:
            raise AdminError(_l("The site needs at least one admin."))
    db.session.execute(update(User).where(User.id == target.id).values(is_admin=make_admin))
    stale_person(target)
    db.session.refresh(target)
    record_action(
        actor.id,
        "promote_admin" if make_admin else "demote_admin",
        "user",
        target.id,
        target_label=_label(target),
    )
    return True


# -- Purge --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeCounts:
    """How much a purge removes: the person's posts and comments still shown."""

    posts: int
    comments: int


def _visible_posts_of(user_id: int):
    return select(Post.id).where(
        Post.author_id == user_id, Post.removed_at.is_(None), Post.deleted_at.is_(None)
    )


def _visible_comments_of(user_id: int):
    return select(Comment.id).where(
        Comment.author_id == user_id, Comment.removed_at.is_(None), Comment.deleted_at.is_(None)
    )


def purge_counts(target: User) -> PurgeCounts:
    """What a purge of `target` would remove (for the confirmation page)."""
    posts = db.session.scalar(
        select(func.count()).select_from(_visible_posts_of(target.id).subquery())
    )
    comments = db.session.scalar(
        select(func.count()).select_from(_visible_comments_of(target.id).subquery())
    )
    return PurgeCounts(posts=posts or 0, comments=comments or 0)


def _lock_content_of(user_id: int) -> None:
    """Lock the person's shown posts and comments, so a moderator removing one of them
    at the same moment cannot take it out of the counts a second time."""
    db.session.execute(
        update(Post).where(Post.id.in_(_visible_posts_of(user_id))).values(id=Post.id)
    )
    db.session.execute(
        update(Comment).where(Comment.id.in_(_visible_comments_of(user_id))).values(id=Comment.id)
    )


def _take_posts_out_of_counts(user_id: int) -> None:
    """Community and tag post counts lose the person's shown posts (before they are
    marked removed), in one UPDATE per table whatever the number of posts."""
    posts = _visible_posts_of(user_id).subquery()
    per_community = (
        select(func.count())
        .select_from(Post)
        .where(Post.id.in_(select(posts.c.id)), Post.community_id == Community.id)
        .scalar_subquery()
    )
    db.session.execute(
        update(Community)
        .where(Community.id.in_(select(Post.community_id).where(Post.id.in_(select(posts.c.id)))))
        .values(post_count=Community.post_count - per_community),
        execution_options={"synchronize_session": False},
    )
    per_tag = (
        select(func.count())
        .select_from(post_tags)
        .where(post_tags.c.post_id.in_(select(posts.c.id)), post_tags.c.tag_id == Tag.id)
        .scalar_subquery()
    )
    db.session.execute(
        update(Tag)
        .where(
            Tag.id.in_(
                select(post_tags.c.tag_id).where(post_tags.c.post_id.in_(select(posts.c.id)))
            )
        )
        .values(post_count=Tag.post_count - per_tag),
        execution_options={"synchronize_session": False},
    )


def _take_comments_out_of_counts(user_id: int) -> None:
    """Each post's comment count loses the person's shown comments under it."""
    comments = _visible_comments_of(user_id).subquery()
    per_post = (
        select(func.count())
        .select_from(Comment)
        .where(Comment.id.in_(select(comments.c.id)), Comment.post_id == Post.id)
        .scalar_subquery()
    )
    db.session.execute(
        update(Post)
        .where(Post.id.in_(select(Comment.post_id).where(Comment.id.in_(select(comments.c.id)))))
        .values(comment_count=Post.comment_count - per_post),
        execution_options={"synchronize_session": False},
    )


def purge_user(actor: User, target: User, reason: str | None) -> PurgeCounts:
    """Remove (as a moderator removes) every post and comment `target` still shows, in a
    few bulk statements, keeping community, tag and comment counts exact. One log entry
    says why and how much."""
    _require_admin(actor)
    reason = _required_reason(reason, _l("Say why everything this person wrote is removed."))
    if target.is_admin:
        raise AdminError(
            _l("An admin's content cannot be purged: remove their admin rights first.")
        )
    _lock_content_of(target.id)
    counts = purge_counts(target)
    _take_posts_out_of_counts(target.id)
    _take_comments_out_of_counts(target.id)
    numbers.person_purged(target.id)  # people's rows last, as in every write
    now = utc_now()
    removal = {"removed_at": now, "removed_by_id": actor.id, "removal_reason": reason}
    db.session.execute(
        update(Comment).where(Comment.id.in_(_visible_comments_of(target.id))).values(**removal),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        update(Post).where(Post.id.in_(_visible_posts_of(target.id))).values(**removal),
        execution_options={"synchronize_session": False},
    )
    # The reason is stored as typed (the log is read in every language); each removed
    # post and comment carries the same reason and remover, so the numbers stay findable.
    record_action(
        actor.id, "purge_user", "user", target.id, reason=reason, target_label=_label(target)
    )
    db.session.flush()
    stale_site()  # their posts and comments leave every page at once
    return counts
