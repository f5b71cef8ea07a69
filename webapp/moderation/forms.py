"""The moderator's reason form, used for posts and comments alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from webapp.moderation.log import REASON_MAX


class RemovalForm(FlaskForm):
    """A moderator's reason for removing something."""

    reason = TextAreaField(
        _l("Reason"),
        description=_l("Shown in the moderation log."),
        validators=[
            DataRequired(_l("Say why this is removed.")),
            Length(max=REASON_MAX, message=_l("A reason has at most 500 characters.")),
        ],
    )
