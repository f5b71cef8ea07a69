"""Comment forms: a body (Quill HTML or plain text) and the parent it answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from webapp.sanitize import submitted_html


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"),
        validators=[
            DataRequired(_l("Write something before sending.")),
            Length(max=100_000, message=_l("The comment is too long.")),
        ],
    )
    body_format = HiddenField(default="text")
    parent_id = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,10}$")])

    def cleaned_body(self, previous_html: str = "") -> str:
        """The body as safe HTML (see `submitted_html`)."""
        return submitted_html(self.body.data or "", self.body_format.data, previous_html)
