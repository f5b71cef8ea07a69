"""Moderation shared by every area: the log of what moderators and admins did, and
the form a moderator gives a reason in."""
