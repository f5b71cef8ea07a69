"""Post forms. The body arrives as Quill's HTML (JavaScript on) or plain text (off);
the post services clean and check it, and the form shows their messages early."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from webapp.forms import RichTextField
from webapp.idempotency import SubmittedOnce
from webapp.posts.services import checked_title, checked_url
from webapp.sanitize import RichText
from webapp.tags.services import parse_tags
from webapp.validation import Rule


class PostForm(SubmittedOnce, FlaskForm):
    """Write or edit a post."""

    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give your post a title.")),
            Rule(checked_title),  # its message counts in the reader's digits
        ],
    )
    body = RichTextField(
        _l("Text"),
        description=_l("Optional. Leave a blank line between paragraphs."),
        validators=[Optional(), Length(max=400_000, message=_l("The text is too long."))],
    )
    url = StringField(
        _l("Link"),
        description=_l("Optional. A web address starting with http:// or https://."),
        validators=[Optional(), Rule(checked_url)],
    )
    tags = StringField(
        _l("Tags"),
        description=_l("Up to 5, separated by commas, e.g. books, sci-fi."),
        validators=[Optional(), Length(max=200, message=_l("Too many tags.")), Rule(parse_tags)],
    )

    def submitted(self) -> tuple[str, RichText, str | None, str]:
        """Title, body, link and tags as sent, in the order the post services take them."""
        return self.title.data or "", self.body.rich_text(), self.url.data, self.tags.data or ""
