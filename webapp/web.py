"""The HTML channel's shared request helpers: loading or 404, "sign in first, then
come back", and turning a service's DomainError into what a person sees."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, flash, g, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from webapp.domain import DomainError
from webapp.error_pages import render_error
from webapp.htmx import is_htmx, redirect_for_htmx, sign_in_first
from webapp.urls import back_url

T = TypeVar("T")
ResponseMaker = Callable[[], Any]


def found_or_404(thing: T | None) -> T:
    """`thing`, or a 404 page when the loader found nothing."""
    if thing is None:
        abort(404)
    return thing


def signed_in(come_back: Callable[..., str] | None = None):
    """Guests are sent to sign in, then back: to this page for a GET, and for a POST to
    the page the form was on (its `next` field or referrer), else `come_back(**view_args)`.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.method == "GET":
                    return sign_in_first(request.full_path.rstrip("?"))
                fallback = come_back(**kwargs) if come_back else url_for("feeds.home")
                return sign_in_first(back_url(fallback))
            return view(*args, **kwargs)

        return wrapper

    return decorator


def render_form(template: str, form: FlaskForm, **context):
    """A page with a form: 422 when the form carries errors, so clients and tests see
    that nothing was saved."""
    status = 422 if form.errors or form.form_errors else 200
    return render_template(template, form=form, **context), status


def errors_show_in(
    form: FlaskForm, render: ResponseMaker, default_field: str | None = None
) -> None:
    """A DomainError raised by this request's services is shown in `form` (on the field
    it names, else on `default_field`, else above the form), and the page is rendered
    again by `render` with what was typed."""
    g.domain_error_form = (form, render, default_field)


def errors_return_to(url: str) -> None:
    """A DomainError raised by this request's services is flashed on the page at `url`
    (when the form gave no `next` of its own)."""
    g.domain_error_return = url


def attach_error(form: FlaskForm, field: str | None, message: str) -> None:
    """Add `message` to the form field named `field`, or to the form as a whole."""
    target = getattr(form, field, None) if field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)


def domain_error_page(error: DomainError):
    """A refused action on a page: 403/404 as error pages; a form shows the message on
    its field; an htmx action gets the status (the page says what went wrong); anything
    else is flashed on the page the person came from."""
    registered = g.pop("domain_error_form", None)
    # A refusal the person can lift (confirm the address, then send again) keeps the form
    # and what was typed; other 403/404s are error pages.
    keeps_form = registered is not None and getattr(error, "keeps_form", False)
    if (error.status in (403, 404) and not keeps_form) or (is_htmx() and registered is None):
        return render_error(error.status, error.message)
    if registered is not None:
        form, render, default_field = registered
        attach_error(form, error.field or default_field, str(error.message))
        response = render()
        if is_htmx():  # htmx swaps only successful answers: the form comes back in place
            return response
        body = response[0] if isinstance(response, tuple) else response
        return body, error.status if keeps_form else 422
    flash(str(error.message), "error")
    fallback = g.get("domain_error_return") or url_for("feeds.home")
    return redirect_for_htmx(back_url(fallback))
