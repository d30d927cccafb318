"""Maps of a latent space: which points to plot, how far the plot reaches, and what lies between.

The latent pages show codes as points on a plane (or in a cube) and decode any spot the class
points at. A 2-D or 3-D code is plotted as it is. A wider code is plotted through the 3-D PCA
that training stored in latents.npz (`projected = (codes - pca_mean) @ pca_components.T`): a
new drawing is projected the same way, and a spot on the PCA plane is lifted back to a full
code with `pca_mean + point @ pca_components[:k]` (only an approximation: the other
directions are set to their average). Pure NumPy; decoding is passed in as a callable.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from .map_scale import MapScale

Extent = tuple[float, float, float, float]  # (xmin, xmax, ymin, ymax)


def summarise_codes(codes: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """What latents.npz holds for a set of test codes: the codes (float16), their labels, and a
    3-D PCA of them (mean, components, projection), so a new drawing projects the same way.
    Training writes it for each shipped model; a session's live model gets it in memory."""
    codes = np.asarray(codes, dtype=np.float32).reshape(len(codes), -1)
    mean = codes.mean(axis=0)
    _, _, vt = np.linalg.svd(codes - mean, full_matrices=False)
    components = np.zeros((3, codes.shape[1]), np.float32)
    components[:min(3, len(vt))] = vt[:3]
    projected = (codes - mean) @ components.T
    return {"codes": codes.astype(np.float16), "labels": np.asarray(labels),
            "pca_mean": mean.astype(np.float32), "pca_components": components,
            "projected": projected.astype(np.float16)}


def needs_pca(code_size: int, dims: int) -> bool:
    """A code wider than the plot (2 or 3 axes) must be shown through PCA."""
    return code_size > dims


def plot_points(latents: Mapping[str, np.ndarray], dims: int) -> np.ndarray:
    """(N, dims) float64 coordinates to plot: the codes themselves, or their PCA projection."""
    codes = np.asarray(latents["codes"], dtype=np.float64)
    if codes.shape[1] == dims:
        return codes
    if codes.shape[1] < dims:
        raise ValueError(f"codes have {codes.shape[1]} dimensions, fewer than the {dims} plotted")
    return np.asarray(latents["projected"], dtype=np.float64)[:, :dims]


def project(codes: np.ndarray, pca_mean: np.ndarray, pca_components: np.ndarray,
            dims: int = 2) -> np.ndarray:
    """Coordinates of code(s) on the first `dims` stored principal axes, like `projected`."""
    codes = np.asarray(codes, dtype=np.float64)
    components = np.asarray(pca_components, dtype=np.float64)[:dims]
    return (codes - np.asarray(pca_mean, dtype=np.float64)) @ components.T


def unproject(points: np.ndarray, pca_mean: np.ndarray, pca_components: np.ndarray) -> np.ndarray:
    """Full code(s) for point(s) on the PCA plane/cube: the mean plus the point along each axis.

    The directions PCA dropped are left at their average value, so the decoding is a guess of
    what a code near that spot looks like, not the code of any real digit.
    """
    points = np.asarray(points, dtype=np.float64)
    k = points.shape[-1]
    components = np.asarray(pca_components, dtype=np.float64)[:k]
    return (np.asarray(pca_mean, dtype=np.float64) + points @ components).astype(np.float32)


def to_code(points: np.ndarray, latents: Mapping[str, np.ndarray]) -> np.ndarray:
    """Plot coordinates back to code(s) the decoder accepts (exact for 2-D/3-D codes)."""
    points = np.asarray(points, dtype=np.float64)
    code_size = np.shape(latents["codes"])[1]
    if points.shape[-1] == code_size:
        return points.astype(np.float32)
    return unproject(points, latents["pca_mean"], latents["pca_components"])


def to_plot(codes: np.ndarray, latents: Mapping[str, np.ndarray], dims: int) -> np.ndarray:
    """Code(s) to plot coordinates: the code itself, or its PCA projection for a wider code."""
    codes = np.asarray(codes, dtype=np.float64)
    if codes.shape[-1] == dims:
        return codes
    return project(codes, latents["pca_mean"], latents["pca_components"], dims)


def subsample(labels: np.ndarray, max_points: int, seed: int = 0) -> np.ndarray:
    """Sorted row indices of at most `max_points` samples, drawn at random with a fixed seed.

    Thousands of SVG markers make a browser plot slow to draw and to click; a random subset
    keeps the shape of every class cloud (classes keep their share of the points).
    """
    n = len(labels)
    if n <= max_points:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=max_points, replace=False))


def nice_step(span: float, steps: int = 200) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about `steps` steps over `span`."""
    if not np.isfinite(span) or span <= 0:
        return 0.01
    raw = span / steps
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


def axis_ranges(points: np.ndarray, margin: float = 0.05) -> np.ndarray:
    """(dims, 2) [low, high] per axis covering every point plus a margin, rounded outward.

    The slider/grid range: every plotted point (so every clickable dot) lies inside it.
    """
    points = np.asarray(points, dtype=np.float64)
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.maximum(high - low, 1e-6)
    low, high = low - margin * span, high + margin * span
    ranges = np.empty((points.shape[1], 2))
    for d in range(points.shape[1]):
        step = nice_step(high[d] - low[d], 100)
        ranges[d] = [math.floor(low[d] / step) * step, math.ceil(high[d] / step) * step]
    return ranges


def grid_points(extent: Extent, n: int) -> np.ndarray:
    """(n, n, 2) centres of an n x n grid of cells over `extent`; row 0 at the top (high y).

    Decoded and tiled without padding, cell (r, c) lands exactly where its code is on the plot.
    """
    if n < 1:
        raise ValueError(f"a grid needs n >= 1, got {n}")
    xmin, xmax, ymin, ymax = (float(v) for v in extent)
    xs = xmin + (np.arange(n) + 0.5) * (xmax - xmin) / n
    ys = ymax - (np.arange(n) + 0.5) * (ymax - ymin) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx, gy], axis=-1)


def decoded_grid(decode: Callable[[np.ndarray], np.ndarray], latents: Mapping[str, np.ndarray],
                 extent: Extent, n: int, scale: MapScale | None = None) -> np.ndarray:
    """(n, n, 28, 28) digits decoded over the plot plane, in one batch call of `decode`.

    With a compressed `scale` the cells are even on the drawn map (the digit in a cell is the
    one drawn under it), not in code values.
    """
    if scale is None or scale.linear:
        points = grid_points(extent, n).reshape(n * n, 2)
    else:
        corners = scale.to_display(np.reshape(extent, (2, 2)).T)
        drawn = grid_points((*corners[:, 0], *corners[:, 1]), n).reshape(n * n, 2)
        points = scale.from_display(drawn)
    images = np.asarray(decode(to_code(points, latents)), dtype=np.float32)
    return images.reshape(n, n, *images.shape[1:])


def explained_variance(latents: Mapping[str, np.ndarray], k: int = 2) -> float:
    """Share of the codes' total variance that the first `k` PCA directions keep (0 to 1)."""
    codes = np.asarray(latents["codes"], dtype=np.float64)
    projected = np.asarray(latents["projected"], dtype=np.float64)[:, :k]
    total = codes.var(axis=0).sum()
    return float(projected.var(axis=0).sum() / total) if total > 0 else 0.0
