"""Reads for posts: one post, the post page, and the next page of its comments."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.comments import queries as comment_queries
from webapp.comments.queries import ThreadNode
from webapp.communities.permissions import membership_of
from webapp.communities.queries import CommunitySidebar, community_sidebar
from webapp.extensions import db
from webapp.models import Comment, Community, Membership, Post, User
from webapp.pages import PageData
from webapp.posts import permissions
from webapp.profiles import queries as profile_queries
from webapp.profiles.queries import ProfileNumbers
from webapp.votes import queries as vote_queries


def post_for_page(post_id: int) -> Post | None:
    """A post with its author, community and tags, whatever its state."""
    statement = (
        select(Post)
        .where(Post.id == post_id)
        .options(
            joinedload(Post.author).joinedload(User.profile),
            joinedload(Post.community),
            joinedload(Post.tags),  # at most five: one query, not two
        )
    )
    return db.session.scalars(statement).unique().one_or_none()


@dataclass
class PostPage(CommunitySidebar):
    """A post's page: the post, its community sidebar, a page of the comment thread (or
    of one branch of it), the viewer's votes and powers, and the author's card."""

    post: Post
    thread: list[ThreadNode]
    next_cursor: str | None
    after: str | None
    branch: Comment | None
    sort: str
    my_vote: int
    my_comment_votes: dict[int, int]
    can_moderate: bool
    can_comment: bool
    author_numbers: ProfileNumbers | None
    following_author: bool


def post_page(
    post: Post, viewer, sort: str, branch: Comment | None, after: str | None = None
) -> PostPage:
    """Everything `posts/detail.html` shows, read in a fixed number of statements."""
    sidebar = community_sidebar(post.community, viewer)
    page = comment_queries.thread_page(post.id, sort, after, branch)
    thread = page.nodes
    card_author_id = post.author_id if post.author is not None and post.deleted_at is None else None
    return PostPage(
        **sidebar.context(),
        post=post,
        thread=thread,
        next_cursor=page.next_cursor,
        after=after,
        branch=branch,
        sort=sort,
        my_vote=vote_queries.my_post_votes(viewer, [post.id]).get(post.id, 0),
        my_comment_votes=vote_queries.my_comment_votes(viewer, comment_queries.comment_ids(thread)),
        can_moderate=permissions.can_moderate(viewer, sidebar.membership),
        can_comment=permissions.can_comment(viewer, post),
        author_numbers=profile_queries.profile_numbers(card_author_id)
        if card_author_id is not None
        else None,
        following_author=(
            profile_queries.is_following(viewer, card_author_id)
            if card_author_id is not None
            else False
        ),
    )


@dataclass
class MoreComments(PageData):
    """The next page of a thread, as htmx appends it: the comments, the viewer's votes
    on them and their membership (for the moderators' buttons)."""

    post: Post
    community: Community
    membership: Membership | None
    thread: list[ThreadNode]
    next_cursor: str | None
    branch: Comment | None
    sort: str
    my_comment_votes: dict[int, int]


def more_comments(
    post: Post, viewer, sort: str, branch: Comment | None, after: str | None
) -> MoreComments:
    """A page of comments after `after` (in a branch view, the branch's replies only)."""
    page = comment_queries.thread_page(post.id, sort, after, branch)
    # In a branch view the page sits under the branch, which is already on screen.
    thread = page.nodes[0].children if branch is not None and page.nodes else page.nodes
    return MoreComments(
        post=post,
        community=post.community,
        membership=membership_of(viewer, post.community_id),
        thread=thread,
        next_cursor=page.next_cursor,
        branch=branch,
        sort=sort,
        my_comment_votes=vote_queries.my_comment_votes(viewer, comment_queries.comment_ids(thread)),
    )
