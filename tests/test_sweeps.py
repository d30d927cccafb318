"""ae_models.sweeps: the denoising experiments, checked with tiny fake "models" (no weights)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ae_models import sweeps
from ae_models.corruption import crosshair, gaussian_noise
from ae_models.metrics import psnr


@pytest.fixture(scope="module")
def clean() -> np.ndarray:
    images = np.zeros((6, 28, 28), np.float32)
    for i, image in enumerate(images):
        image[5:23, 9 + i:13 + i] = 1.0  # a vertical stroke, shifted per image
    return images


def identity(x: np.ndarray) -> np.ndarray:
    return x


def make_oracle(clean: np.ndarray):
    """A perfect denoiser for this batch: returns the clean digits (however they were tiled)."""
    def oracle(x: np.ndarray) -> np.ndarray:
        reps = len(x) // len(clean)
        return np.tile(clean, (reps, 1, 1))[: len(x)] if reps else clean[: len(x)]
    return oracle


def blank(x: np.ndarray) -> np.ndarray:
    return np.zeros_like(x)


def test_repeat_image_makes_independent_copies(clean):
    batch = sweeps.repeat_image(clean[0], 4)
    assert batch.shape == (4, 28, 28) and batch.dtype == np.float32
    assert np.array_equal(batch[3], clean[0])
    noisy = gaussian_noise(batch, 0.5, seed=0)
    assert not np.array_equal(noisy[0], noisy[1])  # each copy gets its own noise draw
    with pytest.raises(ValueError):
        sweeps.repeat_image(clean, 2)


def test_apply_batched_chunks_and_keeps_order(clean):
    calls = []

    def spy(x):
        calls.append(len(x))
        return x * 0.5

    out = sweeps.apply_batched(spy, clean, chunk=4)
    assert calls == [4, 2]
    np.testing.assert_allclose(out, clean * 0.5)


def test_mean_psnr_is_nan_for_identical_images_and_finite_otherwise(clean):
    assert math.isnan(sweeps.mean_psnr(clean, clean))
    noisy = gaussian_noise(clean, 0.3, seed=1)
    assert sweeps.mean_psnr(clean, noisy) == pytest.approx(float(np.mean(psnr(clean, noisy))))


def test_psnr_sweep_shapes_order_and_trends(clean):
    sigmas = [0.0, 0.25, 0.5, 1.0]
    series = sweeps.psnr_sweep({"copy": identity, "blank": blank}, clean, sigmas, seed=3)
    assert list(series) == [sweeps.NOISY_INPUT, "copy", "blank"]
    assert all(len(v) == len(sigmas) for v in series.values())
    noisy = series[sweeps.NOISY_INPUT]
    assert math.isnan(noisy[0])  # sigma 0: the input is the clean digit, infinite PSNR
    assert noisy[1] > noisy[2] > noisy[3]  # more noise, lower PSNR
    np.testing.assert_allclose(series["copy"], noisy)  # a copier gains nothing over the input
    # A blank image ignores the noise entirely: the same PSNR at every sigma.
    assert np.ptp(series["blank"]) == pytest.approx(0.0)
    # The noisy-input line matches a direct computation with the same seed.
    direct = float(np.mean(psnr(clean, gaussian_noise(clean, 0.5, seed=3))))
    assert noisy[2] == pytest.approx(direct)


def test_psnr_sweep_calls_each_denoiser_once_for_all_sigmas(clean):
    seen = []

    def spy(x):
        seen.append(x.shape)
        return x

    sweeps.psnr_sweep({"spy": spy}, clean, sweeps.DEFAULT_SIGMAS, include_input=False)
    assert seen == [(len(sweeps.DEFAULT_SIGMAS) * len(clean), 28, 28)]


def test_psnr_sweep_oracle_beats_everything_and_seed_matters(clean):
    oracle = make_oracle(clean)
    series = sweeps.psnr_sweep({"oracle": oracle}, clean, [0.2, 0.8], seed=0)
    assert all(math.isnan(v) for v in series["oracle"])  # perfect output: nothing to plot
    a = sweeps.psnr_sweep({}, clean, [0.5], seed=0)[sweeps.NOISY_INPUT]
    b = sweeps.psnr_sweep({}, clean, [0.5], seed=1)[sweeps.NOISY_INPUT]
    assert a != b
    assert a == sweeps.psnr_sweep({}, clean, [0.5], seed=0)[sweeps.NOISY_INPUT]
    with pytest.raises(ValueError):
        sweeps.psnr_sweep({}, clean[:0], [0.5])


def test_baselines_help_on_strong_noise(clean):
    pca = (clean.reshape(len(clean), -1).mean(axis=0),
           np.linalg.svd(clean.reshape(len(clean), -1) - clean.reshape(len(clean), -1).mean(0),
                         full_matrices=False)[2][:3])
    names = list(sweeps.baseline_denoisers())
    assert names == [sweeps.MEDIAN, sweeps.BLUR]
    assert list(sweeps.baseline_denoisers(pca)) == [sweeps.MEDIAN, sweeps.BLUR, "PCA-3"]
    series = sweeps.psnr_sweep(sweeps.baseline_denoisers(pca), clean, [0.5], seed=0,
                               include_input=False)
    assert sweeps.NOISY_INPUT not in series
    noisy = sweeps.psnr_sweep({}, clean, [0.5], seed=0)[sweeps.NOISY_INPUT][0]
    for name, values in series.items():
        assert values[0] > noisy, name  # every classical filter beats doing nothing at sigma 0.5


def test_gallery_and_psnr_table(clean):
    corrupted = crosshair(clean, thickness=2, random_position=True, seed=0)
    rows = sweeps.gallery({"oracle": make_oracle(clean), "copy": identity}, corrupted,
                          input_name="crosshaired")
    assert list(rows) == ["crosshaired", "oracle", "copy"]
    assert all(r.shape == clean.shape for r in rows.values())
    table = sweeps.psnr_table({k: v for k, v in rows.items() if k != "oracle"}, clean,
                              input_name="crosshaired")
    assert table["crosshaired"]["gain"] == 0.0
    assert table["copy"]["gain"] == pytest.approx(0.0)
    assert table["copy"]["psnr"] == pytest.approx(sweeps.mean_psnr(clean, corrupted))
    with pytest.raises(KeyError):
        sweeps.psnr_table({"copy": corrupted}, clean)


def test_crossover_table_and_winners(clean):
    noisy = gaussian_noise(clean, 0.5, seed=0)
    crossed = crosshair(clean, thickness=2, random_position=True, seed=0)
    line = crossed != clean  # where the crosshair was drawn

    def gauss_specialist(x):  # smooths noise, leaves lines alone
        return sweeps.baseline_denoisers()[sweeps.BLUR](x)

    def cross_specialist(x):  # knows exactly where the lines are: wipes them, ignores noise
        out = x.copy()
        if np.array_equal(x, crossed):
            out[line] = clean[line]
        return out

    table = sweeps.crossover_table({"G": gauss_specialist, "X": cross_specialist}, clean,
                                   {"gauss": noisy, "cross": crossed})
    assert set(table) == {"G", "X"} and set(table["G"]) == {"gauss", "cross"}
    assert math.isnan(table["X"]["cross"])  # a perfect restoration
    assert table["G"]["gauss"] > table["X"]["gauss"]
    winners = sweeps.crossover_winners(table)
    assert winners["gauss"][0] == "G" and winners["gauss"][1] > 0
    assert winners["cross"] == ("X", math.inf)  # NaN means perfect: it wins
    finite = {"G": {"gauss": 15.0, "cross": 12.0}, "X": {"gauss": 11.0, "cross": 20.0}}
    assert sweeps.crossover_winners(finite) == {"gauss": ("G", 4.0), "cross": ("X", 8.0)}
