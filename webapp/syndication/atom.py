"""An Atom 1.0 document (RFC 4287) written with ElementTree, which escapes every text
and attribute; characters XML 1.0 cannot hold are dropped first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree import ElementTree

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"

# Control characters (but tab, newline and carriage return), lone surrogates and the two
# non-characters XML 1.0 refuses: a document holding one would not parse at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    """One post as a feed entry: absolute `id` and `link`, HTML content."""

    id: str
    title: str
    link: str
    author: str
    author_uri: str | None
    published: datetime
    updated: datetime
    content_html: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    """A feed: absolute `id`, `self_url` and `alternate_url`, newest entries first."""

    id: str
    title: str
    self_url: str
    alternate_url: str
    updated: datetime
    language: str
    generator: str
    entries: list[Entry] = field(default_factory=list)


def xml_text(value: str) -> str:
    """`value` without the characters an XML 1.0 document cannot contain."""
    return _NOT_XML.sub("", value)


def rfc3339(moment: datetime) -> str:
    """A UTC date-time as RFC 3339 wants it: 2026-12-01T17:52:46Z."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str):
    element = ElementTree.SubElement(
        parent,
        tag,
        {name: xml_text(value) for name, value in attributes.items()},
    )
    if text is not None:
        element.text = xml_text(text)
    return element


def _entry(parent: ElementTree.Element, entry: Entry) -> None:
    element = _add(parent, "entry")
    _add(element, "id", entry.id)
    _add(element, "title", entry.title, type="text")
    _add(element, "link", rel="alternate", type="text/html", href=entry.link)
    author = _add(element, "author")
    _add(author, "name", entry.author)
    if entry.author_uri:
        _add(author, "uri", entry.author_uri)
    _add(element, "published", rfc3339(entry.published))
    _add(element, "updated", rfc3339(entry.updated))
    for term in entry.categories:
        _add(element, "category", term=term)
    content = _add(element, "content", entry.content_html, type="html")
    # Relative links in the body (uploaded images) resolve against the post's address.
    content.set(f"{{{XML_NAMESPACE}}}base", xml_text(entry.link))


def atom_document(feed: Feed) -> bytes:
    """The feed as a UTF-8 Atom document."""
    # Plain names under a default namespace declared by hand (ElementTree's own
    # `default_namespace` refuses the unqualified attributes Atom uses).
    root = ElementTree.Element("feed", xmlns=ATOM_NAMESPACE)
    root.set(f"{{{XML_NAMESPACE}}}lang", feed.language)
    _add(root, "id", feed.id)
    _add(root, "title", feed.title, type="text")
    _add(root, "updated", rfc3339(feed.updated))
    _add(root, "link", rel="self", type="application/atom+xml", href=feed.self_url)
    _add(root, "link", rel="alternate", type="text/html", href=feed.alternate_url)
    _add(root, "generator", feed.generator)
    for entry in feed.entries:
        _entry(root, entry)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
