"""The shipped weights against their shipped numbers (weights/metrics.json).

Every registry entry must load safely, its latents must fit its code size, and it must still
reconstruct as well as `python -m ae_models.evaluate --all` recorded: a changed, retrained or
broken model fails here, in CI, rather than in a classroom. Each model is loaded once per module.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

from ae_models import load
from ae_models.artifacts import read_latents, read_metrics
from ae_models.data import dataset_available, load_dataset, synthetic_digits
from ae_models.evaluate import BATCH, SYNTHETIC, SYNTHETIC_SMALL
from ae_models.loading import Autoencoder
from ae_models.registry import MODELS

KEYS = [spec.key for spec in MODELS]
SPECS = {spec.key: spec for spec in MODELS}
SYNTHETIC_FACTOR = 1.05  # deterministic given the weights; the slack is for BLAS/oneDNN round-off
MNIST_TOLERANCE = 0.05
SAMPLE_SIZE, SAMPLE_SEED = 1000, 0
MNIST_SKIP_REASON = ("real MNIST not found (set AE_DATA_DIR to a folder with the four IDX files): "
                     "cannot reproduce the recorded test-set MSE")


@pytest.fixture(scope="module")
def metrics() -> dict[str, Any]:
    data = read_metrics()
    if not data:
        pytest.fail("weights/metrics.json is missing: run `python -m ae_models.evaluate --all`")
    return data


@pytest.fixture(scope="module")
def models() -> Callable[[str], Autoencoder]:
    """Each model loaded on first use and kept for the module (loading costs about a second)."""
    cache: dict[str, Autoencoder] = {}

    def get(key: str) -> Autoencoder:
        if key not in cache:
            cache[key] = load(key)
        return cache[key]

    return get


@pytest.fixture(scope="module")
def synthetic_small() -> np.ndarray:
    images, _ = synthetic_digits(SYNTHETIC_SMALL, seed=SYNTHETIC["seed"])
    return images.astype(np.float32) / 255.0


@pytest.fixture(scope="module")
def mnist_sample() -> np.ndarray:
    if not dataset_available("mnist"):
        pytest.skip(MNIST_SKIP_REASON)
    data = load_dataset("mnist", allow_download=False)
    # A random sample, not the first 1,000: MNIST's test set is ordered by writer group, and its
    # first digits are easier than the rest (deep_dense: 0.00718 there against 0.00759 on all).
    pick = np.random.default_rng(SAMPLE_SEED).choice(len(data.x_test), SAMPLE_SIZE, replace=False)
    return data.x_test[np.sort(pick)].astype(np.float32) / 255.0


def _mse(model: Autoencoder, images: np.ndarray) -> float:
    recon = np.concatenate([model.reconstruct(images[i:i + BATCH])
                            for i in range(0, len(images), BATCH)])
    return float(np.mean((recon - images) ** 2))


def _entry(metrics: dict[str, Any], key: str) -> dict[str, Any]:
    entry = metrics["models"].get(key)
    assert entry is not None and entry.get("status") == "ok", (
        f"{key} has no evaluation in weights/metrics.json: run `python -m ae_models.evaluate --all`")
    return entry


@pytest.mark.parametrize("key", KEYS)
def test_model_loads_safely(key: str, models: Callable[[str], Autoencoder]) -> None:
    # ae_models.load verifies both files' SHA-256 against weights/manifest.json and loads them
    # with safe_mode=True (no Lambda layers, no arbitrary code).
    model = models(key)
    spec = SPECS[key]
    assert model.spec == spec
    code = model.encode(np.zeros((28, 28), np.float32))
    assert code.shape == (spec.code_size,)
    assert model.decode(code).shape == (28, 28)


@pytest.mark.parametrize("key", KEYS)
def test_latents_match_the_code_size(key: str) -> None:
    spec = SPECS[key]
    latents = read_latents(key)
    n = len(latents["codes"])
    assert n > 0
    assert latents["codes"].shape == (n, spec.code_size)
    assert len(latents["labels"]) == n
    assert latents["pca_components"].shape == (3, spec.code_size)
    assert latents["pca_mean"].shape == (spec.code_size,)
    assert np.all(np.isfinite(latents["codes"].astype(np.float32)))


@pytest.mark.parametrize("key", KEYS)
def test_reconstructs_synthetic_digits_as_recorded(key: str, models: Callable[[str], Autoencoder],
                                                   metrics: dict[str, Any],
                                                   synthetic_small: np.ndarray) -> None:
    recorded = _entry(metrics, key)[f"synthetic_mse_{SYNTHETIC_SMALL}"]
    value = _mse(models(key), synthetic_small)
    assert value <= SYNTHETIC_FACTOR * recorded, (
        f"{key}: MSE {value:.5f} on synthetic_digits({SYNTHETIC_SMALL}, seed={SYNTHETIC['seed']}) "
        f"is above {SYNTHETIC_FACTOR} x the recorded {recorded:.5f}")


@pytest.mark.parametrize("key", KEYS)
def test_reproduces_recorded_test_mse_on_real_mnist(key: str,
                                                    models: Callable[[str], Autoencoder],
                                                    metrics: dict[str, Any],
                                                    mnist_sample: np.ndarray) -> None:
    recorded = _entry(metrics, key)["test_mse"]
    value = _mse(models(key), mnist_sample)
    assert value == pytest.approx(recorded, rel=MNIST_TOLERANCE), (
        f"{key}: MSE {value:.5f} on {SAMPLE_SIZE} random test digits is not within "
        f"{MNIST_TOLERANCE:.0%} of the recorded test-set MSE {recorded:.5f}")


def test_metrics_cover_every_model_on_the_full_test_set(metrics: dict[str, Any]) -> None:
    assert metrics["data"]["test"] == 10_000, "shipped metrics must come from the full test set"
    missing = [key for key in KEYS if metrics["models"].get(key, {}).get("status") != "ok"]
    assert not missing, f"not evaluated in weights/metrics.json: {missing}"


def test_every_target_is_met(metrics: dict[str, Any]) -> None:
    targets = metrics["targets"]
    assert targets, "weights/metrics.json records no targets"
    failed = [f"{t['id']}: {t['value']} {t['op']} {t['threshold']} ({t['detail']})"
              for t in targets if not t["passed"] and t.get("kind") != "aim"]
    assert not failed, "targets not met by the shipped weights:\n" + "\n".join(failed)
    aims = {t["id"] for t in targets if t.get("kind") == "aim"}
    assert aims == {"ae_2d_knn", "vae_2d_knn"}, "the 10-NN agreement of both 2-D maps is reported"
