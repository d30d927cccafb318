"""Checks on what pupils and teachers send, before anything reaches the database.

Every failure is a `Refused` whose text the pupil or teacher can read. A drawing is stored as its
784 float32 values, little-endian (3,136 bytes): the round trip is exact, so the wall rebuilds
exactly what the pupil's own Draw page showed.
"""

from __future__ import annotations

import math
import operator
import unicodedata

import numpy as np

from classroom.errors import Refused
from classroom.records import RoomSettings

IMAGE_SHAPE = (28, 28)
IMAGE_DTYPE = np.dtype("<f4")
IMAGE_BYTES = IMAGE_DTYPE.itemsize * IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
MAX_NICKNAME = 24
# Zero-width (non-)joiners are kept: emoji such as 👩‍💻 need them. Other format characters
# (bidi overrides that turn the text around, invisible ones) are dropped.
JOINERS = "\u200c\u200d"


def clean_nickname(nickname: object) -> str | None:
    """Stripped, control and format characters dropped, runs of spaces made one, at most 24
    characters.

    Stored and returned as plain text: the UI shows it as text, never as Markdown or HTML.
    """
    if nickname is None:
        return None
    if not isinstance(nickname, str):
        raise Refused("A nickname must be text.")
    kept = "".join(" " if ch.isspace() else ch for ch in nickname
                   if ch.isspace() or ch in JOINERS or not unicodedata.category(ch).startswith("C"))
    text = " ".join(kept.split())[:MAX_NICKNAME].strip()
    return text or None


def check_digit(digit: object) -> int | None:
    """0..9 or None."""
    if digit is None:
        return None
    try:
        if isinstance(digit, bool):
            raise TypeError
        value = operator.index(digit)
    except TypeError:
        raise Refused("The digit must be a whole number from 0 to 9.") from None
    if not 0 <= value <= 9:
        raise Refused("The digit must be a whole number from 0 to 9.")
    return value


def image_bytes(image: object) -> bytes:
    """The drawing as stored, once it is checked: shape 28x28, finite, every pixel in [0, 1]."""
    try:
        array = np.asarray(image)
        if array.dtype.kind not in "biuf":
            raise TypeError(array.dtype)
        with np.errstate(over="ignore", invalid="ignore"):  # too big becomes inf: refused below
            array = array.astype(IMAGE_DTYPE)
    except (TypeError, ValueError, OverflowError):
        raise Refused("This drawing cannot be sent: it is not a picture.") from None
    if array.shape != IMAGE_SHAPE:
        raise Refused("This drawing cannot be sent: it is not a 28x28 picture.")
    if not np.isfinite(array).all():
        raise Refused("This drawing cannot be sent: some of its pixels are not numbers.")
    if array.min() < 0.0 or array.max() > 1.0:
        raise Refused("This drawing cannot be sent: its pixels must lie between 0 and 1.")
    return np.ascontiguousarray(array).tobytes()


def image_from_bytes(blob: bytes) -> np.ndarray:
    """A stored drawing as a writable (28, 28) float32 array."""
    return np.frombuffer(blob, dtype=IMAGE_DTYPE).reshape(IMAGE_SHAPE).astype(np.float32)


def check_settings(settings: RoomSettings) -> RoomSettings:
    """Room settings a class can run with; a sentence for the teacher otherwise."""
    if not isinstance(settings, RoomSettings):
        raise Refused("The class settings are not valid.")
    if not isinstance(settings.model_key, str) or not 0 < len(settings.model_key) <= 64:
        raise Refused("Choose a model for the class wall.")
    for name, low, high in (("max_drawings", 1, 100_000), ("max_pupils", 1, 10_000)):
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Refused(f"{name.replace('_', ' ').capitalize()} must be a whole number "
                          f"from {low} to {high:,}.")
    interval, ttl = settings.min_send_interval_s, settings.ttl_hours
    if not _number_between(interval, 0.0, 3600.0):
        raise Refused("The time between two sends must be between 0 and 3,600 seconds.")
    if not _number_between(ttl, 1 / 60, 24 * 7):
        raise Refused("A class must last between one minute and a week.")
    return settings


def _number_between(value: object, low: float, high: float) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and low <= value <= high)
