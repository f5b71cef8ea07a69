"""Forms for running a community: banning people from it (its moderators' page) and
handing it over or deleting it (the admin's community page)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from webapp.moderation.log import BAN_DAYS_MAX, BAN_DAYS_MESSAGE, REASON_MAX

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
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Shown to the person when they try to take part, and in the log."),
        validators=[
            DataRequired(_l("Say why this person is banned.")),
            Length(max=REASON_MAX, message=_l("A reason has at most 500 characters.")),
        ],
    )
    days = IntegerField(
        _l("Days (optional)"),
        description=_l("Leave empty to ban until a moderator lifts the ban."),
        validators=[
            Optional(),
            NumberRange(
                1,
                BAN_DAYS_MAX,
                message=BAN_DAYS_MESSAGE,
            ),
        ],
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
    reason = TextAreaField(
        _l("Reason (optional)"),
        description=_l("Shown in the moderation log."),
        validators=[
            Optional(),
            Length(max=REASON_MAX, message=_l("A reason has at most 500 characters.")),
        ],
    )


class DeleteCommunityForm(FlaskForm):
    """Why a community is deleted (kept in the moderation log)."""

    reason = TextAreaField(
        _l("Reason"),
        description=_l("Shown in the moderation log."),
        validators=[
            DataRequired(_l("Say why this community is deleted.")),
            Length(max=REASON_MAX, message=_l("A reason has at most 500 characters.")),
        ],
    )
