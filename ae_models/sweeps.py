"""Denoising experiments: PSNR against noise level, galleries, crosshair gains and the cross-over.

A *denoiser* is any callable that maps a batch of corrupted images (N, 28, 28) to a batch of
restored ones: an autoencoder's `reconstruct`, a classical filter from `ae_models.baselines`, or a
tiny fake in the tests. Everything here only calls denoisers and scores their outputs with PSNR,
so it needs no weights and no Streamlit, and every number is reproducible from its seed.

`mean_psnr` (from `ae_models.metrics`) is the score, and NaN means a perfect copy: at sigma 0
the noisy input *is* the clean digit, and that point is left off the chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import numpy as np

from ae_models import baselines
from ae_models.arrays import batched
from ae_models.corruption import gaussian_noise
from ae_models.metrics import mean_psnr

__all__ = [
    "Denoiser",
    "DEFAULT_SIGMAS",
    "NOISY_INPUT",
    "MEDIAN",
    "BLUR",
    "repeat_image",
    "apply_batched",
    "mean_psnr",
    "psnr_sweep",
    "baseline_denoisers",
    "gallery",
    "psnr_table",
    "crossover_table",
    "crossover_winners",
]

Denoiser = Callable[[np.ndarray], np.ndarray]

# 0, 0.1, ..., 1.0: from a clean digit to noise as strong as the ink itself.
DEFAULT_SIGMAS: tuple[float, ...] = tuple(round(0.1 * i, 1) for i in range(11))
NOISY_INPUT = "noisy input"
MEDIAN = "median 3x3"
BLUR = "Gaussian blur"
CHUNK = 512  # images per denoiser call: bounded memory, still few calls


def repeat_image(image: np.ndarray, copies: int) -> np.ndarray:
    """One image as a batch of identical copies, so each copy can get its own noise draw.

    The PSNR of one noisy draw jumps around; the mean over several draws gives a smooth curve.
    """
    x = np.asarray(image, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError(f"expected one image (H, W), got shape {x.shape}")
    if copies < 1:
        raise ValueError(f"copies must be >= 1, not {copies}")
    return np.repeat(x[None], copies, axis=0)


def apply_batched(denoiser: Denoiser, images: np.ndarray, chunk: int = CHUNK) -> np.ndarray:
    """Run a denoiser over a batch in chunks (bounded memory) and return float32 (N, H, W)."""
    x = np.asarray(images, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"expected a batch (N, H, W), got shape {x.shape}")
    if len(x) == 0:
        return x.copy()
    return batched(lambda part: np.asarray(denoiser(part), dtype=np.float32).reshape(part.shape),
                   x, chunk)


def _noisy_stack(clean: np.ndarray, sigmas: Sequence[float], seed: int) -> np.ndarray:
    """(S, N, H, W): the batch under each noise level. One seed for all levels, so the curve
    shows the effect of sigma alone (the same noise pattern, scaled up)."""
    return np.stack([gaussian_noise(clean, float(s), seed=seed) for s in sigmas])


def psnr_sweep(denoisers: Mapping[str, Denoiser], clean: np.ndarray, sigmas: Sequence[float],
               seed: int = 0, include_input: bool = True) -> dict[str, list[float]]:
    """Mean PSNR of every denoiser's output against the clean batch, at each noise sigma.

    Returns {name: [dB per sigma]}, with the noisy input itself first (the "do nothing" line)
    when `include_input`. Each denoiser is called on all noise levels at once: one call per
    chunk of images rather than one per sigma.
    """
    clean = np.asarray(clean, dtype=np.float32)
    if clean.ndim != 3 or len(clean) == 0:
        raise ValueError(f"expected a non-empty batch (N, H, W), got shape {clean.shape}")
    stack = _noisy_stack(clean, sigmas, seed)
    flat = stack.reshape(-1, *clean.shape[1:])
    series: dict[str, list[float]] = {}
    if include_input:
        series[NOISY_INPUT] = [mean_psnr(clean, noisy) for noisy in stack]
    for name, denoiser in denoisers.items():
        out = apply_batched(denoiser, flat).reshape(stack.shape)
        series[name] = [mean_psnr(clean, restored) for restored in out]
    return series


def baseline_denoisers(pca: tuple[np.ndarray, np.ndarray] | None = None,
                       blur_sigma: float = 1.0) -> dict[str, Denoiser]:
    """The classical yardsticks: a 3x3 median, a Gaussian blur and (given `(mean, components)`
    from `baselines.fit_pca`) projection onto the top principal components."""
    out: dict[str, Denoiser] = {
        MEDIAN: baselines.median_filter_3x3,
        BLUR: partial(baselines.gaussian_blur, sigma=blur_sigma),
    }
    if pca is not None:
        mean, components = pca
        out[f"PCA-{len(components)}"] = partial(baselines.pca_reconstruct, mean=mean,
                                                components=components)
    return out


def gallery(denoisers: Mapping[str, Denoiser], corrupted: np.ndarray,
            input_name: str = NOISY_INPUT) -> dict[str, np.ndarray]:
    """Rows of a gallery: the corrupted batch, then each denoiser's output of it (N, H, W)."""
    corrupted = np.asarray(corrupted, dtype=np.float32)
    rows = {input_name: corrupted}
    for name, denoiser in denoisers.items():
        rows[name] = apply_batched(denoiser, corrupted)
    return rows


def psnr_table(rows: Mapping[str, np.ndarray], clean: np.ndarray,
               input_name: str = NOISY_INPUT) -> dict[str, dict[str, float]]:
    """Mean PSNR of each gallery row and its gain over the corrupted input (row `input_name`).

    Returns {row: {"psnr": dB, "gain": dB}}; the input row's gain is 0 by definition.
    """
    if input_name not in rows:
        raise KeyError(f"rows need the corrupted input under {input_name!r}")
    base = mean_psnr(clean, rows[input_name])
    table = {}
    for name, images in rows.items():
        value = mean_psnr(clean, images)
        table[name] = {"psnr": value, "gain": value - base}
    return table


def crossover_table(specialists: Mapping[str, Denoiser], clean: np.ndarray,
                    corruptions: Mapping[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Mean PSNR of each model (rows) on each kind of corrupted batch (columns).

    With a Gaussian specialist and a crosshair specialist this is the 2x2 table that shows
    whether each one learnt *its* corruption rather than "denoising" in general.
    """
    return {name: {kind: mean_psnr(clean, apply_batched(fn, corrupted))
                   for kind, corrupted in corruptions.items()}
            for name, fn in specialists.items()}


def crossover_winners(table: Mapping[str, Mapping[str, float]]) -> dict[str, tuple[str, float]]:
    """For each corruption (column): the best model and its margin in dB over the runner-up.

    A NaN score (every output identical to the clean digit, see `mean_psnr`) counts as a
    perfect, infinite PSNR. The margin is NaN when only one model is in the table.
    """
    columns = list(dict.fromkeys(kind for row in table.values() for kind in row))
    winners = {}
    for kind in columns:
        scores = sorted(((math.inf if math.isnan(row[kind]) else float(row[kind]), name)
                         for name, row in table.items() if kind in row), reverse=True)
        if not scores:
            continue
        margin = scores[0][0] - scores[1][0] if len(scores) > 1 else float("nan")
        winners[kind] = (scores[0][1], float(margin))
    return winners
