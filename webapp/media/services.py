"""The image pipeline: Pillow checks what a file really is, re-encodes it (which drops
EXIF and any payload hidden in the file) and stores it under the instance media folder."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from webapp.domain import DomainError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuses decompression bombs long before memory runs out
MAX_SIDE = 4096
ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
AVATAR_SIZES = (64, 128, 256)  # square sides, in pixels, stored for every avatar


class ImageError(DomainError):
    """An upload is not an image this site accepts (blamed on the "image" field)."""

    def __init__(self, message, field: str | None = "image", status: int = 400):
        super().__init__(message, field, status)


@dataclass
class StoredImage:
    url: str
    width: int
    height: int


def media_root() -> Path:
    return Path(current_app.instance_path) / "media"


def _open_checked(data: bytes) -> Image.Image:
    """Open `data` as an accepted image, refusing anything else with a clear message."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageError(_l("Images can be at most 5 MB."))
    if not data:
        raise ImageError(_l("The file is empty."))
    with Image.open(BytesIO(data)) as probe:
        if probe.format not in ACCEPTED_FORMATS:
            raise ImageError(_l("Upload a JPEG, PNG, GIF or WebP image."))
        if probe.width * probe.height > MAX_PIXELS:
            raise ImageError(_l("This image has too many pixels."))
        probe.verify()
    image: Image.Image = Image.open(BytesIO(data))
    image.seek(0)  # the first frame of an animation
    image = ImageOps.exif_transpose(image)
    return image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")


def _new_relative_path(folder: str) -> Path:
    now = datetime.now(UTC)
    return Path(f"{folder}/{now:%Y}/{now:%m}/{secrets.token_urlsafe(12)}")


def store_avatar(stream: BinaryIO) -> str:
    """Crop an uploaded image to a centred square and store it in every avatar size.
    Returns the base path that `avatar_url` completes with "-<size>.webp"."""
    try:
        image = _open_checked(stream.read(MAX_UPLOAD_BYTES + 1))
        base = _new_relative_path("avatars")
        (media_root() / base).parent.mkdir(parents=True, exist_ok=True)
        for size in AVATAR_SIZES:
            square = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
            square.save(media_root() / f"{base}-{size}.webp", "WEBP", quality=85, method=4)
        return base.as_posix()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ImageError(_l("This file is not an image we can read.")) from None


def store_image(stream: IO[bytes]) -> StoredImage:
    """Validate an uploaded image and store a clean WebP copy; return its URL."""
    try:
        image = _open_checked(stream.read(MAX_UPLOAD_BYTES + 1))
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        relative = Path(f"{_new_relative_path('images')}.webp")
        target = media_root() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        image.save(target, "WEBP", quality=85, method=4)
        return StoredImage(f"/media/{relative.as_posix()}", image.width, image.height)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ImageError(_l("This file is not an image we can read.")) from None
