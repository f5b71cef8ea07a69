"""The image pipeline: Pillow checks what a file really is, re-encodes it (which drops
EXIF and any payload hidden in the file) and stores it under the instance media folder.

Every upload is hostile until decoded. The order keeps the cost of a bad file small:
the file's signature picks the one parser that reads its headers, the declared size is
checked against `MAX_MEGAPIXELS`, PNG chunk checksums are verified, progressive JPEGs are
checked for a scan count that would cost seconds of CPU, and only then are pixels
decoded: JPEGs at 1/2, 1/4 or 1/8 scale when the stored copy is that much smaller
(`draft`), other images reduced by whole factors (`reduce`) before the fine resampling.
An animated GIF or WebP keeps its first frame, as a still picture: no other frame is
decoded. Whatever Pillow raises on a broken file becomes the same clear
`ImageError`, and nothing is written to disk until every stored size is encoded."""

from __future__ import annotations

import logging
import secrets
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, BinaryIO

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from webapp.domain import DomainError
from webapp.i18n import number

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Pixels per format, in megapixels, from what decoding costs. JPEG is decoded at a
# reduced scale (never more than ≈ 4096 × 4096 pixels), PNG and GIF in full (up to
# 4 bytes a pixel, and a copy while converting), WebP by libwebp's animation decoder
# (≈ 16 bytes a pixel: two canvases, a copy and the image; 4K, 3840 × 2160, fits). So
# no upload costs more than ≈ 150 MB or about a second of CPU (tests/test_image_fuzz.py).
MAX_MEGAPIXELS = {"JPEG": 25, "PNG": 16, "GIF": 16, "WEBP": 9}
FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WebP"}
# Longest side, as in WebP itself: Pillow also spends 8 bytes per row of an image.
MAX_EDGE = 16_384
MAX_SIDE = 2048  # stored post images: the widest column (≈ 860 CSS px) on a 2× screen
# Every progressive JPEG scan walks every pixel again (≈ 1 ns each here): scans × pixels
# is capped so that one file costs well under a second. Ordinary files have ≤ 12 scans.
JPEG_SCAN_BUDGET = 500_000_000
AVATAR_SIZES = (64, 128, 256)  # square sides, in pixels, stored for every avatar
WEBP_OPTIONS = {"quality": 85, "method": 4}
# Modes that Pillow reduces and resamples directly; others are converted first.
_SHRINKABLE_MODES = {"L", "RGB", "RGBA", "CMYK", "YCbCr"}
_UPRIGHT = {  # EXIF orientation → the turn that shows the picture as it was taken
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

UNREADABLE = _l("This file is not an image we can read.")
# Not written inside the f-string: Babel's extractor on Python 3.11 does not look into
# f-strings, so the catalogs had lost this sentence and it showed in English everywhere.
UPLOAD_FORMATS = _l("Upload a JPEG, PNG, GIF or WebP image.")
NOT_ACCEPTED = LazyString(lambda: f"{UNREADABLE} {UPLOAD_FORMATS}")


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


def too_many_pixels(kind: str) -> ImageError:
    return ImageError(
        _l(
            "%(format)s images can have at most %(count)s megapixels.",
            format=FORMAT_NAMES[kind],
            count=number(MAX_MEGAPIXELS[kind]),
        )
    )


def _read(stream: IO[bytes]) -> bytes:
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageError(_l("Images can be at most 5 MB."))
    if not data:
        raise ImageError(_l("The file is empty."))
    return data


@contextmanager
def _refusing_unreadable() -> Iterator[None]:
    """Turn whatever Pillow raises on a hostile file (ValueError, SyntaxError, OSError,
    EOFError, struct.error, ZeroDivisionError, IndexError …) into one clear refusal."""
    try:
        yield
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError(NOT_ACCEPTED) from None
    except Exception as error:  # any decoder failure is the file's fault
        log.info("refused an unreadable image: %s: %s", type(error).__name__, error)
        raise ImageError(UNREADABLE) from None


def _sniffed(data: bytes) -> str:
    """The accepted format `data` starts like (the signatures Pillow itself checks)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    raise ImageError(NOT_ACCEPTED)


def _webp_canvas(data: bytes) -> tuple[int, int]:
    """A WebP's canvas size from its first chunk: Pillow's decoder allocates the canvas
    when the file is opened, so the size is checked before."""
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    raise ImageError(UNREADABLE)


def _check_size(kind: str, size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_MEGAPIXELS[kind] * 1_000_000:
        raise too_many_pixels(kind)
    if max(width, height) > MAX_EDGE:
        raise ImageError(
            _l("An image can be at most %(count)s pixels on each side.", count=number(MAX_EDGE))
        )
    if width < 1 or height < 1:
        raise ImageError(UNREADABLE)


def _opened(data: bytes) -> Image.Image:
    """Parse the headers (no pixels yet) with the one parser of the file's format."""
    kind = _sniffed(data)
    if kind == "WEBP":
        _check_size(kind, _webp_canvas(data))
    try:
        image = Image.open(BytesIO(data), formats=(kind,))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels(kind) from None
    _check_size(kind, image.size)
    return image


def _check_jpeg_scans(data: bytes, pixels: int) -> None:
    """Refuse a progressive JPEG whose scans would each decode every pixel again. A scan
    starts with the SOS marker (FF DA), which never occurs inside entropy-coded data."""
    if data.count(b"\xff\xda") * max(pixels, 1_000_000) > JPEG_SCAN_BUDGET:
        raise ImageError(UNREADABLE)


def _flat_mode(image: Image.Image) -> str:
    return "RGBA" if image.has_transparency_data else "RGB"


def _shrinkable(image: Image.Image) -> Image.Image:
    """`image` in a mode Pillow reduces and resamples as it is. Alpha is premultiplied
    once here ("RGBa"); Pillow would otherwise copy the whole image at every resampling."""
    if image.mode == "I" or image.mode.startswith("I;16"):  # 16-bit grey: keep the tones
        return image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode not in _SHRINKABLE_MODES:
        image = image.convert(_flat_mode(image))
    return image.convert("RGBa") if image.mode == "RGBA" else image


def _decoded(data: bytes, needed: Callable[[int, int], tuple[int, int]]) -> Image.Image:
    """The first frame of `data`, upright, RGB(A), resampled to `needed(width, height)`
    from no more pixels than that size requires. Each step rebinds `image`, so the file's
    decoded pixels (and WebP's decoder canvases) are freed as soon as a smaller copy exists."""
    image = _opened(data)
    if image.format == "PNG":  # (the other formats' verify() checks nothing)
        image.verify()  # every chunk's checksum, before any pixel is decoded
        image = _opened(data)  # a verified image cannot be decoded: open it again
    target = needed(*image.size)
    if image.format == "JPEG":
        _check_jpeg_scans(data, image.width * image.height)
        image.draft(None, target)  # libjpeg decodes at 1/2, 1/4 or 1/8 scale
    upright = _UPRIGHT.get(image.getexif().get(ExifTags.Base.Orientation, 1))
    image = _shrinkable(image)
    # A box filter by whole factors (per axis: a long thin strip shrinks along its length
    # only), then a fine filter for the last factor of 2 to 4.
    factors = (max(1, image.width // target[0] // 2), max(1, image.height // target[1] // 2))
    if factors != (1, 1):
        image = image.reduce(factors)
    if image.size != target:
        image = image.resize(target, Image.Resampling.LANCZOS)
    if upright is not None:
        image = image.transpose(upright)
    flat = _flat_mode(image)
    return image if image.mode == flat else image.convert(flat)


def _scaled(width: int, height: int, scale: float) -> tuple[int, int]:
    scale = min(scale, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _webp(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "WEBP", **WEBP_OPTIONS)
    return buffer.getvalue()


def _new_relative_path(folder: str) -> Path:
    now = datetime.now(UTC)
    return Path(f"{folder}/{now:%Y}/{now:%m}/{secrets.token_urlsafe(12)}")


def _write(files: dict[Path, bytes]) -> None:
    """Write encoded files under the media root (only once all of them are encoded)."""
    for relative, data in files.items():
        target = media_root() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def store_avatar(stream: BinaryIO) -> str:
    """Crop an uploaded image to a centred square and store it in every avatar size.
    Returns the base path that `avatar_url` completes with "-<size>.webp"."""
    data = _read(stream)
    largest = AVATAR_SIZES[-1]
    with _refusing_unreadable():
        image = _decoded(data, lambda w, h: _scaled(w, h, largest / min(w, h)))
        squares = {
            size: _webp(ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS))
            for size in AVATAR_SIZES
        }
    base = _new_relative_path("avatars")
    _write({Path(f"{base}-{size}.webp"): encoded for size, encoded in squares.items()})
    return base.as_posix()


def store_image(stream: IO[bytes]) -> StoredImage:
    """Validate an uploaded image and store a clean WebP copy (at most `MAX_SIDE` pixels
    on its longer side); return its URL and size."""
    data = _read(stream)
    with _refusing_unreadable():
        image = _decoded(data, lambda w, h: _scaled(w, h, MAX_SIDE / max(w, h)))
        encoded = _webp(image)
    relative = Path(f"{_new_relative_path('images')}.webp")
    _write({relative: encoded})
    return StoredImage(f"/media/{relative.as_posix()}", image.width, image.height)
