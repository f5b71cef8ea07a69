"""Uploading through the real endpoints: the editor's image upload (JSON) and the profile
picture (a form), with what each request left in the media folder."""

from __future__ import annotations

import io
import os
from pathlib import Path

from sqlalchemy import select

from tests.support.forms import csrf_token_from
from webapp.extensions import db
from webapp.models import Profile

# What a person is told when an upload is refused (English catalog).
REFUSALS = (
    "This file is not an image we can read.",
    "Upload a JPEG, PNG, GIF or WebP image.",
    "images can have at most",  # "PNG images can have at most 16 megapixels."
    "pixels on each side.",
    "Images can be at most 5 MB.",
)
PROFILE_FIELDS = {
    "display_name": "Alice M.",
    "first_name": "Alice",
    "last_name": "Moreau",
    "bio": "Reader.",
    "body_format": "text",
    "website": "",
}


class Uploader:
    """A signed-in person's client that uploads images both ways."""

    def __init__(self, client, username: str, media_root: Path):
        self.client = client
        self.username = username
        self.media_root = media_root
        self.token = csrf_token_from(client.get("/settings/profile").get_data(as_text=True))

    def image(self, data: bytes, filename="upload.png", address="127.0.0.1", headers=None):
        return self.client.post(
            "/media/upload",
            data={"image": (io.BytesIO(data), filename)},
            headers={"X-CSRFToken": self.token, **(headers or {})},
            content_type="multipart/form-data",
            environ_base={"REMOTE_ADDR": address},
        )

    def avatar(self, data: bytes, filename: str = "me.png", address: str = "127.0.0.1"):
        return self.client.post(
            "/settings/profile",
            data={
                **PROFILE_FIELDS,
                "csrf_token": self.token,
                "avatar": (io.BytesIO(data), filename),
            },
            content_type="multipart/form-data",
            environ_base={"REMOTE_ADDR": address},
        )

    def avatar_path(self) -> str | None:
        db.session.expire_all()
        return db.session.scalar(
            select(Profile.avatar_path).where(Profile.username == self.username)
        )

    def stored_files(self) -> set[str]:
        return {
            os.path.join(folder, name)
            for folder, _folders, names in os.walk(self.media_root)
            for name in names
        }
