"""Post forms. The body arrives as Quill's HTML (JavaScript on) or plain text (off)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.models.post import TITLE_MAX
from webapp.sanitize import submitted_html
from webapp.tags.services import TagError, parse_tags
from webapp.urls import is_web_address

BODY_FORMATS = ("text", "html")


class PostForm(FlaskForm):
    """Write or edit a post."""

    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give your post a title.")),
            Length(
                max=TITLE_MAX, message=_l("A title has at most %(max)d characters.", max=TITLE_MAX)
            ),
        ],
    )
    body = TextAreaField(
        _l("Text"),
        description=_l("Optional. Leave a blank line between paragraphs."),
        validators=[Optional(), Length(max=400_000, message=_l("The text is too long."))],
    )
    body_format = HiddenField(default="text")
    url = StringField(
        _l("Link"),
        description=_l("Optional. A web address starting with http:// or https://."),
        validators=[Optional(), Length(max=2000, message=_l("That link is too long."))],
    )
    tags = StringField(
        _l("Tags"),
        description=_l("Up to 5, separated by commas, e.g. books, sci-fi."),
        validators=[Optional(), Length(max=200, message=_l("Too many tags."))],
    )

    def validate_url(self, field) -> None:
        if not is_web_address(field.data):
            raise ValidationError(_l("Enter a web address starting with http:// or https://."))

    def validate_tags(self, field) -> None:
        try:
            parse_tags(field.data)
        except TagError as error:
            raise ValidationError(error.message) from None

    def validate_body_format(self, field) -> None:
        if field.data not in BODY_FORMATS:
            field.data = "text"

    def cleaned_body(self, previous_html: str = "") -> str:
        """The body as safe HTML (see `submitted_html`)."""
        return submitted_html(self.body.data or "", self.body_format.data, previous_html)

    def tag_names(self) -> list[str]:
        return parse_tags(self.tags.data)


class RemovalForm(FlaskForm):
    """A moderator's reason for removing something."""

    reason = TextAreaField(
        _l("Reason"),
        description=_l("Shown in the moderation log."),
        validators=[
            DataRequired(_l("Say why this is removed.")),
            Length(max=500, message=_l("A reason has at most 500 characters.")),
        ],
    )
