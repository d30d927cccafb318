"""The shipped weights against their shipped numbers (weights/metrics.json).

Every registry entry must load safely, its latents must fit its code size, and it must still
reconstruct as well as `python -m ae_models.evaluate --all` recorded: a changed, retrained or
broken model fails here, in CI, rather than in a classroom. Each model is loaded once per module.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any, Callable

import numpy as np
import pytest

from ae_models import load
from ae_models.arrays import BATCH
from ae_models.artifacts import (DEFAULT_WEIGHTS_DIR, metrics_path, read_card, read_latents,
                                 read_metrics)
from ae_models.data import DATASETS, dataset_available, load_dataset, synthetic_digits
from ae_models.loading import Autoencoder
from ae_models.measures import SYNTHETIC, SYNTHETIC_SMALL
from ae_models.registry import MODELS, TrainingSettings
from ae_models.report import shipped_readme_text
from ae_models.targets import check_targets

KEYS = [spec.key for spec in MODELS]
SPECS = {spec.key: spec for spec in MODELS}
SYNTHETIC_FACTOR = 1.05  # deterministic given the weights; the slack is for BLAS/oneDNN round-off
TOLERANCE = 0.05
SAMPLE_SIZE, SAMPLE_SEED = 1000, 0
SKIP_REASON = ("real {dataset} not found (set AE_DATA_DIR to a folder with the four IDX files, or "
               "install Debian's dataset-fashion-mnist): cannot reproduce the recorded test-set MSE")
MNIST_KEYS = [spec.key for spec in MODELS if spec.dataset == "mnist"]
AIMS = {"mnist": {"ae_2d_knn", "vae_2d_knn"},
        "fashion_mnist": {"fashion_vae_2d_knn", "fashion_conv_denoise_sigma_0.5_plus5"}}


@pytest.fixture(scope="module")
def metrics() -> Callable[[str], dict[str, Any]]:
    """The shipped evaluation of one data set's models (metrics.json, metrics_<dataset>.json)."""
    cache: dict[str, dict[str, Any]] = {}

    def get(dataset: str) -> dict[str, Any]:
        if dataset not in cache:
            cache[dataset] = read_metrics(dataset)
            if not cache[dataset]:
                pytest.fail(f"weights/{metrics_path(dataset).name} is missing: run "
                            f"`python -m ae_models.evaluate --all --dataset {dataset}`")
        return cache[dataset]

    return get


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
def test_sample() -> Callable[[str], np.ndarray]:
    """1,000 random test images of a data set, or a skip when it is not on this machine."""
    cache: dict[str, np.ndarray] = {}

    def get(dataset: str) -> np.ndarray:
        if dataset not in cache:
            if not dataset_available(dataset):
                pytest.skip(SKIP_REASON.format(dataset=dataset))
            data = load_dataset(dataset, allow_download=False)
            # A random sample, not the first 1,000: MNIST's test set is ordered by writer group,
            # and its first digits are easier than the rest (deep_dense: 0.00718 there against
            # 0.00759 on all).
            pick = np.random.default_rng(SAMPLE_SEED).choice(len(data.x_test), SAMPLE_SIZE,
                                                             replace=False)
            cache[dataset] = data.x_test[np.sort(pick)].astype(np.float32) / 255.0
        return cache[dataset]

    return get


def _mse(model: Autoencoder, images: np.ndarray) -> float:
    recon = np.concatenate([model.reconstruct(images[i:i + BATCH])
                            for i in range(0, len(images), BATCH)])
    return float(np.mean((recon - images) ** 2))


def _entry(metrics: Callable[[str], dict[str, Any]], key: str) -> dict[str, Any]:
    dataset = SPECS[key].dataset
    entry = metrics(dataset)["models"].get(key)
    assert entry is not None and entry.get("status") == "ok", (
        f"{key} has no evaluation in weights/{metrics_path(dataset).name}: run "
        f"`python -m ae_models.evaluate --all --dataset {dataset}`")
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
def test_card_tells_what_the_registry_says(key: str) -> None:
    """The Model zoo page shows the card's notes: a note written after training must reach it
    (`python -m ae_models.train KEY --cards-only`), and the card must describe this architecture."""
    spec = SPECS[key]
    card = read_card(key)
    assert (card["title"], card["description"], card["notes"]) == (
        spec.title, spec.description, list(spec.notes))
    assert tuple(card["code_shape"]) == spec.code_shape
    # Settings added to TrainingSettings after a model was trained are absent from its card:
    # they must still be at their default, which is what that training used.
    recorded = asdict(TrainingSettings()) | card["training"]
    expected = json.loads(json.dumps(asdict(spec.training)))
    assert {k: recorded[k] for k in expected} == expected


@pytest.mark.parametrize("key", MNIST_KEYS)  # drawn digits are a yardstick for digit models only
def test_reconstructs_synthetic_digits_as_recorded(key: str, models: Callable[[str], Autoencoder],
                                                   metrics: Callable[[str], dict[str, Any]],
                                                   synthetic_small: np.ndarray) -> None:
    recorded = _entry(metrics, key)[f"synthetic_mse_{SYNTHETIC_SMALL}"]
    value = _mse(models(key), synthetic_small)
    assert value <= SYNTHETIC_FACTOR * recorded, (
        f"{key}: MSE {value:.5f} on synthetic_digits({SYNTHETIC_SMALL}, seed={SYNTHETIC['seed']}) "
        f"is above {SYNTHETIC_FACTOR} x the recorded {recorded:.5f}")


@pytest.mark.parametrize("key", KEYS)
def test_reproduces_recorded_test_mse_on_the_real_test_set(
        key: str, models: Callable[[str], Autoencoder], metrics: Callable[[str], dict[str, Any]],
        test_sample: Callable[[str], np.ndarray]) -> None:
    recorded = _entry(metrics, key)["test_mse"]
    value = _mse(models(key), test_sample(SPECS[key].dataset))
    assert value == pytest.approx(recorded, rel=TOLERANCE), (
        f"{key}: MSE {value:.5f} on {SAMPLE_SIZE} random test images is not within "
        f"{TOLERANCE:.0%} of the recorded test-set MSE {recorded:.5f}")


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_metrics_cover_every_model_on_the_full_test_set(
        dataset: str, metrics: Callable[[str], dict[str, Any]]) -> None:
    shipped = metrics(dataset)
    assert shipped["data"]["test"] == 10_000, "shipped metrics must come from the full test set"
    keys = [key for key in KEYS if SPECS[key].dataset == dataset]
    missing = [key for key in keys if shipped["models"].get(key, {}).get("status") != "ok"]
    assert not missing, f"not evaluated in weights/{metrics_path(dataset).name}: {missing}"


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_every_target_is_met(dataset: str, metrics: Callable[[str], dict[str, Any]]) -> None:
    """Verdicts recomputed from the stored numbers with the targets table, not read from the
    stored `passed` flags, which must agree with them."""
    shipped = metrics(dataset)
    verdicts = check_targets(shipped["models"], shipped["baselines"], dataset)
    assert verdicts, f"no target applies to weights/{metrics_path(dataset).name}"
    failed = [f"{t['id']}: {t['value']} {t['op']} {t['threshold']} ({t['detail']})"
              for t in verdicts if not t["passed"] and t["kind"] != "aim"]
    assert not failed, "targets not met by the shipped weights:\n" + "\n".join(failed)
    aims = {t["id"] for t in verdicts if t["kind"] == "aim"}
    assert aims == AIMS[dataset], "the 10-NN agreement of every 2-D map is reported"
    assert shipped["targets"] == verdicts, (
        f"weights/{metrics_path(dataset).name} records other verdicts than its numbers give: "
        f"run `python -m ae_models.evaluate --report-only --dataset {dataset}`")


def test_weights_readme_is_what_the_report_renders() -> None:
    expected = shipped_readme_text()
    assert (DEFAULT_WEIGHTS_DIR / "README.md").read_text() == expected, (
        "weights/README.md differs from what ae_models.report renders from the metrics files: "
        "run `python -m ae_models.evaluate --report-only`")


# A POSIX path from the root ("/usr/...", "/work/..."), one from a home ("~/..."), or a
# Windows drive path ("C:\\...", "D:/..."); not a URL, a ratio ("1/2") or a relative path.
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/~-])/[A-Za-z][\w.-]*/|(?<![\w/])~/|\b[A-Za-z]:[\\/]")


def test_absolute_path_pattern_finds_machine_paths() -> None:
    found = ['"/usr/share/datasets/fashion-mnist"', "from `/work/shared/data/mnist`",
             "/home/me/x", "C:\\data\\mnist", "D:/mnist", "(/tmp/run)", "~/data/mnist"]
    clean = ["MNIST, from a data directory (AE_DATA_DIR / --data-dir)", "1/2 of it",
             "σ 0.5 / σ 0.75", "keras.datasets", "`metrics.json`", "crosshair 4/23",
             "https://example.com/a/b", "weights/<name>/card.json", "Note: see x"]
    assert all(ABSOLUTE_PATH.search(text) for text in found)
    assert not any(ABSOLUTE_PATH.search(text) for text in clean)


def test_no_file_under_weights_records_an_absolute_path() -> None:
    """Shipped files say where data came from in words: a path of the machine that wrote them
    means nothing on a pupil's laptop, and tells about that machine."""
    texts = sorted(p for p in DEFAULT_WEIGHTS_DIR.rglob("*") if p.suffix in (".json", ".md"))
    assert texts, "weights/ holds its cards, metrics and README"
    hits = [f"{p.relative_to(DEFAULT_WEIGHTS_DIR)}: {m.group(0)!r}" for p in texts
            for m in [ABSOLUTE_PATH.search(p.read_text())] if m]
    assert not hits, "absolute paths in weights/:\n" + "\n".join(hits)


def test_shipped_weights_stay_under_30_mb() -> None:
    total = sum(p.stat().st_size for p in DEFAULT_WEIGHTS_DIR.rglob("*") if p.is_file())
    assert total < 30e6, f"weights/ holds {total / 1e6:.1f} MB"
