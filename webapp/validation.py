"""Checks that services apply to what any caller sends (a form, the API, a command).

Each check returns the cleaned value or raises DomainError naming the field; forms reuse
the same checks through `Rule`, so a page and the API refuse the same input alike.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from webapp.domain import DomainError
from webapp.urls import is_web_address


def web_address(value: str | None, field: str, max_length: int = 2000) -> str | None:
    """An http(s) address people can follow, or None when left empty. Anything else
    (`javascript:`, relative paths, spaces) is refused: it would be rendered as a link."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > max_length:
        raise DomainError(_l("That link is too long."), field)
    if not is_web_address(value):
        raise DomainError(_l("Enter a web address starting with http:// or https://."), field)
    return value


def bounded_text(value: str | None, field: str, max_length: int, too_long, *, required=None) -> str:
    """`value` stripped; refused with `too_long` when longer than `max_length`, and
    with `required` when empty (if given)."""
    value = (value or "").strip()
    if required is not None and not value:
        raise DomainError(required, field)
    if len(value) > max_length:
        raise DomainError(too_long, field)
    return value


class Rule:
    """A WTForms validator that runs a service check, so a form shows the same message
    beside the field before anything is submitted to the service."""

    def __init__(self, check: Callable[[str], object]):
        self.check = check

    def __call__(self, form, field) -> None:
        try:
            self.check(field.data)
        except DomainError as error:
            raise ValidationError(str(error.message)) from None
