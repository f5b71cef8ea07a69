"""People's pages, following, and the profile settings page."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.caching import cached_guest_page, person_scopes
from webapp.feeds.rendering import render_feed, requested_order
from webapp.htmx import is_htmx, render_page_or_partial
from webapp.media.limits import limit_uploads
from webapp.profiles import queries, services
from webapp.profiles.avatars import identicon_svg
from webapp.profiles.forms import ProfileForm
from webapp.ratelimits import writes
from webapp.sanitize import editable_text
from webapp.urls import back_url, carried_query, carries_query
from webapp.web import errors_show_in, found_or_404, render_form, signed_in

bp = Blueprint("profiles", __name__)

LIST_PAGE_SIZE = 50


def _person(username: str):
    return found_or_404(queries.user_by_username(username))


def _profile_url(username: str) -> str:
    return url_for("profiles.profile", username=username)


def _header_context(user) -> dict:
    return {
        "person": user,
        "numbers": queries.profile_numbers(user.id),
        "following": queries.is_following(current_user, user.id),
    }


@bp.route("/u/<username>")
@carries_query("tab", "sort", "t")
@cached_guest_page(person_scopes)
def profile(username: str):
    """A person's page: who they are, their numbers, and their posts or comments."""
    user = _person(username)
    if user.profile.username != username:
        canonical = url_for("profiles.profile", username=user.profile.username, **carried_query())
        return redirect(canonical, 301)
    tab = "comments" if request.args.get("tab") == "comments" else "posts"
    if tab == "posts":
        return render_feed(
            "profiles/profile.html",
            requested_order(),
            author_id=user.id,
            tab=tab,
            **_header_context(user),
        )
    page = queries.comments_page(
        user.id, request.args.get("cursor"), LIST_PAGE_SIZE, viewer=current_user
    )
    if is_htmx() and request.args.get("cursor"):
        return render_page_or_partial(
            "profiles/profile.html", "profiles/_comments_page.html", page=page, person=user
        )
    return render_template("profiles/profile.html", page=page, tab=tab, **_header_context(user))


@bp.route("/u/<username>/followers")
def followers(username: str):
    """Who follows this person."""
    return _people(username, "followers")


@bp.route("/u/<username>/following")
def following(username: str):
    """Whom this person follows."""
    return _people(username, "following")


def _people(username: str, direction: str):
    user = _person(username)
    page = queries.people_page(user.id, direction, request.args.get("cursor"), LIST_PAGE_SIZE)
    return render_page_or_partial(
        "profiles/people.html",
        "profiles/_people_page.html",
        page=page,
        direction=direction,
        **_header_context(user),
    )


def _follow_response(user):
    if is_htmx():
        return render_page_or_partial(
            "profiles/profile.html",
            "profiles/_follow_button.html",
            person=user,
            numbers=queries.profile_numbers(user.id),
            following=queries.is_following(current_user, user.id),
        )
    return redirect(back_url(url_for("profiles.profile", username=user.profile.username)), 303)


@bp.route("/u/<username>/follow", methods=["POST"])
@signed_in(_profile_url)
@writes
def follow(username: str):
    """Follow someone (htmx swaps the button and count; without JS, back to the page)."""
    user = _person(username)
    services.follow(current_user, user)
    return _follow_response(user)


@bp.route("/u/<username>/unfollow", methods=["POST"])
@signed_in(_profile_url)
@writes
def unfollow(username: str):
    """Stop following someone."""
    user = _person(username)
    services.unfollow(current_user, user)
    return _follow_response(user)


@bp.route("/u/<username>/avatar.svg")
def generated_avatar(username: str):
    """The generated picture of someone without an uploaded one."""
    response = make_response(identicon_svg(username))
    response.mimetype = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.route("/settings/profile", methods=["GET", "POST"])
@signed_in()
@writes
@limit_uploads("avatar")
def settings():
    """Edit display name, names, bio, website and picture."""
    profile = current_user.profile
    form = ProfileForm()
    if request.method == "GET":
        form.display_name.data = profile.display_name
        form.first_name.data = profile.first_name
        form.last_name.data = profile.last_name
        form.bio.data = editable_text(profile.bio_html)
        form.website.data = profile.website

    def page():
        return render_form("profiles/settings.html", form)

    if form.validate_on_submit():
        errors_show_in(form, page)
        upload = form.avatar.data
        has_upload = upload is not None and bool(getattr(upload, "filename", ""))
        services.update_profile(
            current_user,
            display_name=form.display_name.data or "",
            first_name=form.first_name.data or "",
            last_name=form.last_name.data or "",
            bio=form.bio.rich_text(),
            website=form.website.data or "",
            avatar_stream=upload.stream if has_upload else None,
            remove_avatar=form.remove_avatar.data,
        )
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("profiles.settings"), 303)
    return page()
