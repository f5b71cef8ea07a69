"""Image uploads: validated, re-encoded without metadata, served from /media/."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.support.forms import csrf_token_from
from tests.support.images import (
    animation,
    encoded,
    jpeg_scan_bomb,
    picture,
    solid_png,
    text_chunk_bombs,
)
from tests.support.memory import MB, can_measure_peak, peak_memory
from tests.support.uploads import Uploader
from webapp.extensions import limiter

UNREADABLE = "This file is not an image we can read."


def image_bytes(kind: str = "PNG", size=(64, 48), exif: bool = False) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if exif:
        metadata = Image.Exif()
        metadata[0x010F] = "SecretCameraMaker"
        image.save(buffer, kind, exif=metadata)
    else:
        image.save(buffer, kind)
    return buffer.getvalue()


def upload(client, data: bytes, filename="photo.png"):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    return client.post(
        "/media/upload",
        data={"image": (io.BytesIO(data), filename)},
        headers={"X-CSRFToken": token},
        content_type="multipart/form-data",
    )


@pytest.fixture
def signed_in(client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    return client


def test_upload_re_encodes_and_strips_metadata(signed_in):
    response = upload(signed_in, image_bytes("JPEG", exif=True), "photo.jpg")
    assert response.status_code == 201, response.json
    url = response.json["url"]
    assert url.startswith("/media/") and url.endswith(".webp")
    served = signed_in.get(url)
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert b"SecretCameraMaker" not in served.data
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.size == (64, 48) and not image.getexif()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"GIF89a not really", "fake.gif", "not an image we can read"),
        (b"<svg onload=alert(1)></svg>", "evil.svg", "not an image we can read"),
        (b"", "empty.png", "The file is empty."),
        (image_bytes("BMP"), "old.bmp", "Upload a JPEG, PNG, GIF or WebP image."),
    ],
)
def test_non_images_are_refused_with_a_json_error(signed_in, data, filename, message):
    response = upload(signed_in, data, filename)
    assert response.status_code == 400
    assert message in response.json["error"]["message"]


def test_a_refused_format_is_explained_in_the_readers_language(signed_in):
    token = csrf_token_from(signed_in.get("/").get_data(as_text=True))
    response = signed_in.post(
        "/media/upload",
        data={"image": (io.BytesIO(image_bytes("BMP")), "old.bmp")},
        headers={"X-CSRFToken": token, "Accept-Language": "de"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.json["error"]["message"] == (
        "Diese Datei ist kein Bild, das wir lesen können. "
        "Lade ein JPEG-, PNG-, GIF- oder WebP-Bild hoch."
    )


def test_oversize_upload_is_refused(signed_in):
    big = image_bytes("PNG") + b"\0" * (5 * 1024 * 1024)
    response = upload(signed_in, big)
    assert response.status_code == 400
    assert "at most 5 MB" in response.json["error"]["message"]


def test_guests_cannot_upload(client):
    response = upload(client, image_bytes())
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_upload_without_csrf_is_refused(signed_in):
    response = signed_in.post(
        "/media/upload",
        data={"image": (io.BytesIO(image_bytes()), "a.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_media_paths_cannot_escape_the_folder(client):
    assert client.get("/media/../secret_key").status_code == 404
    assert client.get("/media/%2e%2e/secret_key").status_code == 404


# --- hostile and costly images (issue 13, item 12) -----------------------------------


@pytest.fixture
def uploader(app, client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    return Uploader(client, "alice", Path(app.instance_path) / "media")


def assert_refused_both_ways(uploader: Uploader, data: bytes, message: str):
    """Refused as a post image (a JSON error on the field) and as a profile picture (the
    form again, the message on its field): nothing stored, the old picture kept."""
    before, picture_before = uploader.stored_files(), uploader.avatar_path()
    response = uploader.image(data)
    assert response.status_code == 400, response.data[:200]
    assert response.json["error"]["message"] == message
    assert response.json["error"]["fields"] == {"image": [message]}
    page = uploader.avatar(data)
    assert page.status_code == 422 and message in page.get_data(as_text=True)
    assert uploader.stored_files() == before and uploader.avatar_path() == picture_before


@pytest.mark.parametrize("name", sorted(text_chunk_bombs()))
def test_files_that_make_pillow_raise_are_refused_clearly(uploader, name):
    # zTXt/iCCP/iTXt chunks that inflate past MAX_TEXT_CHUNK, a truncated IHDR: these
    # raised ValueError inside Pillow, and both endpoints answered 500.
    assert_refused_both_ways(uploader, text_chunk_bombs()[name], UNREADABLE)


def test_the_refusal_speaks_the_person_s_language(uploader):
    response = uploader.image(text_chunk_bombs()["zTXt bomb"], headers={"Accept-Language": "es"})
    assert response.json["error"]["message"] == "Este archivo no es una imagen que podamos leer."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # The pixel bomb: a small file of 6300 × 6300 pixels (40 MP).
        (solid_png(6300, 6300), "PNG images can have at most 16 megapixels."),
        (
            encoded(Image.new("RGB", (4000, 4000)), "WEBP"),
            "WebP images can have at most 9 megapixels.",
        ),
        (solid_png(20_000, 1), "An image can be at most 16,384 pixels on each side."),
    ],
    ids=["png 6300x6300", "webp 4000x4000", "png 20000x1"],
)
def test_images_with_too_many_pixels_are_refused_naming_the_limit(uploader, data, message):
    assert_refused_both_ways(uploader, data, message)


@pytest.mark.skipif(not can_measure_peak(), reason="needs Linux /proc/self/clear_refs")
def test_large_jpegs_are_decoded_at_a_reduced_scale(uploader):
    """A 24-megapixel photo is decoded at half scale for a post image and at an eighth
    for an avatar (libjpeg's draft mode): it used to be decoded in full, 72 MB, twice."""
    photo = encoded(picture((6000, 4000)), "JPEG", quality=70)
    with peak_memory() as peak:
        response = uploader.image(photo, "photo.jpg")
    assert response.status_code == 201
    assert peak.growth < 64 * MB, peak.growth / MB
    assert (response.json["width"], response.json["height"]) == (2048, 1365)
    with peak_memory() as peak:
        assert uploader.avatar(photo, "me.jpg").status_code == 303
    assert peak.growth < 16 * MB, peak.growth / MB


def test_progressive_jpeg_scan_bombs_are_refused_before_decoding(uploader):
    """Each extra scan of a progressive JPEG decodes every pixel again: 300 repeated scans
    of a 12-megapixel image cost seconds of CPU in a 200 KB file."""
    bomb = jpeg_scan_bomb(300)
    started = time.process_time()
    assert_refused_both_ways(uploader, bomb, UNREADABLE)
    assert time.process_time() - started < 0.5


@pytest.mark.parametrize("kind", ["GIF", "WEBP"])
def test_animations_are_stored_as_their_first_frame(uploader, client, kind):
    response = uploader.image(animation(kind), f"moving.{kind.lower()}")
    assert response.status_code == 201
    with Image.open(io.BytesIO(client.get(response.json["url"]).data)) as stored:
        assert not getattr(stored, "is_animated", False)
        red, green, blue = stored.convert("RGB").getpixel((20, 15))
        assert red > 180 and green < 60 and blue < 60  # the first frame is red


def test_photos_are_turned_upright_and_16_bit_grey_keeps_its_tones(uploader, client):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to show"
    rotated = encoded(picture((60, 40)), "JPEG", exif=exif)
    response = uploader.image(rotated, "rotated.jpg")
    assert (response.json["width"], response.json["height"]) == (40, 60)
    grey = encoded(Image.new("I;16", (8, 8), 30000), "PNG")  # 30000 of 65535: mid grey
    stored = client.get(uploader.image(grey).json["url"]).data
    with Image.open(io.BytesIO(stored)) as image:
        assert 100 < image.convert("L").getpixel((4, 4)) < 135  # it used to come out white


def test_uploads_are_limited_per_account_and_per_address(app, client, auth, make_user):
    make_user("alice")
    make_user("bob")
    auth.login("alice")
    alice = Uploader(client, "alice", Path(app.instance_path) / "media")
    limiter.reset()  # account ids repeat between tests: start from empty budgets
    app.config["UPLOAD_RATE_LIMIT"] = "2 per minute"
    try:
        assert alice.image(image_bytes(), address="198.51.100.1").status_code == 201
        assert alice.image(image_bytes(), address="198.51.100.1").status_code == 201
        # A new address does not give the same account a new budget …
        refused = alice.image(image_bytes(), address="198.51.100.2")
        assert refused.status_code == 429
        assert refused.json["error"]["code"] == "rate_limited"
        assert "Retry-After" in refused.headers
        # … and a new account does not give the same address a new budget.
        auth.logout()
        auth.login("bob")
        bob = Uploader(client, "bob", Path(app.instance_path) / "media")
        assert bob.image(image_bytes(), address="198.51.100.1").status_code == 429
        assert bob.image(image_bytes(), address="198.51.100.3").status_code == 201
    finally:
        app.config["UPLOAD_RATE_LIMIT"] = "10000 per minute"
