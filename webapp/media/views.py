"""Upload and serve images."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, send_from_directory
from flask_babel import gettext as _
from flask_login import current_user

from webapp.api.errors import json_error, use_json_errors
from webapp.media import services
from webapp.media.limits import limit_uploads

bp = Blueprint("media", __name__)


@bp.route("/media/upload", methods=["POST"])
@limit_uploads("image", json_errors=True)
def upload():
    """Store an image from the editor; answers JSON {"url": …} or a JSON error. Uploads
    count against the account's and the address's budgets (`media.limits`)."""
    use_json_errors()
    if not current_user.is_authenticated:
        return json_error(401, _("Please sign in to continue."))
    file = request.files.get("image")
    if file is None:
        return json_error(
            400, _("Choose an image to upload."), {"image": [_("Choose an image to upload.")]}
        )
    stored = services.store_image(file.stream)
    return jsonify(url=stored.url, width=stored.width, height=stored.height), 201


@bp.route("/media/<path:filename>")
def serve(filename: str):
    """Serve a stored image (nginx serves the same folder directly in production)."""
    response = send_from_directory(services.media_root(), filename, max_age=31536000)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
