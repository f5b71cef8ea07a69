"""Form fields every moderation form shares (a reason for the log, how long a ban
lasts), and the moderator's reason form used for posts and comments alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from webapp.moderation.log import BAN_DAYS_MAX, BAN_DAYS_MESSAGE, REASON_MAX


def reason_field(label, missing_message=None, description=None) -> TextAreaField:
    """A reason of at most 500 characters; required when `missing_message` is given."""
    presence = DataRequired(missing_message) if missing_message is not None else Optional()
    length = Length(max=REASON_MAX, message=_l("A reason has at most 500 characters."))
    return TextAreaField(label, [presence, length], description=description)


def ban_days_field(label, description=None) -> IntegerField:
    """How many days a ban lasts: 1 to 3,650, or empty for a ban without end."""
    days = NumberRange(min=1, max=BAN_DAYS_MAX, message=BAN_DAYS_MESSAGE)
    return IntegerField(label, [Optional(), days], description=description)


class RemovalForm(FlaskForm):
    """A moderator's reason for removing something."""

    reason = reason_field(
        _l("Reason"), _l("Say why this is removed."), _l("Shown in the moderation log.")
    )
