"""Walks through a VAE's latent space: manifold grids, traversals, interpolations, prior samples.

A VAE is trained so that its codes look like draws from the prior N(0, I). That is what makes
these walks meaningful: a grid laid on the prior's quantiles, a straight line between two codes
or a fresh Gaussian sample all land where the decoder has learnt to draw digits. Everything here
builds the *codes* (and a few pixel helpers for showing the decodings); the page decodes them in
one batched call.

Pure NumPy (+ the standard library's NormalDist); no Streamlit, no Keras.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import NormalDist
from typing import Any

import numpy as np

_STANDARD_NORMAL = NormalDist()


# --- Manifold grid (2-D latent) --------------------------------------------------------------

def _check_range(low: float, high: float) -> None:
    if not 0.0 < low < high < 1.0:
        raise ValueError(f"need 0 < low < high < 1, got low={low}, high={high}")


def gaussian_quantiles(n: int, low: float = 0.05, high: float = 0.95) -> np.ndarray:
    """`n` values of z whose prior probabilities are evenly spaced from `low` to `high`.

    Evenly spaced *probabilities* rather than evenly spaced z: every step of the grid then covers
    the same share of the prior, so the dense middle is not under-sampled and the sparse tails
    (where the decoder has seen few codes) are not over-sampled.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    _check_range(low, high)
    probabilities = np.linspace(low, high, n) if n > 1 else np.array([(low + high) / 2])
    return np.array([_STANDARD_NORMAL.inv_cdf(float(p)) for p in probabilities], dtype=np.float32)


def manifold_grid_codes(n: int, low: float = 0.05, high: float = 0.95) -> np.ndarray:
    """(n*n, 2) codes for an n x n picture of a 2-D latent space, row by row.

    Columns go left to right with z1; rows go top to bottom with *decreasing* z2, so the picture
    reads like a plot (z2 up). Reshape the decodings to (n, n, 28, 28) to lay them out.
    """
    q = gaussian_quantiles(n, low, high)
    z1, z2 = np.meshgrid(q, q[::-1])  # z1 varies along a row, z2 falls down the rows
    return np.stack([z1.ravel(), z2.ravel()], axis=1).astype(np.float32)


def grid_cell(code: Sequence[float], n: int, low: float = 0.05,
              high: float = 0.95) -> tuple[int, int, bool]:
    """The (row, col) tile of `manifold_grid_codes(n, low, high)` nearest a 2-D code.

    Measured in prior probability (the grid's own spacing). The flag says whether the code lies
    inside the grid's extent (within half a tile of its outer tiles); outside, the nearest edge
    tile is returned.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    _check_range(low, high)
    z1, z2 = (float(v) for v in np.asarray(code, dtype=np.float64).reshape(-1)[:2])

    def index(z: float) -> tuple[int, bool]:
        p = _STANDARD_NORMAL.cdf(z)
        if n == 1:
            return 0, low <= p <= high
        position = (p - low) / ((high - low) / (n - 1))
        return int(np.clip(np.rint(position), 0, n - 1)), -0.5 <= position <= n - 0.5

    col, inside_1 = index(z1)
    row_from_bottom, inside_2 = index(z2)
    return n - 1 - row_from_bottom, col, inside_1 and inside_2


# --- KL per dimension ------------------------------------------------------------------------

def kl_per_dimension(mean: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    """Average KL(q(z_d | x) || N(0, 1)) of each latent dimension over a batch, in nats.

    Closed form for two Gaussians: -1/2 (1 + log sigma^2 - mu^2 - sigma^2). A dimension the
    decoder does not use collapses to the prior (mu = 0, sigma = 1) and scores about 0.
    """
    mean = np.asarray(mean, dtype=np.float64)
    log_var = np.asarray(log_var, dtype=np.float64)
    if mean.shape != log_var.shape:
        raise ValueError(f"mean and log_var shapes differ: {mean.shape} vs {log_var.shape}")
    kl = -0.5 * (1.0 + log_var - mean**2 - np.exp(log_var))
    return (kl if kl.ndim == 1 else kl.reshape(-1, kl.shape[-1]).mean(axis=0)).astype(np.float32)


def dims_by_kl(kl: np.ndarray) -> np.ndarray:
    """Dimension indices, most used (highest KL) first; ties keep their natural order."""
    kl = np.asarray(kl, dtype=np.float64).reshape(-1)
    return np.argsort(-kl, kind="stable")


def kl_from_metrics(metrics: Mapping[str, Any], key: str) -> np.ndarray | None:
    """The per-dimension KL that `python -m ae_models.evaluate` stored for model `key`, if any."""
    entry = (metrics or {}).get("models", {}).get(key) or {}
    for values in ((entry.get("vae") or {}).get("kl_per_dim_nats"), entry.get("kl_per_dim")):
        if values:
            try:
                kl = np.asarray(values, dtype=np.float32).reshape(-1)
            except (TypeError, ValueError):
                continue
            if np.all(np.isfinite(kl)):
                return kl
    return None


# --- Traversals ------------------------------------------------------------------------------

def traversal_offsets(n_steps: int, span: float = 3.0) -> np.ndarray:
    """`n_steps` evenly spaced values from -span to +span (the middle one is 0 when n is odd)."""
    if n_steps < 2:
        raise ValueError(f"n_steps must be >= 2, got {n_steps}")
    return np.linspace(-span, span, n_steps, dtype=np.float32)


def traversal_codes(start: np.ndarray, dims: Sequence[int], n_steps: int, span: float = 3.0,
                    relative: bool = True) -> np.ndarray:
    """(len(dims), n_steps, D) codes: row i moves only dimension dims[i], the rest stay at `start`.

    With `relative` the dimension goes from start - span to start + span (the middle column is
    the start itself); otherwise it takes the absolute values -span ... +span. The prior has unit
    standard deviation, so span=3 covers 99.7 % of it.
    """
    start = np.asarray(start, dtype=np.float32).reshape(-1)
    dims = [int(d) for d in dims]
    for d in dims:
        if not 0 <= d < len(start):
            raise ValueError(f"dimension {d} out of range for a {len(start)}-D code")
    offsets = traversal_offsets(n_steps, span)
    codes = np.repeat(np.repeat(start[None, None], len(dims), axis=0), n_steps, axis=1)
    for row, d in enumerate(dims):
        codes[row, :, d] = offsets + (start[d] if relative else 0.0)
    return codes


# --- Interpolation ---------------------------------------------------------------------------

def _steps(n: int) -> np.ndarray:
    if n < 2:
        raise ValueError(f"n must be >= 2, got {n}")
    return np.linspace(0.0, 1.0, n)


def interpolate_codes(a: np.ndarray, b: np.ndarray, n: int, spherical: bool = False) -> np.ndarray:
    """(n, D) codes from a to b (both ends included).

    Linear by default. `spherical` follows the great circle instead (slerp): in many dimensions
    Gaussian codes live near a shell, and the straight line's middle dips towards the origin.
    """
    a = np.asarray(a, dtype=np.float64).reshape(-1)
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    if a.shape != b.shape:
        raise ValueError(f"codes differ in size: {a.shape} vs {b.shape}")
    t = _steps(n)[:, None]
    if spherical:
        norms = np.linalg.norm(a) * np.linalg.norm(b)
        if norms > 0:
            omega = np.arccos(np.clip(a @ b / norms, -1.0, 1.0))
            if np.sin(omega) > 1e-6:
                return ((np.sin((1 - t) * omega) * a + np.sin(t * omega) * b)
                        / np.sin(omega)).astype(np.float32)
    return ((1 - t) * a + t * b).astype(np.float32)


def pixel_blend(x0: np.ndarray, x1: np.ndarray, n: int) -> np.ndarray:
    """(n, H, W) cross-fades from image x0 to x1: the naive "interpolation" a VAE improves on."""
    x0 = np.asarray(x0, dtype=np.float32)
    x1 = np.asarray(x1, dtype=np.float32)
    if x0.shape != x1.shape:
        raise ValueError(f"images differ in shape: {x0.shape} vs {x1.shape}")
    t = _steps(n).astype(np.float32).reshape(-1, *([1] * x0.ndim))
    return (1 - t) * x0[None] + t * x1[None]


# --- Prior samples ---------------------------------------------------------------------------

def prior_samples(n: int, dim: int, seed: int) -> np.ndarray:
    """(n, dim) float32 codes drawn from the prior N(0, I); the same seed gives the same codes."""
    return np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)


# --- Pixels for showing the grids ------------------------------------------------------------

def tile_size(n: int, target_width: int = 660, tile: int = 28) -> int:
    """Pixels per tile so n tiles fill about `target_width`, never shrinking a tile below `tile`."""
    return max(tile, target_width // max(n, 1))


def nearest_resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resize a (H, W[, C]) image by repeating pixels (no blending), to any size, same dtype."""
    image = np.asarray(image)
    rows = (np.arange(height) * image.shape[0]) // height
    cols = (np.arange(width) * image.shape[1]) // width
    return image[rows][:, cols]


def mark_cell(image: np.ndarray, row: int, col: int, cell: int,
              color: tuple[int, int, int] = (255, 212, 0), thickness: int = 4) -> np.ndarray:
    """RGB copy of a uint8 grid image with a coloured frame drawn inside tile (row, col)."""
    image = np.asarray(image, dtype=np.uint8)
    rgb = np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image.copy()
    top, left = row * cell, col * cell
    t = max(1, min(thickness, cell // 2))
    box = rgb[top:top + cell, left:left + cell]
    box[:t], box[-t:], box[:, :t], box[:, -t:] = color, color, color, color
    return rgb
