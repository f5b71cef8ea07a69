"""Avatars: the uploaded one in several square sizes, or a generated pattern that is
distinct per person (a symmetric 5×5 identicon coloured from their username)."""

from __future__ import annotations

import hashlib

from flask import url_for

from webapp.media.services import AVATAR_SIZES


def avatar_url(profile, size: int = 128) -> str:
    """The URL of a person's avatar at (at least) `size` pixels."""
    if profile.avatar_path:
        chosen = next((s for s in AVATAR_SIZES if s >= size), AVATAR_SIZES[-1])
        return f"/media/{profile.avatar_path}-{chosen}.webp"
    return url_for("profiles.generated_avatar", username=profile.username.lower())


def identicon_svg(seed: str) -> str:
    """A 5×5 mirrored pattern and a hue, both from the seed's hash."""
    digest = hashlib.sha256(seed.lower().encode()).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    foreground = f"hsl({hue} 55% 45%)"
    background = f"hsl({hue} 60% 93%)"
    cells = []
    bits = int.from_bytes(digest[2:6], "big")
    for row in range(5):
        for column in range(3):
            if bits >> (row * 3 + column) & 1:
                for x in {column, 4 - column}:
                    cells.append(
                        f'<rect x="{x * 10 + 5}" y="{row * 10 + 5}" width="10" height="10"/>'
                    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 60" width="60" height="60">'
        f'<rect width="60" height="60" fill="{background}"/>'
        f'<g fill="{foreground}">{"".join(cells)}</g></svg>'
    )
