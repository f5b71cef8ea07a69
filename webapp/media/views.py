"""Upload and serve images."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, send_from_directory
from flask_babel import gettext as _
from flask_login import current_user

from webapp.extensions import limiter
from webapp.media import services

bp = Blueprint("media", __name__)


@bp.route("/media/upload", methods=["POST"])
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"])
def upload():
    """Store an image from the editor; answers JSON {"url": …} or a JSON error."""
    if not current_user.is_authenticated:
        return _error("unauthorized", _("Please sign in to continue."), 401)
    file = request.files.get("image")
    if file is None:
        return _error("missing_file", _("Choose an image to upload."), 400)
    try:
        stored = services.store_image(file.stream)
    except services.ImageError as error:
        return _error("invalid_image", str(error.message), 400)
    return jsonify(url=stored.url, width=stored.width, height=stored.height), 201


def _error(code: str, message: str, status: int):
    return jsonify(error={"code": code, "message": message, "fields": {"image": [message]}}), status


@bp.route("/media/<path:filename>")
def serve(filename: str):
    """Serve a stored image (nginx serves the same folder directly in production)."""
    response = send_from_directory(services.media_root(), filename, max_age=31536000)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
