"""The one place rich text is cleaned.

Quill's toolbar (headings, bold/italic/underline/strike, lists, blockquote, code block,
link, image) produces a small set of tags and classes; this allowlist keeps exactly
those and drops everything else. Links may only be http, https or mailto and always get
`rel="nofollow ugc noopener"`; images may only come from the site's own media store.
Clean once, on write, and store the result: templates mark only cleaned fields safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

import bleach
from bleach.html5lib_shim import Filter  # type: ignore[attr-defined]  # re-exported at run time; types-bleach omits it

MEDIA_URL_PREFIX = "/media/"
LINK_REL = "nofollow ugc noopener"

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "h1", "h2", "h3", "strong", "em", "u", "s", "a", "blockquote",
        "ol", "ul", "li", "pre", "code", "img",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Quill's class-based formats that the toolbar can produce.
ALLOWED_CLASS = re.compile(r"^ql-(align-(center|right|justify)|indent-[1-8]|direction-rtl)$")
CLASSED_TAGS = frozenset({"p", "h1", "h2", "h3", "li", "blockquote", "pre"})
MEDIA_SRC = re.compile(r"^/media/[A-Za-z0-9_\-/]+\.(png|jpe?g|gif|webp)$")
CODE_LANGUAGE = re.compile(r"^[a-z0-9+#-]{1,20}$")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return tag in CLASSED_TAGS
    if tag == "a":
        if name == "href":  # absolute links only: no relative or protocol-relative URLs
            return value.strip().lower().startswith(("http://", "https://", "mailto:"))
        return name in {"rel", "target"}
    if tag == "img":
        return (name == "src" and bool(MEDIA_SRC.match(value))) or name == "alt"
    if tag == "pre":
        return name == "data-language" and bool(CODE_LANGUAGE.match(value))
    if tag == "li":
        return name == "data-list" and value in {"bullet", "ordered"}
    return False


class _QuorumAttributes(Filter):
    """After sanitizing: keep only Quill's known classes, and fix every link's rel."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag"):
                if token["name"] == "img" and (None, "src") not in (token.get("data") or {}):
                    continue  # an image from elsewhere loses its src: drop it whole
                if token.get("data"):
                    self._normalize(token)
            yield token

    @staticmethod
    def _normalize(token) -> None:
        attributes = token["data"]
        class_key = (None, "class")
        if class_key in attributes:
            kept = [c for c in attributes[class_key].split() if ALLOWED_CLASS.match(c)]
            if kept:
                attributes[class_key] = " ".join(kept)
            else:
                del attributes[class_key]
        if token["name"] == "a":
            if (None, "href") not in attributes:
                attributes.pop((None, "target"), None)
            else:
                attributes[(None, "rel")] = LINK_REL
                if (None, "target") in attributes:
                    attributes[(None, "target")] = "_blank"


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_QuorumAttributes],
)

_EMPTY_PARAGRAPHS = re.compile(r"(<p>(<br>|\s|&nbsp;)*</p>)+$|^(<p>(<br>|\s|&nbsp;)*</p>)+")


def clean_html(html: str) -> str:
    """Cleaned HTML that keeps only what the editor makes. Idempotent on its output."""
    cleaned = _cleaner.clean(html or "")
    # Quill's getSemanticHTML() turns every space into &nbsp; (a known 2.0.3 bug).
    cleaned = cleaned.replace("&nbsp;", " ").replace("\u00a0", " ")
    return _EMPTY_PARAGRAPHS.sub("", cleaned.strip()).strip()


def plain_text_to_html(text: str) -> str:
    """The no-JavaScript path: blank-line separated paragraphs, line breaks kept."""
    paragraphs = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    return "".join(
        "<p>" + "<br>".join(escape(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
        if paragraph.strip()
    )


class _TextExtractor(HTMLParser):
    BLOCKS = frozenset({"p", "h1", "h2", "h3", "li", "blockquote", "pre", "br", "ol", "ul"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of cleaned HTML, one line per block, for previews and search."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def editable_text(html: str) -> str:
    """Stored rich text as plain text for the no-JavaScript editing textarea."""
    return "\n\n".join(html_to_text(html).splitlines())


def submitted_html(raw: str, body_format: str, previous_html: str = "") -> str:
    """Safe HTML from an editor field: Quill's HTML (JavaScript on) is cleaned; plain
    text (JavaScript off) becomes paragraphs. Editing without JavaScript shows the text
    only, so when that text comes back unchanged the stored formatting is kept."""
    if body_format == "html":
        return clean_html(raw or "")
    if previous_html and " ".join((raw or "").split()) == " ".join(
        editable_text(previous_html).split()
    ):
        return previous_html
    return plain_text_to_html(raw or "")


RICH_TEXT_FORMATS = ("html", "text")


@dataclass(frozen=True)
class RichText:
    """Text as a person sent it: Quill's HTML (`format="html"`) or plain text typed
    without JavaScript (`format="text"`). Services turn it into safe HTML themselves
    with `to_html`; nothing stores what a caller claims is already clean."""

    raw: str
    format: str = "html"

    @classmethod
    def of(cls, value: RichText | str | None) -> RichText:
        """A RichText from itself, or from HTML given as a string."""
        if isinstance(value, RichText):
            return value
        return cls(value or "", "html")

    def to_html(self, previous_html: str = "") -> str:
        """Cleaned HTML (see `submitted_html`); an unknown format counts as plain text."""
        body_format = self.format if self.format in RICH_TEXT_FORMATS else "text"
        return submitted_html(self.raw or "", body_format, previous_html)
