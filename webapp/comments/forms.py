"""Comment forms: a body (Quill HTML or plain text) and the parent it answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from webapp.forms import RichTextField
from webapp.idempotency import SubmittedOnce


class CommentForm(SubmittedOnce, FlaskForm):
    """A comment or a reply; the comment services clean and check the body."""

    body = RichTextField(
        _l("Comment"),
        validators=[
            DataRequired(_l("Write something before sending.")),
            Length(max=100_000, message=_l("The comment is too long.")),
        ],
    )
    parent_id = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,10}$")])
