"""Image fuzzing through the real endpoints (issue 13, item 12).

A few hundred PNG, GIF, JPEG and WebP files are made here from small seeds (byte flips,
truncations, PNG chunks corrupted behind valid checksums, huge declared sizes, text-chunk,
pixel and scan bombs) and each is uploaded as a post image and as a profile picture.
Every answer is a stored image or a clear refusal, never a 500; a refusal stores nothing;
and no single request raises the process's resident memory by more than MEMORY_BOUND.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.support.images import (
    animation,
    encoded,
    flipped,
    jpeg_scan_bomb,
    picture,
    png_corruptions,
    solid_png,
    text_chunk_bombs,
    truncated,
    with_size,
)
from tests.support.memory import MB, can_measure_peak, peak_memory
from tests.support.uploads import REFUSALS, Uploader

# The largest images allowed (PNG 16 MP RGBA, WebP 9 MP) measure about 140 MB; the
# 6300 × 6300 PNG of the issue took 300-400 MB and 2.5 s before the pixels were capped.
MEMORY_BOUND = 160 * MB
CPU_BOUND = 2.0  # seconds of CPU for any one request
SEED = 20240613


def blank(mode: str, size=(4000, 4000)) -> Image.Image:
    return Image.new(mode, size)


def seeds() -> dict[str, bytes]:
    small = picture()
    rotated = small.getexif()
    rotated[0x0112] = 6  # EXIF orientation: rotate 90° clockwise when shown
    return {
        "png rgb": encoded(small, "PNG"),
        "png rgba": encoded(picture(mode="RGBA"), "PNG"),
        "png palette": encoded(picture(mode="P"), "PNG", transparency=0),
        "png 16-bit grey": encoded(picture(mode="L").convert("I;16"), "PNG"),
        "gif": encoded(picture(mode="P"), "GIF"),
        "gif animated": animation("GIF"),
        "jpeg": encoded(small, "JPEG", quality=80),
        "jpeg progressive": encoded(small, "JPEG", progressive=True),
        "jpeg exif rotated": encoded(small, "JPEG", exif=rotated),
        "jpeg cmyk": encoded(picture(mode="CMYK"), "JPEG"),
        "webp lossy": encoded(small, "WEBP", quality=70),
        "webp lossless alpha": encoded(picture(mode="RGBA"), "WEBP", lossless=True),
        "webp animated": animation("WEBP"),
    }


def corpus() -> list[tuple[str, bytes]]:
    rng = random.Random(SEED)
    cases: list[tuple[str, bytes]] = []
    for name, data in seeds().items():
        cases.append((name, data))
        flips = (1, 1, 2, 3, 4, 6, 8, 16)
        cases += [(f"{name}, {n} bytes flipped", flipped(data, rng, n)) for n in flips]
        cases += [(f"{name}, truncated", truncated(data, rng)) for _ in range(5)]
        for width, height in ((6300, 6300), (65535, 65535), (30_000, 1), (0, 0)):
            try:
                cases.append((f"{name} claiming {width}×{height}", with_size(data, width, height)))
            except ValueError:  # a WebP header that has no plain size field
                continue
        if name.startswith("png"):
            cases += [(f"{name}, chunk damage", v) for v in png_corruptions(data, rng)]
    cases += list(text_chunk_bombs().items())
    cases += [
        ("png 6300×6300 pixel bomb (issue 13)", solid_png(6300, 6300)),
        ("png 4000×4000 rgba (largest png)", solid_png(4000, 4000, colour=6)),
        ("png 16000×600 rgba strip", solid_png(16_000, 600, colour=6)),
        ("png 30000×1 (too long a side)", solid_png(30_000, 1, colour=0)),
        ("gif 4000×4000 transparent (largest gif)", encoded(blank("P"), "GIF", transparency=0)),
        ("jpeg 6000×4000 (largest jpeg)", encoded(blank("RGB", (6000, 4000)), "JPEG")),
        ("jpeg 4095×4095 cmyk (decoded in full)", encoded(blank("CMYK", (4095, 4095)), "JPEG")),
        ("jpeg scan bomb", jpeg_scan_bomb(300)),
        (
            "webp 3840×2160 (largest webp)",
            encoded(blank("RGB", (3840, 2160)), "WEBP", lossless=True),
        ),
        ("webp 4000×4000 (too many pixels)", encoded(blank("RGBA"), "WEBP", lossless=True)),
    ]
    return cases


@pytest.fixture(scope="module")
def cases():
    return corpus()


def check_upload(uploader: Uploader, name: str, data: bytes) -> bool:
    """Upload as a post image; True when stored. A refusal is JSON and stores nothing."""
    before = uploader.stored_files()
    response = uploader.image(data)
    added = uploader.stored_files() - before
    assert response.status_code in (201, 400), (name, response.status_code, response.data[:300])
    if response.status_code == 201:
        assert len(added) == 1 and response.json["url"].startswith("/media/images/"), name
        assert 1 <= max(response.json["width"], response.json["height"]) <= 2048, name
        return True
    message = response.json["error"]["message"]
    assert any(refusal in message for refusal in REFUSALS), (name, message)
    assert response.json["error"]["fields"] == {"image": [message]}, name
    assert not added, name
    return False


def check_avatar(uploader: Uploader, name: str, data: bytes) -> bool:
    """Upload as a profile picture; True when stored. A refusal is the form again, with
    the message on the picture field, the old picture kept and nothing stored."""
    before_files, before_path = uploader.stored_files(), uploader.avatar_path()
    response = uploader.avatar(data)
    added = uploader.stored_files() - before_files
    assert response.status_code in (303, 422), (name, response.status_code)
    if response.status_code == 303:
        assert len(added) == 3 and uploader.avatar_path() != before_path, name
        return True
    html = response.get_data(as_text=True)
    assert any(refusal in html for refusal in REFUSALS), name
    assert not added and uploader.avatar_path() == before_path, name
    return False


def test_fuzzed_images_get_a_stored_copy_or_a_clear_refusal(app, client, auth, make_user, cases):
    make_user("alice")
    auth.login("alice")
    uploader = Uploader(client, "alice", Path(app.instance_path) / "media")
    measuring = can_measure_peak()
    stored = refused = 0
    worst_memory, worst_cpu = (0, ""), (0.0, "")
    started = time.monotonic()
    for name, data in cases:
        for check, channel in ((check_upload, "post image"), (check_avatar, "avatar")):
            cpu = time.process_time()
            if measuring:
                with peak_memory() as peak:
                    accepted = check(uploader, name, data)
                worst_memory = max(worst_memory, (peak.growth, f"{name} ({channel})"))
            else:
                accepted = check(uploader, name, data)
            worst_cpu = max(worst_cpu, (time.process_time() - cpu, f"{name} ({channel})"))
            stored, refused = stored + accepted, refused + (not accepted)
    elapsed = time.monotonic() - started
    print(
        f"\n{len(cases)} files × 2 endpoints in {elapsed:.1f} s: {stored} stored, "
        f"{refused} refused; most memory {worst_memory[0] / MB:.0f} MB by {worst_memory[1]}; "
        f"most CPU {worst_cpu[0]:.2f} s by {worst_cpu[1]}"
    )
    assert len(cases) >= 300 and stored >= 40 and refused >= 300
    assert worst_cpu[0] < CPU_BOUND, worst_cpu
    if measuring:
        assert worst_memory[0] < MEMORY_BOUND, worst_memory
