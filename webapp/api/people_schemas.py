"""How people look in the API: a profile as its page shows it, a comment on a profile,
and the state of following someone."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import request, url_for
from marshmallow import Schema, fields, post_dump, pre_dump

from webapp.api.schemas import CommentSchema, PersonRefSchema, page_of
from webapp.profiles.avatars import avatar_url

AVATAR_SIZE = 128


class ProfileSchema(Schema):
    """A person as their profile page shows them. `following` is whether the token's
    owner follows them."""

    username = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "Display name, or username."})
    display_name = fields.String(required=True, metadata={"description": "May be empty."})
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    bio_html = fields.String(required=True, metadata={"description": "Cleaned HTML."})
    website = fields.String(required=True, metadata={"description": "http(s), or empty."})
    avatar_url = fields.String(required=True, metadata={"description": "At least 128 pixels."})
    joined_at = fields.AwareDateTime(required=True)
    karma = fields.Integer(required=True)
    post_count = fields.Integer(required=True)
    comment_count = fields.Integer(required=True)
    follower_count = fields.Integer(required=True)
    following_count = fields.Integer(required=True)
    following = fields.Boolean(
        required=True, metadata={"description": "Whether the token's owner follows them."}
    )
    is_self = fields.Boolean(
        required=True, metadata={"description": "Whether this is the token's owner."}
    )
    url = fields.String(required=True, metadata={"description": "Their profile page."})

    @pre_dump
    def _from_profile_view(self, view, **kwargs):
        user, numbers = view["user"], view["numbers"]
        profile = user.profile
        return {
            "username": profile.username,
            "name": profile.name,
            "display_name": profile.display_name,
            "first_name": profile.first_name,
            "last_name": profile.last_name,
            "bio_html": profile.bio_html or "",
            "website": profile.website or "",
            "avatar_url": urljoin(request.host_url, avatar_url(profile, AVATAR_SIZE)),
            "joined_at": user.created_at,
            "karma": numbers.karma,
            "post_count": numbers.posts,
            "comment_count": numbers.comments,
            "follower_count": numbers.followers,
            "following_count": numbers.following,
            "following": view["following"],
            "is_self": view["is_self"],
            "url": url_for("profiles.profile", username=profile.username, _external=True),
        }


class FollowStateSchema(Schema):
    """Whether the token's owner follows the person now, and how many people do."""

    following = fields.Boolean(required=True)
    followers = fields.Integer(required=True)


class PostRefSchema(Schema):
    """The post a comment answers."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The comment on its post's page."})


class ProfileCommentSchema(CommentSchema):
    """A comment on its author's profile. `post` (and `post_id`) are null where the
    profile page does not name the post: a deleted post, or a removed one the token's
    owner does not moderate."""

    post_id = fields.Integer(required=True, allow_none=True)
    post = fields.Nested(PostRefSchema, required=True, allow_none=True)

    @post_dump(pass_original=True)
    def _with_post(self, data, comment, **kwargs):
        if getattr(comment, "shows_post", False):
            post = comment.post
            data["post"] = {
                "id": post.id,
                "title": post.title,
                "url": url_for(
                    "posts.detail",
                    post_id=post.id,
                    slug=post.slug,
                    _external=True,
                    _anchor=f"comment-{comment.id}",
                ),
            }
        else:
            data["post"] = None
            data["post_id"] = None
        return data


PersonPageSchema = page_of(PersonRefSchema, "PersonPage")
ProfileCommentPageSchema = page_of(ProfileCommentSchema, "ProfileCommentPage")
