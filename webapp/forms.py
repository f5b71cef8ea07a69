"""Form fields shared by every area."""

from __future__ import annotations

from markupsafe import Markup, escape
from wtforms import TextAreaField
from wtforms.widgets import TextArea

from webapp.sanitize import RICH_TEXT_FORMATS, RichText, clean_html

# The editor script (static/js/editor.js) finds this input in the field's form and sets
# it to "html" when Quill takes over the textarea: one rich-text field per form.
FORMAT_INPUT = "body_format"


class RichTextArea(TextArea):
    """The textarea plus the hidden input that tells the server which format it holds."""

    def __call__(self, field, **kwargs):
        # WTForms would write a None attribute as the text "None" (data-html="None"
        # once made every new post start with the word None): leave such attributes out.
        kwargs = {name: value for name, value in kwargs.items() if value is not None}
        hidden = Markup('<input type="hidden" name="{}" value="{}">').format(
            FORMAT_INPUT, escape(field.format)
        )
        return hidden + super().__call__(field, **kwargs)


class RichTextField(TextAreaField):
    """A rich-text body: Quill's HTML with JavaScript, plain paragraphs without.
    `rich_text()` hands the service what was sent; the service cleans it. A form shown
    again (after a validation error) holds the cleaned HTML, never what was sent: the
    editor loads it as HTML, so an `<iframe>` or an event handler must not come back."""

    widget = RichTextArea()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.format = "text"

    def process(self, formdata, *args, **kwargs):
        super().process(formdata, *args, **kwargs)
        sent = formdata.get(FORMAT_INPUT) if formdata else None
        self.format = sent if sent in RICH_TEXT_FORMATS else "text"

    def _value(self) -> str:
        """The textarea's content: Quill's HTML cleaned as it would be stored; plain
        text (no JavaScript) as typed, which the textarea shows as text."""
        if self.format == "html":
            return clean_html(self.data or "")
        return "" if self.data is None else str(self.data)

    def rich_text(self) -> RichText:
        return RichText(self.data or "", self.format)
