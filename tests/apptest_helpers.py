"""Shared bits for AppTest-based tests: open a page, inject a drawing, read images back."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 300  # the first run loads TensorFlow and models: slow on a busy 2-core machine


def open_app(page: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    if page:
        at.switch_page(page)  # straight to the page: no need to load the home page's models first
    return at.run()


def canvas_value(rgba: np.ndarray) -> dict:
    """The value the drawing canvas sends to Python after a stroke (a PNG data URL)."""
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, "PNG")
    data = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    return {"drawing": {"raw": {"objects": []}, "data": data}, "backgroundFit": None}


def drawn_digit(digit: int = 3, seed: int = 0) -> np.ndarray:
    from ae_models.data import draw_stroke_digit

    return draw_stroke_digit(digit, np.random.default_rng(seed))


def images_with_caption(at, caption: str) -> list:
    return [img for img in at.get("image") if caption in str(img.proto)]


def png_bytes(array: np.ndarray, fmt: str = "PNG", **save_args) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, fmt, **save_args)
    return buf.getvalue()


def image_urls(at, caption: str) -> list[str]:
    """Media URLs of the images with this caption: they are content hashes, so they change with the pixels."""
    import re

    return [re.search(r'url: "([^"]+)"', str(img.proto)).group(1)
            for img in images_with_caption(at, caption)]
