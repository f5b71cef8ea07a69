"""Reads for posts: one post, and the whole post page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.comments import queries as comment_queries
from webapp.comments.queries import ThreadNode
from webapp.communities.queries import CommunitySidebar, community_sidebar
from webapp.extensions import db
from webapp.models import Comment, Post, User
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
    """A post's page: the post, its community sidebar, the comment thread (or one branch
    of it), the viewer's votes and powers, and the author's card."""

    post: Post
    thread: list[ThreadNode]
    branch: Comment | None
    sort: str
    max_thread_comments: int
    my_vote: int
    my_comment_votes: dict[int, int]
    can_moderate: bool
    can_comment: bool
    author_numbers: ProfileNumbers | None
    following_author: bool


def post_page(post: Post, viewer, sort: str, branch: Comment | None) -> PostPage:
    """Everything `posts/detail.html` shows, read in a fixed number of statements."""
    sidebar = community_sidebar(post.community, viewer)
    thread = comment_queries.comment_thread(post.id, sort, root=branch)
    card_author_id = post.author_id if post.author is not None and post.deleted_at is None else None
    return PostPage(
        **sidebar.context(),
        post=post,
        thread=thread,
        branch=branch,
        sort=sort,
        max_thread_comments=comment_queries.MAX_THREAD_COMMENTS,
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
