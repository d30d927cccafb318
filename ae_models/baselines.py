"""Classical yardsticks for the autoencoders: PCA, a median filter, a Gaussian blur, k-NN agreement.

An autoencoder earns its place only if it beats what a few lines of linear algebra or a textbook
filter already do, so the evaluation measures every model against these on the same images.
Pure NumPy/SciPy: no TensorFlow, fast enough to run inside the tests.

Images are (28, 28) or batches (N, 28, 28) (or flattened (N, 784) for PCA); functions return the
shape they were given.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, ndimage
from scipy.spatial import cKDTree

from .arrays import to_float

__all__ = [
    "pca_basis",
    "fit_pca",
    "pca_reconstruct",
    "median_filter_3x3",
    "gaussian_blur",
    "knn_label_agreement",
]

# Codes with at most this many dimensions go through a k-d tree; wider ones through chunked
# brute-force distances (k-d trees lose their edge beyond a handful of dimensions).
KDTREE_MAX_DIM = 8
_DISTANCE_CHUNK = 500


def _flat_batch(x: np.ndarray) -> np.ndarray:
    """Training images (N, H, W) or (N, D) as float64 (N, D); uint8 is read as 0..255 -> [0, 1]."""
    arr = to_float(x, np.float64)
    if arr.ndim < 2:
        raise ValueError(f"expected a batch (N, H, W) or (N, D), got shape {arr.shape}")
    return arr.reshape(len(arr), -1)


def _scatter(x_train_flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = _flat_batch(x_train_flat)
    mean = x.mean(axis=0)
    centred = x - mean
    return mean, centred.T @ centred


def pca_basis(x_train_flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and every principal axis (rows, by decreasing variance): one decomposition for all k.

    The evaluation compares models with codes from 2 to 576 numbers against PCA of the same size,
    so the decomposition is done once and sliced.
    """
    # Eigenvectors of the D x D scatter matrix are the right singular vectors of the centred data;
    # for 10k x 784 this is several times faster than the SVD of the data matrix itself.
    mean, scatter = _scatter(x_train_flat)
    variances, axes = np.linalg.eigh(scatter)
    order = np.argsort(variances)[::-1]
    return mean, np.ascontiguousarray(axes[:, order].T)


def fit_pca(x_train_flat: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k-component PCA of the training images: (mean (D,), components (k, D), orthonormal rows).

    The linear model every autoencoder with a k-number code has to beat. Only the top k axes
    are computed; use `pca_basis` to slice many k from one decomposition.
    """
    mean, scatter = _scatter(x_train_flat)
    dim = len(scatter)
    if not 1 <= k <= dim:
        raise ValueError(f"k must be in 1..{dim}, not {k}")
    _, axes = linalg.eigh(scatter, subset_by_index=[dim - k, dim - 1])
    return mean, np.ascontiguousarray(axes[:, ::-1].T)


def pca_reconstruct(images: np.ndarray, mean: np.ndarray, components: np.ndarray,
                    clip: bool = True) -> np.ndarray:
    """Project onto the principal subspace and back, in the shape and rank given (float32).

    Used both as PCA's "reconstruction" and as a denoiser: noise off the subspace is discarded.
    Clipped to [0, 1] by default, as every model's sigmoid output is, so PCA is not penalised for
    overshooting a range no pixel can leave (the reference's PCA figures are clipped too).
    """
    arr = to_float(images, np.float64)
    dim = len(mean)
    if arr.size % dim:
        raise ValueError(f"images of shape {arr.shape} do not have {dim} pixels each")
    x = arr.reshape(-1, dim)  # one image (H, W) or (D,), or a batch (N, H, W) or (N, D)
    codes = (x - mean) @ components.T
    out = codes @ components + mean
    if clip:
        out = np.clip(out, 0.0, 1.0)
    return out.astype(np.float32).reshape(arr.shape)


def _as_batch(images: np.ndarray) -> tuple[np.ndarray, bool]:
    x = to_float(images)
    if x.ndim == 2:
        return x[None], True
    if x.ndim != 3:
        raise ValueError(f"expected an image (H, W) or a batch (N, H, W), got shape {x.shape}")
    return x, False


def median_filter_3x3(images: np.ndarray) -> np.ndarray:
    """3x3 median of each image on its own (the batch axis is never filtered across).

    The classic remedy for salt-and-pepper noise: an isolated bright pixel is outvoted.
    """
    x, single = _as_batch(images)
    out = ndimage.median_filter(x, size=(1, 3, 3), mode="reflect")
    return out[0] if single else out


def gaussian_blur(images: np.ndarray, sigma: float = 1.0) -> np.ndarray:
    """Gaussian smoothing of each image on its own: trades noise for blur, the simplest denoiser."""
    x, single = _as_batch(images)
    out = ndimage.gaussian_filter(x, sigma=(0.0, sigma, sigma), mode="reflect")
    return out[0] if single else out


def _nearest_indices(codes: np.ndarray, k: int) -> np.ndarray:
    """Indices (N, k) of each point's k nearest neighbours (Euclidean), itself excluded."""
    n, dim = codes.shape
    if dim <= KDTREE_MAX_DIM:
        _, idx = cKDTree(codes).query(codes, k=k + 1)
        idx = np.asarray(idx).reshape(n, k + 1)
        # Drop the point itself; with exact duplicates it may not come first, so remove it by value
        # and otherwise drop the farthest of the k + 1.
        own = idx == np.arange(n)[:, None]
        keep = ~own
        no_self = ~own.any(axis=1)
        keep[no_self, -1] = False
        return idx[keep].reshape(n, k)
    sq = np.einsum("ij,ij->i", codes, codes)
    out = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, _DISTANCE_CHUNK):
        block = codes[start:start + _DISTANCE_CHUNK]
        d2 = sq[start:start + len(block), None] + sq[None, :] - 2.0 * block @ codes.T
        d2[np.arange(len(block)), np.arange(start, start + len(block))] = np.inf
        part = np.argpartition(d2, k - 1, axis=1)[:, :k]
        out[start:start + len(block)] = part
    return out


def knn_label_agreement(codes: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """Share of each point's k nearest neighbours (itself excluded) that carry its label, averaged.

    Measures whether a code space groups digits by class without ever being shown a label:
    1.0 means classes form clean clusters, 1 / (number of classes) means no structure at all.
    """
    points = np.asarray(codes, dtype=np.float64).reshape(len(codes), -1)
    classes = np.asarray(labels).reshape(-1)
    if len(points) != len(classes):
        raise ValueError(f"{len(points)} codes but {len(classes)} labels")
    if not 1 <= k < len(points):
        raise ValueError(f"k must be in 1..{len(points) - 1}, not {k}")
    neighbours = _nearest_indices(points, k)
    return float(np.mean(classes[neighbours] == classes[:, None]))
