"""Feeds for readers (Atom): /feeds/all.atom, /feeds/c/<name>.atom, /feeds/t/<tag>.atom
and /feeds/u/<username>.atom, each the newest public posts of the page of that name."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Blueprint, Response, redirect, request, session, url_for

from webapp.communities.queries import community_by_name
from webapp.profiles.queries import user_by_username
from webapp.syndication import building
from webapp.syndication.links import page_feed
from webapp.tags.queries import tag_by_name
from webapp.web import found_or_404

bp = Blueprint("syndication", __name__)
bp.add_app_template_global(page_feed, "page_feed")


ATOM_MIMETYPE = "application/atom+xml"
FEED_MAX_AGE = 300  # seconds a reader, browser or CDN may reuse a feed unasked


def _atom_response(body: bytes, last_modified: datetime) -> Response:
    """The feed with Last-Modified, a strong ETag of its bytes and a 304 for a matching
    If-None-Match or If-Modified-Since. Public: it is the same for everyone; a request
    that carries a session (a signed-in reader) is answered privately, as the cookie
    Flask may send back with it must not be kept by a shared cache."""
    response = Response(body, content_type=f"{ATOM_MIMETYPE}; charset=utf-8")
    response.last_modified = last_modified
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.max_age = FEED_MAX_AGE
    if session or session.modified:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.make_conditional(request)
    return response


@bp.route("/feeds/all.atom")
def everything():
    """The newest posts of every community."""
    return _atom_response(*building.everything())


@bp.route("/feeds/c/<name>.atom")
def community(name: str):
    """The newest posts of one community."""
    return _atom_response(*building.community(found_or_404(community_by_name(name))))


@bp.route("/feeds/t/<tag:name>.atom")
def tag(name: str):
    """The newest posts with one tag."""
    return _atom_response(*building.tag(found_or_404(tag_by_name(name))))


@bp.route("/feeds/u/<username>.atom")
def person(username: str):
    """The newest posts of one person (a deleted account has no feed: 404)."""
    user = found_or_404(user_by_username(username))
    if user.profile.username != username:
        return redirect(url_for("syndication.person", username=user.profile.username), 301)
    return _atom_response(*building.person(user))
