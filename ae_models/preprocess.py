"""Turn a drawing or an upload into a 28x28 image made the way MNIST digits were made.

MNIST digits were scaled so that their bounding box fits a 20x20 box (keeping the aspect ratio,
with anti-aliasing, which creates the grey edge pixels), then pasted into a 28x28 field so that
their centre of mass sits at the centre. A model trained on MNIST has only ever seen white ink on
black, that size and that position: a digit drawn small in a corner looks like nothing it knows.
So every input goes through the same steps before it reaches a model:

    any array / PIL image / file bytes
      -> grey levels in [0, 1] (transparent canvas pixels composited onto a background)
      -> white ink on black (inverted when the ink is darker than the background)
      -> crop to the ink, scale the longer side to 20 px, centre of mass at (14, 14)

Inputs that cannot be used raise `InputError` with a sentence meant for the user; inputs with
nothing on them (a blank canvas, an all-white photo) are not errors: they give an empty
`Preprocessed` whose `message` says why.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

__all__ = [
    "InputError",
    "Preprocessed",
    "preprocess_array",
    "preprocess_image",
    "preprocess_bytes",
]

SIZE = 28  # side of the output image
BOX = 20  # MNIST digits fit a 20x20 box inside the 28x28 field
CENTRE = 14.0  # where the centre of mass goes (row, column index), as in the usual MNIST recipe

# Contrast (in [0, 1] grey levels) below which an image counts as one flat colour. JPEG noise on a
# white page stays well under it; the faintest pencil stroke worth keeping is well above it.
MIN_CONTRAST = 0.1
# Ink (relative to the strongest ink) below which a pixel is treated as background noise when
# centring a digit, and above which it counts towards the digit's bounding box.
NOISE_FLOOR = 0.1
BBOX_THRESHOLD = 0.25
# Less ink than this fraction of the picture's area (and at least one full pixel) is
# "almost nothing".
MIN_INK_FRACTION = 1e-4
# Alpha differences smaller than this are treated as "no transparency".
ALPHA_EPS = 0.01
# Large uploads are box-averaged down to this side before processing: the result is 28x28 anyway.
MAX_WORK_SIDE = 2048

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601, as PIL's "L" conversion

_FORMATS = ("PNG", "JPEG", "BMP", "GIF", "WEBP")
_NOT_READABLE = "This file is not a readable PNG, JPEG, BMP, GIF or WebP image."

_DRAWING_BLANK = "Nothing drawn yet: the canvas is blank."
_DRAWING_FAINT = "Nothing drawn yet: there is almost no ink to see."
_UPLOAD_BLANK = "This image is one flat colour, so there is nothing to see."
_UPLOAD_FAINT = "This image has almost no ink, so there is nothing to see."


class InputError(ValueError):
    """An input that cannot be used; `str(error)` is one sentence to show the user."""


@dataclass(frozen=True)
class Preprocessed:
    """The model-ready image, or None when there was nothing to see (then `message` says why)."""

    image: np.ndarray | None
    message: str = ""

    @property
    def empty(self) -> bool:
        return self.image is None


# ---------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------


def preprocess_array(arr: np.ndarray, center: bool = True) -> Preprocessed:
    """Make an MNIST-style image from a canvas or any image array.

    Accepts (H, W), (H, W, 1), (H, W, 2) grey+alpha, (H, W, 3) RGB and (H, W, 4) RGBA arrays of
    bool, integer or float dtype (floats in [0, 1] or [0, 255]). `center=False` keeps the whole
    picture (scaled to fit 28x28, no mass-centring), which suits clothing photos.
    """
    pixels = _check_array(arr)
    return _preprocess_unit(_to_unit_float(pixels), center, _DRAWING_BLANK, _DRAWING_FAINT)


def preprocess_image(img: Image.Image, center: bool = True) -> Preprocessed:
    """Make an MNIST-style image from a PIL image of any common mode.

    Animated images use their first frame (and say so in `message`); photos are turned upright
    according to their EXIF orientation first, so a phone picture of a digit is not on its side.
    """
    note = ""
    if getattr(img, "is_animated", False):
        img.seek(0)
        if img.format != "MPO":  # phone JPEGs with an embedded preview are not animations
            note = f"Animated {img.format or 'image'}: used the first frame."
    try:
        img = ImageOps.exif_transpose(img)
    except Exception:  # a broken EXIF block is no reason to refuse the picture itself
        pass
    pixels, scale = _image_to_array(img)
    result = _preprocess_unit(
        _to_unit_float(_check_array(pixels), scale), center, _UPLOAD_BLANK, _UPLOAD_FAINT
    )
    if note:
        message = f"{note} {result.message}" if result.message else note
        return Preprocessed(result.image, message)
    return result


def preprocess_bytes(
    data: bytes, center: bool = True, max_pixels: int = 25_000_000
) -> Preprocessed:
    """Decode an uploaded PNG/JPEG/BMP/GIF/WebP file and make an MNIST-style image from it.

    The header is read first and images over `max_pixels` are refused before any pixel data is
    decoded, so a small "decompression bomb" file cannot exhaust the server's memory.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"preprocess_bytes expects bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise InputError("The file is empty.")

    too_large = (
        f"The image is too large to process: please upload one under {max_pixels:,} pixels."
    )
    with warnings.catch_warnings():
        # Pillow's own bomb guard warns before it refuses; treat its warning as a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data), formats=_FORMATS)  # lazy: reads the header only
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise InputError(too_large) from exc
        except Exception as exc:  # Pillow raises many types for garbage input
            raise InputError(_NOT_READABLE) from exc

        width, height = img.size
        if width < 1 or height < 1:
            raise InputError(_NOT_READABLE)
        if width * height > max_pixels:
            raise InputError(
                f"The image is too large to process ({width:,} x {height:,} pixels): "
                f"please upload one under {max_pixels:,} pixels."
            )
        try:
            if img.format == "JPEG" and max(width, height) > MAX_WORK_SIDE:
                img.draft(img.mode, (MAX_WORK_SIDE, MAX_WORK_SIDE))  # decode at reduced scale
            img.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise InputError(too_large) from exc
        except Exception as exc:  # truncated or corrupt pixel data
            raise InputError(
                "The file is damaged or incomplete: it is not a readable PNG, JPEG, BMP, GIF "
                "or WebP image."
            ) from exc

    try:
        return preprocess_image(img, center=center)
    except InputError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError) as exc:  # e.g. a broken later frame
        raise InputError(_NOT_READABLE) from exc


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------


def _check_array(arr: object) -> np.ndarray:
    """Refuse anything that is not a numeric (H, W[, C]) picture, with a user-facing reason."""
    try:
        pixels = np.asarray(arr)
    except (ValueError, TypeError) as exc:
        raise InputError("The picture must be a rectangular grid of numbers.") from exc
    if pixels.dtype.kind not in "biuf":
        raise InputError(f"The picture must hold plain numbers, not {pixels.dtype} values.")
    if not (pixels.ndim == 2 or (pixels.ndim == 3 and pixels.shape[2] in (1, 2, 3, 4))):
        raise InputError(
            "The picture must be height x width, optionally with 1, 3 or 4 colour channels, "
            f"but it has shape {pixels.shape}."
        )
    if pixels.shape[0] == 0 or pixels.shape[1] == 0:
        raise InputError("The picture has no pixels.")
    return pixels


def _guess_scale(pixels: np.ndarray) -> float:
    """The value that means "full brightness" for this dtype and these values."""
    kind, itemsize = pixels.dtype.kind, pixels.dtype.itemsize
    if kind == "u" and itemsize == 1:
        return 255.0
    if kind == "u" and itemsize == 2:
        return 65535.0
    finite = pixels[np.isfinite(pixels)] if kind == "f" else pixels
    if finite.size == 0:
        return 1.0
    top = float(finite.max())
    if top <= 1.0:
        return 1.0
    if top <= 255.0:
        return 255.0
    if kind in "iu" and top <= 65535.0:
        return 65535.0
    return top


def _to_unit_float(pixels: np.ndarray, scale: float | None = None) -> np.ndarray:
    """float32 in [0, 1]; NaN becomes 0 and infinities are clipped, so later steps stay finite."""
    if pixels.dtype.kind == "b":
        return pixels.astype(np.float32)
    if scale is None:
        scale = _guess_scale(pixels)
    with np.errstate(all="ignore"):
        if pixels.dtype.kind == "f":
            unit = np.nan_to_num(pixels / scale, nan=0.0, posinf=1.0, neginf=0.0)
            unit = np.clip(unit, 0.0, 1.0)
        else:
            unit = np.clip(pixels.astype(np.float32) / np.float32(scale), 0.0, 1.0)
    return unit.astype(np.float32)


def _to_gray(unit: np.ndarray) -> np.ndarray | None:
    """Grey levels (H, W); None when every pixel is transparent (an untouched canvas)."""
    if unit.ndim == 2:
        return unit
    channels = unit.shape[2]
    if channels in (2, 4):
        colour, alpha = unit[..., :-1], unit[..., -1]
    else:
        colour, alpha = unit, None
    lum = colour[..., 0] if colour.shape[2] == 1 else colour @ _LUMA
    if alpha is None:
        return lum
    if float(alpha.max()) <= ALPHA_EPS:
        return None
    if float(alpha.max() - alpha.min()) <= ALPHA_EPS:
        return lum  # uniformly opaque: the alpha channel carries no drawing
    # The canvas leaves untouched pixels transparent, whatever their RGB. Composite onto the
    # colour that contrasts with the strokes, so white-on-transparent and black-on-transparent
    # both come out as ink on a plain background.
    ink_lum = float((lum * alpha).sum() / alpha.sum())
    background = 0.0 if ink_lum >= 0.5 else 1.0
    return (lum * alpha + background * (1.0 - alpha)).astype(np.float32)


def _ink(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """White-on-black ink scaled to [0, 1], and the contrast it had before scaling.

    The background level is the median of the border pixels; whichever side (brighter or darker)
    strays further from it is the ink. So dark pen on white paper gets inverted, like MNIST.
    """
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    background = float(np.median(border))
    bright = float(gray.max()) - background
    dark = background - float(gray.min())
    contrast = max(bright, dark)
    if contrast < MIN_CONTRAST:
        return np.zeros_like(gray), contrast
    ink = gray - background if bright >= dark else background - gray
    return np.clip(ink / contrast, 0.0, 1.0).astype(np.float32), contrast


def _preprocess_unit(
    unit: np.ndarray, center: bool, blank_message: str, faint_message: str
) -> Preprocessed:
    gray = _to_gray(unit)
    if gray is None:
        return Preprocessed(None, blank_message)
    ink, contrast = _ink(gray)
    if contrast < MIN_CONTRAST:
        return Preprocessed(None, blank_message)
    if center:
        # Faint background texture (paper grain, JPEG blocks) is not part of the digit; stronger
        # ink keeps its grey level, so an image that is already MNIST-style barely changes.
        ink = np.where(ink < NOISE_FLOOR, np.float32(0.0), ink)
    if float(ink.sum()) < max(1.0, MIN_INK_FRACTION * ink.size):
        return Preprocessed(None, faint_message)

    if center:
        rows = np.flatnonzero((ink > BBOX_THRESHOLD).any(axis=1))
        cols = np.flatnonzero((ink > BBOX_THRESHOLD).any(axis=0))
        if rows.size == 0:
            return Preprocessed(None, faint_message)
        patch = _fit(ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1], BOX)
        image = _paste_at_centre_of_mass(patch)
    else:
        image = _paste_in_middle(_fit(ink, SIZE))

    peak = float(image.max())
    if not math.isfinite(peak) or peak <= 1e-6:
        return Preprocessed(None, faint_message)
    return Preprocessed(np.clip(image / peak, 0.0, 1.0).astype(np.float32))


def _fit(ink: np.ndarray, longest: int) -> np.ndarray:
    """Scale so the longer side is `longest` px, keeping the aspect ratio (anti-aliased)."""
    height, width = ink.shape
    scale = longest / max(height, width)
    new_h = min(longest, max(1, round(height * scale)))
    new_w = min(longest, max(1, round(width * scale)))
    picture = Image.fromarray(np.ascontiguousarray(ink, dtype=np.float32))  # mode "F"
    resized = picture.resize((new_w, new_h), Image.Resampling.LANCZOS)
    return np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)  # Lanczos rings below 0


def _paste_at_centre_of_mass(patch: np.ndarray) -> np.ndarray:
    """Paste so the ink's centre of mass lands on (14, 14), to the nearest pixel, never cropping."""
    height, width = patch.shape
    total = float(patch.sum())
    if total <= 0.0:
        return _paste_in_middle(patch)
    cy = float(patch.sum(axis=1) @ np.arange(height)) / total
    cx = float(patch.sum(axis=0) @ np.arange(width)) / total
    top = min(max(math.floor(CENTRE - cy + 0.5), 0), SIZE - height)
    left = min(max(math.floor(CENTRE - cx + 0.5), 0), SIZE - width)
    out = np.zeros((SIZE, SIZE), dtype=np.float32)
    out[top : top + height, left : left + width] = patch
    return out


def _paste_in_middle(patch: np.ndarray) -> np.ndarray:
    height, width = patch.shape
    top, left = (SIZE - height) // 2, (SIZE - width) // 2
    out = np.zeros((SIZE, SIZE), dtype=np.float32)
    out[top : top + height, left : left + width] = patch
    return out


def _image_to_array(img: Image.Image) -> tuple[np.ndarray, float | None]:
    """Pixels of a PIL image in a mode our array path understands, and their full-scale value."""
    mode = img.mode
    scale: float | None = None
    if mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif mode in ("LA", "La", "PA", "RGBa", "RGBX"):
        img = img.convert("RGBA")
    elif mode in ("L", "RGB", "RGBA", "F", "I", "1"):
        pass
    elif mode.startswith("I;16"):
        img, scale = img.convert("I"), 65535.0
    else:  # CMYK, YCbCr, LAB, HSV, ...
        try:
            img = img.convert("RGB")
        except (ValueError, OSError) as exc:
            raise InputError(f"Images in the {mode} colour mode are not supported.") from exc

    if img.mode == "1":
        img = img.convert("L")
    if max(img.size) > MAX_WORK_SIDE:
        img = img.reduce(math.ceil(max(img.size) / MAX_WORK_SIDE))  # box average keeps thin ink
    return np.asarray(img), scale
