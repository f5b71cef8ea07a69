"""URL converters: `<id:post_id>` matches only ids the database can hold, so a huge or
odd number in a URL is a 404 rather than an integer-overflow error; `<tag:name>` takes a
tag name in any script (percent-encoded in the URL) and hands the view its normalized
form, so `/t/B%C3%BCcher` and `/t/bücher` are the same tag."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from werkzeug.routing import BaseConverter, ValidationError

from webapp.tags.names import normalize_tag, tag_name_in_url
from webapp.urls import parse_id


class IdConverter(BaseConverter):
    regex = r"[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError()
        return parsed

    def to_url(self, value) -> str:
        return str(int(value))


class TagConverter(BaseConverter):
    """A tag name: letters and digits of any script and hyphens (webapp.tags.names);
    a segment no tag could have does not match (a 404)."""

    def to_python(self, value: str) -> str:
        name = tag_name_in_url(value)
        if name is None:
            raise ValidationError()
        return name

    def to_url(self, value) -> str:
        return _tag_in_url(str(value))


@lru_cache(maxsize=4096)
def _tag_in_url(value: str) -> str:
    """A tag's URL segment, as BaseConverter.to_url writes it (a page links the same
    few tags many times: normalizing each once per process keeps cards cheap)."""
    return quote(normalize_tag(value), safe="!$&'()*+,/:;=@")
