"""Image files for upload tests, made in the test: ordinary ones, hostile ones (text-chunk
bombs, truncated headers, huge declared sizes, pixel bombs, scan bombs) and a seeded
mutator (byte flips, truncations, chunk corruption with valid checksums)."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def picture(size=(48, 36), mode: str = "RGB") -> Image.Image:
    """A small gradient, so that every encoder has real content to compress."""
    bands = (
        Image.linear_gradient("L").resize(size),
        Image.linear_gradient("L").rotate(90).resize(size),
        Image.radial_gradient("L").resize(size),
    )
    return Image.merge("RGB", bands).convert(mode)


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def animation(kind: str, colours=((220, 20, 20), (20, 200, 20), (20, 20, 220)), size=(40, 30)):
    """An animated GIF or WebP whose frames are solid colours, first to last."""
    frames = [Image.new("RGB", size, colour) for colour in colours]
    return encoded(frames[0], kind, save_all=True, append_images=frames[1:], duration=100, loop=0)


# --- PNG ---------------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk of a well-formed PNG."""
    chunks, position = [], len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunks.append((kind, data[position + 8 : position + 8 + length]))
        position += 12 + length
    return chunks


def png_from(chunks) -> bytes:
    return PNG_SIGNATURE + b"".join(png_chunk(kind, data) for kind, data in chunks)


def png_header(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    return png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))


def solid_png(width: int, height: int, colour: int = 2) -> bytes:
    """A PNG of `width` × `height` blank pixels: a few KB that decode to many MB."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    rows_per_piece = max(1, 1_000_000 // (1 + channels * width))
    piece = b"\0" * (1 + channels * width) * rows_per_piece
    compressor = zlib.compressobj(1)
    pieces = [compressor.compress(piece) for _ in range(height // rows_per_piece)]
    pieces.append(
        compressor.compress(piece[: (height % rows_per_piece) * (len(piece) // rows_per_piece)])
    )
    body = b"".join(pieces) + compressor.flush()
    return (
        PNG_SIGNATURE
        + png_header(width, height, colour=colour)
        + png_chunk(b"IDAT", body)
        + png_chunk(b"IEND", b"")
    )


def png_with_chunk(kind: bytes, data: bytes, base: bytes | None = None) -> bytes:
    """`base` (a small PNG) with one more chunk right after its header."""
    chunks = png_chunks(base or encoded(picture(), "PNG"))
    return png_from([chunks[0], (kind, data), *chunks[1:]])


def inflating_to(size: int) -> bytes:
    return zlib.compress(b"a" * size, 9)


def text_chunk_bombs() -> dict[str, bytes]:
    """Compressed PNG text and colour-profile chunks that inflate past Pillow's
    MAX_TEXT_CHUNK (1 MB) or, together, past MAX_TEXT_MEMORY (64 MB), and a truncated
    header: Pillow raises ValueError on each."""
    big, one_mb = inflating_to(2 * 1024 * 1024), inflating_to(1_000_000)
    chunks = png_chunks(encoded(picture(), "PNG"))
    return {
        "zTXt bomb": png_with_chunk(b"zTXt", b"Comment\0\0" + big),
        "iCCP bomb": png_with_chunk(b"iCCP", b"profile\0\0" + big),
        "iTXt bomb": png_with_chunk(b"iTXt", b"Comment\0\1\0\0\0" + big),
        "truncated IHDR": PNG_SIGNATURE + png_chunk(b"IHDR", b"\0\0\0\x08\0\0"),
        "70 zTXt of 1 MB": png_from(
            [chunks[0], *[(b"zTXt", b"Comment\0\0" + one_mb)] * 70, *chunks[1:]]
        ),
    }


# --- headers of the other formats ---------------------------------------------------


def with_size(data: bytes, width: int, height: int) -> bytes:
    """`data` (a PNG, GIF, JPEG or WebP) claiming another size in its header."""
    if data.startswith(PNG_SIGNATURE):
        chunks = png_chunks(data)
        header = struct.pack(">II", width, height) + chunks[0][1][8:]
        return png_from([(b"IHDR", header), *chunks[1:]])
    patched = bytearray(data)
    if data[:3] == b"GIF":
        patched[6:10] = struct.pack("<HH", width, height)
        descriptor = _gif_descriptor(data)
        patched[descriptor + 5 : descriptor + 9] = struct.pack("<HH", width, height)
    elif data[:2] == b"\xff\xd8":
        frame = next(data.find(marker) for marker in (b"\xff\xc0", b"\xff\xc2") if marker in data)
        patched[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    elif data[8:12] == b"WEBP" and data[12:16] == b"VP8X":
        patched[24:27] = max(width - 1, 0).to_bytes(3, "little")
        patched[27:30] = max(height - 1, 0).to_bytes(3, "little")
    elif data[8:12] == b"WEBP" and data[12:16] == b"VP8 ":
        patched[26:30] = struct.pack("<HH", width & 0x3FFF, height & 0x3FFF)
    else:
        raise ValueError("no size to patch in this file")
    return bytes(patched)


def _gif_descriptor(data: bytes) -> int:
    """The offset of the first image descriptor (0x2C) of a GIF."""
    position = 13
    if data[10] & 0x80:
        position += 3 * 2 ** ((data[10] & 7) + 1)
    while data[position] == 0x21:  # extension blocks: label, then sub-blocks
        position += 2
        while data[position]:
            position += data[position] + 1
        position += 1
    return position


def jpeg_scan_bomb(extra_scans: int, size=(4000, 3000)) -> bytes:
    """A progressive JPEG whose last scan is repeated: each scan costs a pass over every
    pixel, so a few hundred KB cost many seconds of CPU to decode."""
    data = encoded(Image.new("RGB", size, (120, 30, 200)), "JPEG", progressive=True)
    end = data.rindex(b"\xff\xd9")
    last_scan = data[data.rindex(b"\xff\xda") : end]
    return data[:end] + last_scan * extra_scans + b"\xff\xd9"


# --- mutations -----------------------------------------------------------------------


def flipped(data: bytes, rng: random.Random, count: int) -> bytes:
    """`count` random bytes replaced, past the first 8 (so the format is still found)."""
    mutated = bytearray(data)
    for _ in range(count):
        mutated[rng.randrange(8, len(data))] = rng.randrange(256)
    return bytes(mutated)


def truncated(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(8, len(data))]


def png_corruptions(data: bytes, rng: random.Random) -> list[bytes]:
    """Structural damage that checksums do not catch: every chunk's data replaced or
    resized (with a valid CRC), a chunk dropped, duplicated or moved."""
    chunks = png_chunks(data)
    variants = []
    for index, (kind, body) in enumerate(chunks):
        garbage = rng.randbytes(max(1, len(body)))
        variants.append(png_from([*chunks[:index], (kind, garbage), *chunks[index + 1 :]]))
        shorter = body[: len(body) // 2]
        variants.append(png_from([*chunks[:index], (kind, shorter), *chunks[index + 1 :]]))
        variants.append(png_from([*chunks[:index], *chunks[index + 1 :]]))
        variants.append(png_from([*chunks[: index + 1], (kind, body), *chunks[index + 1 :]]))
    variants.append(png_from([chunks[0], *reversed(chunks[1:])]))
    return variants
