"""Writes for posts. Services take what a person sent (raw text and links), clean and
check it themselves, and flush; the request or command commits. Counters move in the
same transaction as their cause."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from webapp.auth import verification
from webapp.caching import stale_people, stale_post
from webapp.communities import bans
from webapp.communities.permissions import require_moderator
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.i18n import number
from webapp.locking import lock_for_update
from webapp.models import Community, Post, Tag, User, utc_now
from webapp.models.base import ensure_loaded
from webapp.models.post import TITLE_MAX
from webapp.moderation.log import checked_reason, record_action
from webapp.posts import permissions
from webapp.profiles import numbers
from webapp.ranking import hot_score
from webapp.sanitize import RichText, html_to_text
from webapp.tags import services as tag_services
from webapp.validation import bounded_text, web_address

BODY_TEXT_MAX = 40_000


class PostError(DomainError):
    """A post rule was broken: `field` to blame, or an HTTP `status` for the view."""


def checked_title(title: str | None) -> str:
    """A post's title, stripped; refused when empty or too long."""
    return bounded_text(
        title,
        "title",
        TITLE_MAX,
        _l("A title has at most %(max)s characters.", max=number(TITLE_MAX)),
        required=_l("Give your post a title."),
    )


def checked_url(url: str | None) -> str | None:
    """The post's link: an http(s) address, or None."""
    return web_address(url, "url")


def _body_text(body_html: str) -> str:
    text = html_to_text(body_html)
    if len(text) > BODY_TEXT_MAX:
        raise PostError(
            _l("The text is too long: at most %(count)s characters.", count=number(BODY_TEXT_MAX)),
            "body",
        )
    return text


def _tags_of(post: Post) -> list[Tag]:
    """The post's tags, loaded here when the caller's loader did not bring them."""
    ensure_loaded(post, "tags")
    return post.tags


def _change_post_count(community_id: int, delta: int) -> None:
    db.session.execute(
        update(Community)
        .where(Community.id == community_id)
        .values(post_count=Community.post_count + delta)
    )


def submit_post(
    author: User,
    community: Community,
    title: str,
    body: RichText | str,
    url: str | None,
    tags: str | list[str],
) -> Post:
    """Publish a post in `community`: the title, link and tags are checked, the body
    cleaned, and the community's and tags' counts move with it."""
    bans.require_not_banned(author, community.id)
    verification.require_confirmed_to_post(author)
    title = checked_title(title)
    url = checked_url(url)
    tag_names = tag_services.parse_tags(tags)
    body_html = RichText.of(body).to_html()
    now = utc_now()
    post = Post(
        community_id=community.id,
        author_id=author.id,
        title=title,
        body_html=body_html,
        body_text=_body_text(body_html),
        url=url,
        created_at=now,
        score=0,
        upvotes=0,
        downvotes=0,
        comment_count=0,
        hot=hot_score(0, now),
        tags=tag_services.tags_named(tag_names),
    )
    db.session.add(post)
    db.session.flush()
    _change_post_count(community.id, +1)
    tag_services.change_post_counts([tag.id for tag in post.tags], +1)
    numbers.change_person(author.id, posts=+1)
    stale_post(post)
    return post


def edit_post(
    editor: User,
    post: Post,
    title: str,
    body: RichText | str,
    url: str | None,
    tags: str | list[str],
) -> None:
    """Change a post's title, body, link and tags (its author only)."""
    if not permissions.can_edit(editor, post):
        raise PostError(_l("Only the author can edit this post."), status=403)
    title = checked_title(title)
    url = checked_url(url)
    tag_names = tag_services.parse_tags(tags)
    body_html = RichText.of(body).to_html(previous_html=post.body_html)
    body_text = _body_text(body_html)
    old_tag_ids = {tag.id for tag in _tags_of(post)}
    new_tags = tag_services.tags_named(tag_names)
    new_tag_ids = {tag.id for tag in new_tags}
    post.title = title
    post.body_html = body_html
    post.body_text = body_text
    post.url = url
    post.tags = new_tags
    post.edited_at = utc_now()
    tag_services.change_post_counts(sorted(new_tag_ids - old_tag_ids), +1)
    tag_services.change_post_counts(sorted(old_tag_ids - new_tag_ids), -1)
    stale_post(post)


def _hide(post: Post) -> None:
    """A post leaves the counts when it stops being visible (and its points, and those
    of the comments under it, leave their authors' karma)."""
    _change_post_count(post.community_id, -1)
    tag_services.change_post_counts([tag.id for tag in _tags_of(post)], -1)
    numbers.post_visibility_changed(post, shown=False)
    stale_people()  # the karma of everyone who commented under it moved


def _show(post: Post) -> None:
    _change_post_count(post.community_id, +1)
    tag_services.change_post_counts([tag.id for tag in _tags_of(post)], +1)
    numbers.post_visibility_changed(post, shown=True)
    stale_people()


def delete_post(actor: User, post: Post) -> None:
    """The author deletes their post; its comments stay readable."""
    lock_for_update(post)  # a delete racing a removal must not move the counts twice
    if not permissions.can_delete(actor, post):
        raise PostError(_l("Only the author can delete this post."), status=403)
    if post.is_visible:
        _hide(post)
    post.deleted_at = utc_now()
    stale_post(post)


def remove_post(actor: User, post: Post, reason: str | None) -> None:
    """A moderator removes a post, with a reason that goes into the log."""
    require_moderator(actor, post.community_id)
    reason = checked_reason(reason)
    lock_for_update(post)
    if post.removed_at is not None:
        return
    if post.is_visible:
        _hide(post)
    post.removed_at = utc_now()
    post.removed_by_id = actor.id
    post.removal_reason = reason
    stale_post(post)
    record_action(
        actor.id,
        "remove_post",
        "post",
        post.id,
        community_id=post.community_id,
        reason=reason,
    )


def restore_post(actor: User, post: Post) -> None:
    """Undo a removal."""
    require_moderator(actor, post.community_id)
    lock_for_update(post)
    if post.removed_at is None:
        return
    post.removed_at = None
    post.removed_by_id = None
    post.removal_reason = None
    if post.is_visible:
        _show(post)
    stale_post(post)
    record_action(actor.id, "restore_post", "post", post.id, community_id=post.community_id)


def _set_flag(actor: User, post: Post, flag: str, value: bool, on: str, off: str) -> None:
    """Pin/unpin or lock/unlock: moderators only, logged, no-op when already so."""
    require_moderator(actor, post.community_id)
    if getattr(post, flag) != value:
        setattr(post, flag, value)
        stale_post(post)
        record_action(
            actor.id, on if value else off, "post", post.id, community_id=post.community_id
        )


def set_pinned(actor: User, post: Post, pinned: bool) -> None:
    """Keep a post at the top of its community, or stop doing so."""
    _set_flag(actor, post, "is_pinned", pinned, "pin_post", "unpin_post")


def set_locked(actor: User, post: Post, locked: bool) -> None:
    """Close a post to new comments, or open it again."""
    _set_flag(actor, post, "is_locked", locked, "lock_post", "unlock_post")
