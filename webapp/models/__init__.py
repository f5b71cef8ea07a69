"""All models, importable from one place (and all registered on `Base.metadata`)."""

from webapp.models.account import HeldUsername, RecoveryCode
from webapp.models.base import Base, utc_now
from webapp.models.comment import Comment, comment_path
from webapp.models.community import Community, CommunityBan, Membership
from webapp.models.follow import Follow
from webapp.models.moderation_action import ModerationAction
from webapp.models.post import Post
from webapp.models.profile import Profile
from webapp.models.report import Report
from webapp.models.session import FormSubmission, UserSession
from webapp.models.site_setting import SiteSetting
from webapp.models.tag import Tag, post_tags
from webapp.models.token import ApiToken
from webapp.models.user import User
from webapp.models.vote import CommentVote, PostVote

__all__ = [
    "ModerationAction",
    "ApiToken",
    "Base",
    "Comment",
    "CommentVote",
    "Community",
    "CommunityBan",
    "Follow",
    "FormSubmission",
    "HeldUsername",
    "Membership",
    "Post",
    "PostVote",
    "Profile",
    "RecoveryCode",
    "Report",
    "SiteSetting",
    "Tag",
    "User",
    "UserSession",
    "comment_path",
    "post_tags",
    "utc_now",
]
