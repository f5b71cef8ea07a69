"""The feed a page offers in its <head> (templates/syndication/_feed_links.html): All
for the front page and /all, and the feed of the community, tag or person shown."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import request, url_for
from flask_babel import gettext as _
from jinja2 import pass_context

from webapp.site_settings import current_settings


class FeedLink(NamedTuple):
    url: str
    title: str


@pass_context
def page_feed(context: Any) -> FeedLink | None:
    """This page's feed, from its endpoint and what its view passed the template (so an
    error page at the same address, which has no community or person, offers none)."""
    endpoint = request.endpoint
    site = current_settings().site_name
    if endpoint in ("feeds.everything", "feeds.home"):
        return FeedLink(url_for("syndication.everything"), _("All posts on %(site)s", site=site))
    if endpoint == "communities.page" and (community := context.get("community")) is not None:
        return FeedLink(
            url_for("syndication.community", name=community.name),
            _("%(community)s on %(site)s", community=community.title, site=site),
        )
    if endpoint == "tags.tag" and (tag := context.get("tag")) is not None:
        return FeedLink(
            url_for("syndication.tag", name=tag.name),
            _("Posts tagged %(tag)s on %(site)s", tag=tag.name, site=site),
        )
    if endpoint == "profiles.profile" and (person := context.get("person")) is not None:
        profile = person.profile
        return FeedLink(
            url_for("syndication.person", username=profile.username),
            _("Posts by %(person)s on %(site)s", person=profile.name, site=site),
        )
    return None
