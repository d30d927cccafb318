"""Corruptions for denoising demos and denoising training: Gaussian noise, crosshairs, masking.

A denoising autoencoder is shown a corrupted image and asked for the clean one, so it has to learn
what digits look like rather than copy its input. The reference tutorials use two corruptions:
clipped Gaussian noise, ``clip(x + 0.5 * N(0, 1), 0, 1)``, and a crosshair drawn over the digit.

Every function is pure and seeded: the same images, settings and seed give the same output, so a
page can redraw without the noise flickering, and two models can be compared on the very same
corrupted input. Inputs are an image (H, W) or a batch (N, H, W) in [0, 1] (uint8 is read as
0..255); outputs are float32 in [0, 1] with the same shape.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = [
    "CorruptionSettings",
    "apply_corruption",
    "gaussian_noise",
    "unit_noise",
    "crosshair",
    "random_mask",
    "training_corruption",
]

Kind = Literal["none", "gaussian", "crosshair", "both", "mask"]
KINDS: tuple[str, ...] = ("none", "gaussian", "crosshair", "both", "mask")
TRAINING_KINDS: tuple[str, ...] = ("clean", "gaussian", "crosshair", "both")


@dataclass(frozen=True)
class CorruptionSettings:
    """Everything needed to reproduce one corrupted input (the UI's controls, in one value)."""

    kind: Kind = "none"
    sigma: float = 0.5
    thickness: int = 2
    row: int | None = None
    col: int | None = None
    intensity: float = 1.0
    random_position: bool = False
    mask_fraction: float = 0.3
    seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        _check_unit("sigma", self.sigma)
        _check_unit("intensity", self.intensity)
        _check_unit("mask_fraction", self.mask_fraction)
        _check_thickness(self.thickness)


def apply_corruption(images: np.ndarray, settings: CorruptionSettings) -> np.ndarray:
    """Corrupt images as the settings say; "both" draws the crosshair, then adds noise on top.

    Each step uses `settings.seed`, so the noise in "both" is the same noise as in "gaussian".
    """
    kind = settings.kind
    if kind == "none":
        return _as_images(images)
    if kind == "gaussian":
        return gaussian_noise(images, settings.sigma, seed=settings.seed)
    if kind == "mask":
        return random_mask(images, settings.mask_fraction, seed=settings.seed)
    crossed = crosshair(
        images,
        thickness=settings.thickness,
        row=settings.row,
        col=settings.col,
        intensity=settings.intensity,
        random_position=settings.random_position,
        seed=settings.seed,
    )
    if kind == "crosshair":
        return crossed
    return gaussian_noise(crossed, settings.sigma, seed=settings.seed)  # "both"


def gaussian_noise(images: np.ndarray, sigma: float, seed: int | None = 0) -> np.ndarray:
    """clip(x + sigma * N(0, 1), 0, 1): the reference denoising corruption (sigma 0.5 there)."""
    _check_unit("sigma", sigma)
    x = _as_images(images)
    if sigma == 0:
        return x
    return np.clip(x + np.float32(sigma) * unit_noise(x.shape, seed), 0.0, 1.0).astype(
        np.float32, copy=False)


def unit_noise(shape: tuple[int, ...], seed: int | None = 0) -> np.ndarray:
    """The N(0, 1) field that `gaussian_noise` scales by sigma for `seed`: the browser gets this
    very field, so its live sigma slider shows the picture the server computes."""
    return np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)


def crosshair(
    images: np.ndarray,
    thickness: int | tuple[int, int] = 2,
    row: int | None = None,
    col: int | None = None,
    intensity: float = 1.0,
    random_position: bool = False,
    seed: int | None = 0,
) -> np.ndarray:
    """Draw one horizontal and one vertical line (out = x * (1 - mask) + intensity * mask).

    `row`/`col` are the lines' centre rows/columns (default: the middle); a line of thickness t
    covers rows ``row - t // 2`` to ``row - t // 2 + t - 1``. With `random_position` every image
    in a batch gets its own position (`row`/`col` are then ignored), kept away from the edges as
    in training. `thickness` may be a (lo, hi) pair: each image then gets a thickness drawn from
    lo..hi inclusive. Thickness 0 draws nothing.
    """
    _check_unit("intensity", intensity)
    _check_thickness(thickness)
    batch, single = _batched(_as_images(images))
    n, height, width = batch.shape
    rng = np.random.default_rng(seed)

    if isinstance(thickness, tuple):
        lo, hi = thickness
        thick = rng.integers(lo, hi + 1, size=n)
    else:
        thick = np.full(n, _whole("thickness", thickness))
    if random_position:
        rows = _random_positions(height, n, rng)
        cols = _random_positions(width, n, rng)
    else:
        rows = np.full(n, height // 2 if row is None else _check_index("row", row, height))
        cols = np.full(n, width // 2 if col is None else _check_index("col", col, width))

    out = np.where(_cross_mask(height, width, rows, cols, thick), np.float32(intensity), batch)
    return out[0] if single else out


def random_mask(images: np.ndarray, fraction: float, seed: int | None = 0) -> np.ndarray:
    """Set `fraction` of each image's pixels (chosen at random, exactly that many) to 0."""
    _check_unit("fraction", fraction)
    batch, single = _batched(_as_images(images))
    n, height, width = batch.shape
    count = round(fraction * height * width)
    if count == 0:
        return batch[0] if single else batch
    rng = np.random.default_rng(seed)
    # The `count` smallest of one uniform number per pixel pick a uniform random subset.
    keys = rng.random((n, height * width))
    chosen = np.argpartition(keys, count - 1, axis=1)[:, :count]
    flat = batch.reshape(n, height * width)
    np.put_along_axis(flat, chosen, np.float32(0.0), axis=1)
    out = flat.reshape(n, height, width)
    return out[0] if single else out


def training_corruption(
    batch: np.ndarray, kind: str, rng: np.random.Generator, max_sigma: float
) -> np.ndarray:
    """Fresh corruption for one training batch, drawn from the training loop's generator.

    "clean" returns the batch unchanged. "gaussian" draws one sigma per image from
    [0, max_sigma], so the model learns to denoise every noise level up to the strongest.
    "crosshair" draws a position (rows/cols 4..23 on 28x28) and a thickness 1-3 per image,
    intensity 1. "both" applies the crosshair, then the noise. Accepts (N, H, W), (N, H, W, 1)
    or flattened square images (N, H*W) and returns float32 of the same shape.
    """
    if kind in ("clean", "none"):
        return batch
    if kind not in TRAINING_KINDS:
        raise ValueError(f"kind must be one of {TRAINING_KINDS}, not {kind!r}")
    _check_unit("max_sigma", max_sigma)
    original = np.asarray(batch)
    images = _as_images(_unflatten(original))  # (N, H, W), float32, a fresh copy
    n, height, width = images.shape

    if kind in ("crosshair", "both"):
        rows = _random_positions(height, n, rng)
        cols = _random_positions(width, n, rng)
        thick = rng.integers(1, 4, size=n)
        images = np.where(_cross_mask(height, width, rows, cols, thick), np.float32(1.0), images)
    if kind in ("gaussian", "both"):
        sigmas = rng.uniform(0.0, max_sigma, size=(n, 1, 1)).astype(np.float32)
        noise = rng.standard_normal(images.shape, dtype=np.float32)
        images = np.clip(images + sigmas * noise, 0.0, 1.0).astype(np.float32, copy=False)
    return images.reshape(original.shape)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _as_images(images: np.ndarray) -> np.ndarray:
    """A fresh float32 copy in [0, 1] of an (H, W) or (N, H, W) array; NaN becomes 0."""
    x = np.asarray(images)
    if x.ndim not in (2, 3):
        raise ValueError(f"expected an image (H, W) or a batch (N, H, W), got shape {x.shape}")
    if x.dtype.kind == "b":
        return x.astype(np.float32)
    if x.dtype == np.uint8:
        return x.astype(np.float32) / np.float32(255.0)
    if x.dtype.kind not in "iuf":
        raise ValueError(f"images must be numeric, not {x.dtype}")
    if x.dtype.kind == "f":
        x = np.nan_to_num(x, nan=0.0, posinf=1.0, neginf=0.0)
    return np.clip(x, 0, 1).astype(np.float32)


def _batched(x: np.ndarray) -> tuple[np.ndarray, bool]:
    return (x[None], True) if x.ndim == 2 else (x, False)


def _unflatten(batch: np.ndarray) -> np.ndarray:
    """(N, H, W, 1) or (N, H*W) training batches as (N, H, W)."""
    if batch.ndim == 4 and batch.shape[-1] == 1:
        return batch[..., 0]
    if batch.ndim == 2:
        side = math.isqrt(batch.shape[1])
        if side * side == batch.shape[1]:
            return batch.reshape(batch.shape[0], side, side)
    if batch.ndim != 3:
        raise ValueError(f"expected a batch (N, H, W), got shape {batch.shape}")
    return batch


def _cross_mask(
    height: int, width: int, rows: np.ndarray, cols: np.ndarray, thick: np.ndarray
) -> np.ndarray:
    """Boolean (N, H, W): True on each image's horizontal and vertical line."""
    start_r = (rows - thick // 2)[:, None]
    start_c = (cols - thick // 2)[:, None]
    r = np.arange(height)[None, :]
    c = np.arange(width)[None, :]
    on_row = (r >= start_r) & (r < start_r + thick[:, None])  # (N, H)
    on_col = (c >= start_c) & (c < start_c + thick[:, None])  # (N, W)
    return on_row[:, :, None] | on_col[:, None, :]


def _random_positions(size: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Line centres away from the edges: 4..23 on a 28-px side (a seventh kept clear each side)."""
    lo, hi = size // 7, size - 1 - size // 7
    if hi < lo:
        lo, hi = 0, size - 1
    return rng.integers(lo, hi + 1, size=n)


def _check_unit(name: str, value: float) -> None:
    if not (isinstance(value, (int, float, np.number)) and 0.0 <= float(value) <= 1.0):
        raise ValueError(f"{name} must be a number in [0, 1], not {value!r}")


def _check_thickness(thickness: int | tuple[int, int]) -> None:
    if isinstance(thickness, tuple):
        if len(thickness) != 2:
            raise ValueError(f"thickness range must be (lo, hi), not {thickness!r}")
        lo, hi = (_whole("thickness", t) for t in thickness)
        if not 0 <= lo <= hi:
            raise ValueError(f"thickness range must have 0 <= lo <= hi, not {thickness!r}")
        return
    if _whole("thickness", thickness) < 0:
        raise ValueError(f"thickness must be a whole number >= 0, not {thickness!r}")


def _whole(name: str, value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def _check_index(name: str, value: int, size: int) -> int:
    index = _whole(name, value)
    if not 0 <= index < size:
        raise ValueError(f"{name} must be in 0..{size - 1}, not {value!r}")
    return index
