"""What the evaluation measures, and how: every model against the classical yardsticks.

Every model is measured on the official test set next to the baselines it has to beat: PCA with
the same code size, and for denoising a median filter, a blur and PCA-32. The corrupted copies,
drawings and synthetic digits come from fixed seeds, so every model sees the very same pixels
and a re-run reproduces every number. `ae_models.evaluate` is the command that runs this and
writes the results.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .arrays import BATCH, batched, significant, to_float
from .baselines import (gaussian_blur, knn_label_agreement, median_filter_3x3, pca_basis,
                        pca_reconstruct)
from .corruption import crosshair, gaussian_noise
from .data import canvas_style_digits, load_dataset, synthetic_digits
from .latent_walks import kl_per_dimension
from .metrics import bce, mean_psnr, mse, ssim
from .registry import REGISTRY, ModelSpec, get_spec

METRIC_CHUNK = 2000  # images per metric call (SSIM runs through TensorFlow)
NOISE_SIGMAS = (0.25, 0.5, 0.75)
NOISE_SEED = 2024
CROSSHAIR_SETTINGS = {"thickness": 2, "random_position": True, "seed": 2025}
ELBO_SEED = 0
KNN_K = 10
DENOISE_PCA_K = 32
REFERENCE_PCA_KS = (2, 3, 16, 32, 64)  # the reference's measured PCA figures, for comparison
SPARSE_THRESHOLD = 0.05
ACTIVE_KL_NATS = 0.1  # a VAE latent dimension with less KL than this carries no information
DRAWINGS = {"n": 500, "seed": 2026}
SYNTHETIC = {"n": 500, "seed": 2027}
SYNTHETIC_SMALL = 200  # synthetic_digits(200, seed=2027): what tests/test_zoo.py regenerates
BASELINE_NAMES = {
    "input": "corrupted input",
    "median_3x3": "3x3 median filter",
    "gaussian_blur_1": "Gaussian blur, sigma 1",
    f"pca_{DENOISE_PCA_K}": f"PCA-{DENOISE_PCA_K} projection",
}


def level_names() -> list[str]:
    """The corruption levels every model and baseline is measured at, in table order."""
    return [f"gaussian_{s}" for s in NOISE_SIGMAS] + ["crosshair"]


@dataclass
class EvaluationData:
    """Everything measured on, built once per run so every model sees the very same pixels."""

    x_train: np.ndarray  # float32 (N, 28, 28): PCA is fitted on it
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    dataset: str = "mnist"
    corrupted: dict[str, np.ndarray] = field(default_factory=dict)
    drawings: np.ndarray | None = None
    synthetic: np.ndarray | None = None
    synthetic_small: np.ndarray | None = None


def prepare_data(dataset: str, data_dir: str | None, limit: int | None) -> EvaluationData:
    """Real test images, their corrupted copies (fixed seeds) and, for digits, the drawn and
    synthetic digit sets."""
    loaded = load_dataset(dataset, data_dir)
    n = len(loaded.x_test) if limit is None else min(limit, len(loaded.x_test))
    x_test = to_float(loaded.x_test[:n])
    data = EvaluationData(to_float(loaded.x_train), x_test, loaded.y_test[:n].astype(np.int64),
                          loaded.source, dataset)
    for sigma in NOISE_SIGMAS:
        data.corrupted[f"gaussian_{sigma}"] = gaussian_noise(x_test, sigma, seed=NOISE_SEED)
    data.corrupted["crosshair"] = crosshair(x_test, **CROSSHAIR_SETTINGS)
    if dataset != "mnist":  # drawn and font digits are a yardstick for digit models only
        return data
    data.drawings = to_float(canvas_style_digits(DRAWINGS["n"], seed=DRAWINGS["seed"])[0])
    data.synthetic = to_float(synthetic_digits(SYNTHETIC["n"], seed=SYNTHETIC["seed"])[0])
    data.synthetic_small = to_float(synthetic_digits(SYNTHETIC_SMALL, seed=SYNTHETIC["seed"])[0])
    return data


def chunked_mean(metric: Callable, clean: np.ndarray, other: np.ndarray) -> float:
    """Mean of a per-image metric over a large batch, computed in chunks (bounded temporaries)."""
    return float(np.mean(np.concatenate([
        np.atleast_1d(metric(clean[i:i + METRIC_CHUNK], other[i:i + METRIC_CHUNK]))
        for i in range(0, len(clean), METRIC_CHUNK)])))


def mean_squared_error(images: np.ndarray, reconstruction: np.ndarray) -> float:
    """Mean pixel MSE, rounded for metrics.json."""
    return significant(np.mean((reconstruction - images) ** 2))


# --- Baselines ------------------------------------------------------------------------------


@dataclass
class PCABasis:
    """Every principal axis of the training images: one decomposition serves every k."""

    mean: np.ndarray
    axes: np.ndarray  # (D, D), rows by decreasing variance

    def reconstruct(self, images: np.ndarray, k: int) -> np.ndarray:
        """Images through the top k axes and back: PCA's answer with a k-number code."""
        return pca_reconstruct(images, self.mean, self.axes[:k])


def classical_baselines(data: EvaluationData, pca: PCABasis, pca_ks: list[int]) -> dict[str, Any]:
    """PCA test MSE at every needed k, and the classical denoisers at every corruption level."""
    pca_mse = {str(k): mean_squared_error(data.x_test, pca.reconstruct(data.x_test, k))
               for k in sorted(set(pca_ks))}
    denoising: dict[str, dict[str, Any]] = {}
    for level, noisy in data.corrupted.items():
        outputs = {
            "input": noisy,
            "median_3x3": median_filter_3x3(noisy),
            "gaussian_blur_1": gaussian_blur(noisy, sigma=1.0),
            f"pca_{DENOISE_PCA_K}": pca.reconstruct(noisy, DENOISE_PCA_K),
        }
        row: dict[str, Any] = {name: significant(mean_psnr(data.x_test, out), 5)
                               for name, out in outputs.items()}
        best = max((name for name in outputs if name != "input"), key=lambda name: row[name])
        row["best"] = best
        row["best_psnr"] = row[best]
        denoising[level] = row
    return {"pca_test_mse": pca_mse, "denoising_psnr": denoising,
            "names": dict(BASELINE_NAMES)}


# --- One model ------------------------------------------------------------------------------


def _codes(model: Any, x: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The codes of x, and for a VAE the log-variances the KL needs (one encoder pass)."""
    if not model.spec.is_vae:
        return batched(model.encode, x), None
    parts = [model.encode_distribution(x[i:i + BATCH]) for i in range(0, len(x), BATCH)]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def reconstruction_measures(spec: ModelSpec, x: np.ndarray, reconstruction: np.ndarray,
                            pca_mse: float) -> dict[str, Any]:
    """How close the clean test images come back, four ways, and against PCA of the same size."""
    entry: dict[str, Any] = {
        "status": "ok",
        "title": spec.title,
        "family": spec.family,
        "code_size": spec.code_size,
        "code_shape": list(spec.code_shape),
        "trained_on": spec.corruption,
        "test_mse": significant(chunked_mean(mse, x, reconstruction)),
        "test_bce": significant(chunked_mean(bce, x, reconstruction)),
        "test_psnr": significant(mean_psnr(x, reconstruction), 5),
        "test_ssim": significant(chunked_mean(ssim, x, reconstruction), 5),
        "pca_k": spec.code_size,
        "pca_test_mse": pca_mse,
    }
    entry["mse_over_pca"] = significant(entry["test_mse"] / pca_mse, 4)
    return entry


def denoising_measures(model: Any, data: EvaluationData,
                       baselines: dict[str, Any]) -> dict[str, dict[str, float]]:
    """PSNR at every corruption level, its gain over the corrupted input and its margin over the
    best classical denoiser at that level."""
    denoising, gains, margins = {}, {}, {}
    for level, noisy in data.corrupted.items():
        value = mean_psnr(data.x_test, batched(model.reconstruct, noisy))
        row = baselines["denoising_psnr"][level]
        denoising[level] = significant(value, 5)
        gains[level] = significant(value - row["input"], 4)
        margins[level] = significant(value - row["best_psnr"], 4)
    return {"denoising_psnr": denoising, "gain_over_input_db": gains,
            "margin_over_best_classical_db": margins}


def evaluate_model(model: Any, data: EvaluationData, baselines: dict[str, Any]) -> dict[str, Any]:
    """All measurements of one loaded model: its metrics.json entry."""
    spec: ModelSpec = model.spec
    codes, log_var = _codes(model, data.x_test)
    reconstruction = batched(model.decode, codes)
    pca_mse = float(baselines["pca_test_mse"][str(spec.code_size)])
    entry = reconstruction_measures(spec, data.x_test, reconstruction, pca_mse)
    entry.update(denoising_measures(model, data, baselines))
    entry["knn_agreement"] = significant(knn_label_agreement(codes, data.y_test, k=KNN_K), 4)
    for name, images in (("drawings_mse", data.drawings), ("synthetic_mse", data.synthetic),
                         (f"synthetic_mse_{SYNTHETIC_SMALL}", data.synthetic_small)):
        if images is not None:
            entry[name] = mean_squared_error(images, batched(model.reconstruct, images))
    if log_var is not None:
        entry["vae"] = vae_measures(model, data.x_test, codes, log_var)
    if spec.family == "sparse":
        entry["sparsity"] = sparsity_measures(codes)
    return entry


def vae_measures(model: Any, x: np.ndarray, mean: np.ndarray,
                 log_var: np.ndarray) -> dict[str, Any]:
    """Negative ELBO (one posterior sample, fixed seed) and how the KL spreads over latent dims.

    A dimension whose KL stays near 0 is ignored by the decoder (posterior collapse); the split
    shows how many of the latent dimensions the VAE actually uses.
    """
    from .vae import elbo_terms  # TensorFlow: imported only when a VAE is measured

    terms = elbo_terms(model.encoder, model.decoder, x[..., None], seed=ELBO_SEED, batch_size=BATCH)
    kl_per_dim = kl_per_dimension(mean, log_var)
    reconstruction, kl = float(np.mean(terms["reconstruction"])), float(np.mean(terms["kl"]))
    return {
        "neg_elbo_nats": significant(reconstruction + kl, 5),
        "reconstruction_nats": significant(reconstruction, 5),
        "kl_nats": significant(kl, 4),
        "kl_per_dim_nats": [significant(v, 4) for v in kl_per_dim],
        "active_dims": int(np.sum(kl_per_dim > ACTIVE_KL_NATS)),
        "elbo_seed": ELBO_SEED,
    }


def sparsity_measures(codes: np.ndarray) -> dict[str, float]:
    """How much of the code is switched off: the point of the L1 penalty.

    The absolute figures (mean, share under 0.05) can be met by shrinking every unit at once,
    which the next layer undoes; the scale-free ones (share under 5% of the image's largest
    unit, share of the L1 mass in the top 10% of units) show whether a few units carry the code.
    """
    units = np.asarray(codes, dtype=np.float64)  # (images, code units)
    ordered = np.sort(units, axis=1)[:, ::-1]
    top = max(1, units.shape[1] // 10)
    total = np.maximum(ordered.sum(axis=1), 1e-12)
    peak = np.maximum(ordered[:, 0:1], 1e-12)
    below = SPARSE_THRESHOLD
    return {
        "mean_activation": significant(np.mean(units), 4),
        f"share_below_{below}": significant(np.mean(units < below), 4),
        f"units_mean_below_{below}": significant(np.mean(units.mean(axis=0) < below), 4),
        "max_activation": significant(np.max(units), 4),
        "share_below_5pct_of_image_max": significant(np.mean(units / peak < 0.05), 4),
        "top10pct_units_l1_share": significant(np.mean(ordered[:, :top].sum(axis=1) / total), 4),
    }


# --- Every model ----------------------------------------------------------------------------


def _load_model(key: str) -> tuple[Any, str | None]:
    from .loading import ModelLoadError, load  # TensorFlow: imported only to measure a model

    try:
        return load(key), None
    except ModelLoadError as exc:
        return None, str(exc)


def data_settings(data: EvaluationData) -> dict[str, Any]:
    """The "data" block of metrics.json: which images, and every seed needed to rebuild them."""
    return {
        "dataset": data.dataset, "source": data.source, "train": len(data.x_train),
        "test": len(data.x_test), "noise_sigmas": list(NOISE_SIGMAS), "noise_seed": NOISE_SEED,
        "crosshair": dict(CROSSHAIR_SETTINGS), "elbo_seed": ELBO_SEED, "knn_k": KNN_K,
        "drawings": dict(DRAWINGS), "synthetic": dict(SYNTHETIC),
        "synthetic_small": {"n": SYNTHETIC_SMALL, "seed": SYNTHETIC["seed"]},
    }


def evaluate_models(keys: list[str], data: EvaluationData,
                    log: Callable[[str], None] = print) -> dict[str, Any]:
    """Measure the given registry keys on prepared data: the metrics.json structure, targets
    not yet judged. A model whose files are missing is recorded as missing, with the reason."""
    start = time.time()
    pca = PCABasis(*pca_basis(data.x_train))
    log(f"PCA basis fitted on {len(data.x_train)} images in {time.time() - start:.1f}s")
    pca_ks = list(REFERENCE_PCA_KS) + [spec.code_size for spec in REGISTRY.values()]
    baselines = classical_baselines(data, pca, pca_ks)
    log(f"baselines done at {time.time() - start:.1f}s")
    models: dict[str, dict[str, Any]] = {}
    for key in keys:
        wall, cpu = time.time(), time.process_time()
        model, problem = _load_model(key)
        if model is None:
            log(f"[{key}] MISSING: {problem}")
            models[key] = {"status": "missing", "title": get_spec(key).title, "message": problem}
            continue
        models[key] = evaluate_model(model, data, baselines)
        log(f"[{key}] evaluated in {time.time() - wall:.1f}s wall, "
            f"{time.process_time() - cpu:.1f}s CPU: MSE {models[key]['test_mse']:.4f}")
    return {"generated": dt.date.today().isoformat(), "data": data_settings(data),
            "baselines": baselines, "models": models, "targets": []}
