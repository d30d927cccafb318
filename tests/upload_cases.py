"""Every kind of file a class throws at the upload box, made by the tests (no dataset images).

Each case: name -> (file name, bytes, what the page must show: "error", "warning" or "ok").
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def encode(img: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


def png_with_declared_size(width: int, height: int) -> bytes:
    """A valid 1x1 PNG whose header claims another size (CRC fixed): a decompression bomb's shape."""
    data = bytearray(encode(Image.new("L", (1, 1), 0), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def digit_on_paper(size=(120, 90)) -> np.ndarray:
    """A dark '1' on white paper, like a photo of a handwritten digit."""
    paper = np.full(size, 255, np.uint8)
    h, w = size
    paper[h // 6: 5 * h // 6, w // 2 - 6: w // 2 + 6] = 0
    return paper


def truncated(data: bytes) -> bytes:
    """The first half of a file: the header is intact, the pixel data is cut off."""
    return data[: len(data) // 2]


def animated_gif() -> bytes:
    frames = [Image.fromarray(digit_on_paper()), Image.fromarray(255 - digit_on_paper())]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def palette_png_with_transparency() -> bytes:
    img = Image.fromarray(digit_on_paper()).convert("P")
    return encode(img, "PNG", transparency=255)


def sixteen_bit_png() -> bytes:
    return encode(Image.fromarray((digit_on_paper().astype(np.uint16) * 257)), "PNG")


CASES: dict[str, tuple[str, bytes, str]] = {
    "empty file": ("empty.png", b"", "error"),
    "random bytes": ("noise.png", np.random.default_rng(0).bytes(4096), "error"),
    "truncated png": ("cut.png", truncated(encode(Image.fromarray(digit_on_paper()), "PNG")), "error"),
    "jpeg named png": ("photo.png", encode(Image.fromarray(digit_on_paper()), "JPEG"), "ok"),
    "30000x30000 bomb": ("bomb.png", png_with_declared_size(30000, 30000), "error"),
    "1x1 image": ("dot.png", encode(Image.new("L", (1, 1), 0), "PNG"), "warning"),
    "2000x10 image": ("wide.png", encode(Image.fromarray(digit_on_paper((10, 2000))), "PNG"), "ok"),
    "16-bit grayscale": ("deep.png", sixteen_bit_png(), "ok"),
    "palette + transparency": ("palette.png", palette_png_with_transparency(), "ok"),
    "cmyk jpeg": ("cmyk.jpg", encode(Image.fromarray(digit_on_paper()).convert("CMYK"), "JPEG"), "ok"),
    "animated gif": ("anim.gif", animated_gif(), "ok"),
    "all white": ("white.png", encode(Image.new("L", (64, 64), 255), "PNG"), "warning"),
    "all black": ("black.png", encode(Image.new("L", (64, 64), 0), "PNG"), "warning"),
    "svg renamed": ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="5"/></svg>',
                    "error"),
    "text renamed": ("notes.png", b"just some text, not an image\n", "error"),
}
