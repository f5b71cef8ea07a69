"""Feeds for readers: RSS/Atom of All, each community, tag and person."""
