"""Comment forms: a body (Quill HTML or plain text) and the parent it answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from webapp.sanitize import clean_html, plain_text_to_html


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"),
        validators=[
            DataRequired(_l("Write something before sending.")),
            Length(max=100_000, message=_l("The comment is too long.")),
        ],
    )
    body_format = HiddenField(default="text")
    parent_id = HiddenField(validators=[Optional(), Regexp(r"^\d{1,12}$")])

    def cleaned_body(self) -> str:
        if self.body_format.data == "html":
            return clean_html(self.body.data or "")
        return plain_text_to_html(self.body.data or "")

    def parent(self) -> int | None:
        return int(self.parent_id.data) if self.parent_id.data else None
