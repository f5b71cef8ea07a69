"""Forms for running a community: banning people from it (its moderators' page) and
handing it over or deleting it (the admin's community page)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from webapp.moderation.forms import ban_days_field, reason_field

USERNAME_FIELD_MAX = 30


class CommunityBanForm(FlaskForm):
    """Ban a person from one community, for good or for some days."""

    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Enter a username.")),
            Length(max=USERNAME_FIELD_MAX, message=_l("A username has at most 30 characters.")),
        ],
    )
    reason = reason_field(
        _l("Reason"),
        _l("Say why this person is banned."),
        _l("Shown to the person when they try to take part, and in the log."),
    )
    days = ban_days_field(
        _l("Days (optional)"), _l("Leave empty to ban until a moderator lifts the ban.")
    )


class TransferForm(FlaskForm):
    """Hand a community to a new owner."""

    new_owner = StringField(
        _l("New owner's username"),
        validators=[
            DataRequired(_l("Enter a username.")),
            Length(max=USERNAME_FIELD_MAX, message=_l("A username has at most 30 characters.")),
        ],
    )
    reason = reason_field(_l("Reason (optional)"), description=_l("Shown in the moderation log."))


class DeleteCommunityForm(FlaskForm):
    """Why a community is deleted (kept in the moderation log)."""

    reason = reason_field(
        _l("Reason"), _l("Say why this community is deleted."), _l("Shown in the moderation log.")
    )
