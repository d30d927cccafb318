"""How close is a reconstruction to the original? Four answers for images in [0, 1].

- MSE: the loss most of the models minimise; easy to read, but blind to *where* errors are.
- BCE: per-pixel binary cross-entropy, the other training loss (Keras blog numbers are in BCE).
  It is not 0 for a perfect copy of a grey image: it bottoms out at the image's own entropy.
- PSNR: MSE on a log scale (decibels), the usual way to report denoising results.
- SSIM: compares local structure (edges, strokes) rather than single pixels, closer to what
  a person sees.

Each metric takes one image (H, W) and returns a float, or a batch (N, H, W) and returns an array
of shape (N,), one value per image.
"""

from __future__ import annotations

import functools

import numpy as np

from .arrays import to_float

__all__ = ["mse", "bce", "psnr", "mean_psnr", "ssim", "image_metrics", "PSNR_CAP_DB"]

BCE_EPS = 1e-7
# Identical images have infinite PSNR. We report 100 dB instead (an MSE of 1e-10), so tables,
# means and plots stay finite; nothing a model produces gets anywhere near it.
PSNR_CAP_DB = 100.0
# tf.image.ssim defaults to an 11x11 window, which spans 40% of a 28-px digit and so mostly
# measures global shape. A 7x7 window (Gaussian sigma 1.0, i.e. +/-3 sigma) is about one stroke
# wide and leaves a 22x22 map of local comparisons to average.
SSIM_FILTER_SIZE = 7
SSIM_FILTER_SIGMA = 1.0


def mse(a: np.ndarray, b: np.ndarray) -> float | np.ndarray:
    """Mean squared error per image."""
    x, y, single = _pair(a, b)
    return _per_image(np.mean((x - y) ** 2, axis=(1, 2)), single)


def bce(target: np.ndarray, pred: np.ndarray) -> float | np.ndarray:
    """Mean per-pixel binary cross-entropy (nats), with `pred` clipped to avoid log(0)."""
    t, p, single = _pair(target, pred)
    p = np.clip(p, BCE_EPS, 1.0 - BCE_EPS)
    per_pixel = -(t * np.log(p) + (1.0 - t) * np.log1p(-p))
    return _per_image(np.mean(per_pixel, axis=(1, 2)), single)


def psnr(a: np.ndarray, b: np.ndarray) -> float | np.ndarray:
    """Peak signal-to-noise ratio in dB for a data range of 1, capped at `PSNR_CAP_DB`."""
    x, y, single = _pair(a, b)
    err = np.mean((x - y) ** 2, axis=(1, 2))
    floor = 10.0 ** (-PSNR_CAP_DB / 10.0)
    values = -10.0 * np.log10(np.maximum(err, floor))
    return _per_image(values, single)


def mean_psnr(clean: np.ndarray, other: np.ndarray) -> float:
    """Mean per-image PSNR in dB, or NaN when every image is an exact copy of its clean one.

    The rule for a perfect reconstruction: NaN ("no value"), never the 100 dB cap. A copy has
    infinite PSNR; averaging the cap in would put a made-up number in a table, and at sigma 0 a
    plotted 100 dB would squash every other line flat. Readers show NaN as "perfect". When only
    some images are exact copies, their capped values count in the mean as they are.
    """
    values = np.atleast_1d(psnr(clean, other))
    if values.size == 0 or np.all(values >= PSNR_CAP_DB):
        return float("nan")
    return float(np.mean(values))


@functools.cache
def _compiled_ssim(filter_size: int):
    """tf.image.ssim as one compiled graph per window size: eagerly it runs ~100 small ops per
    call (about 20 ms on 2 cores), compiled it is one call (traced once per batch shape)."""
    import tensorflow as tf  # lazy: importing TensorFlow takes seconds; nothing else needs it

    @tf.function(reduce_retracing=True)
    def run(x, y):
        return tf.image.ssim(x, y, max_val=1.0, filter_size=filter_size,
                             filter_sigma=SSIM_FILTER_SIGMA)

    return run


def ssim(a: np.ndarray, b: np.ndarray) -> float | np.ndarray:
    """Structural similarity (1 = identical) via `tf.image.ssim`, max_val 1, 7x7 window."""
    x, y, single = _pair(a, b)
    n, height, width = x.shape
    if n == 0:
        return _per_image(np.zeros(0), single)
    size = min(SSIM_FILTER_SIZE, height, width)
    values = _compiled_ssim(size)(np.asarray(x[..., None], np.float32),
                                  np.asarray(y[..., None], np.float32))
    return _per_image(np.asarray(values, dtype=np.float64), single)


def image_metrics(clean: np.ndarray, other: np.ndarray) -> dict[str, float]:
    """All four metrics for one image (H, W), e.g. for a caption under a reconstruction."""
    if np.ndim(clean) != 2:
        raise ValueError(f"expected one image (H, W), got shape {np.shape(clean)}")
    return {
        "mse": float(mse(clean, other)),
        "bce": float(bce(clean, other)),
        "psnr": float(psnr(clean, other)),
        "ssim": float(ssim(clean, other)),
    }


def _pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Both inputs as float64 batches (N, H, W), and whether a single image was given.

    uint8 images are read as 0..255 and (N, H, W, 1) batches lose their channel axis, so dataset
    arrays and Keras outputs can be passed as they are.
    """
    x, y = to_float(a, np.float64), to_float(b, np.float64)
    if x.shape != y.shape:
        raise ValueError(f"images must have the same shape, got {x.shape} and {y.shape}")
    if x.ndim == 2:
        return x[None], y[None], True
    if x.ndim == 3:
        return x, y, False
    if x.ndim == 4 and x.shape[-1] == 1:
        return x[..., 0], y[..., 0], False
    raise ValueError(f"expected an image (H, W) or a batch (N, H, W), got shape {x.shape}")


def _per_image(values: np.ndarray, single: bool) -> float | np.ndarray:
    return float(values[0]) if single else np.asarray(values, dtype=np.float64)
