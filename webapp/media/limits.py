"""Upload budgets. Decoding an image is the most expensive thing a person can ask of the
site, so every request that carries an image counts twice, against separate budgets of
`UPLOAD_RATE_LIMIT`: once for the account (whatever address it comes from) and once for
the address (whichever accounts use it). The budgets are shared by every route that
takes an image (the editor's upload, the profile picture)."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user

from webapp.api.errors import use_json_errors
from webapp.extensions import limiter
from webapp.ratelimits import user_or_address


def _upload_limit() -> str:
    return current_app.config["UPLOAD_RATE_LIMIT"]


def _carries_file(field: str) -> bool:
    upload = request.files.get(field)
    return upload is not None and bool(upload.filename)


def limit_uploads(file_field: str = "image", *, json_errors: bool = False):
    """Decorate a view that takes an image in `file_field`: its requests that carry a file
    count against the account's and the address's upload budgets. With `json_errors`,
    a refusal (429) is answered in JSON, for the scripts that call the view."""

    def no_file() -> bool:
        return not _carries_file(file_field)

    def guest_or_no_file() -> bool:
        return not current_user.is_authenticated or no_file()

    def on_breach(_limit: RequestLimit) -> None:
        if json_errors:
            use_json_errors()

    per_address = limiter.shared_limit(
        _upload_limit,
        scope="uploads:address",
        key_func=get_remote_address,
        methods=["POST"],
        exempt_when=no_file,
        on_breach=on_breach,
    )
    per_account = limiter.shared_limit(
        _upload_limit,
        scope="uploads:account",
        key_func=user_or_address,
        methods=["POST"],
        exempt_when=guest_or_no_file,
        on_breach=on_breach,
    )

    def decorate(view: Callable) -> Callable:
        return per_address(per_account(view))

    return decorate
