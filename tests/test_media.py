"""Image uploads: validated, re-encoded without metadata, served from /media/."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.support.forms import csrf_token_from


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
