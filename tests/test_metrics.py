"""Metrics give the textbook values on images whose answer is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ae_models.metrics import PSNR_CAP_DB, bce, image_metrics, mean_psnr, mse, psnr, ssim


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    rng = np.random.default_rng(0)
    images = np.zeros((5, 28, 28), np.float32)
    for i, image in enumerate(images):
        image[6:22, 10 + i : 13 + i] = 1.0
        image[6:9, 8:20] = rng.random()
    return images


def test_identical_images(digits):
    one = digits[0]
    assert mse(one, one) == 0.0
    assert psnr(one, one) == PSNR_CAP_DB
    assert ssim(one, one) == pytest.approx(1.0, abs=1e-6)


def test_psnr_of_known_mse():
    a = np.zeros((28, 28), np.float32)
    b = np.full((28, 28), 0.1, np.float32)  # MSE 0.01
    assert mse(a, b) == pytest.approx(0.01, rel=1e-6)
    assert psnr(a, b) == pytest.approx(20.0, abs=1e-4)
    assert psnr(a, np.ones((28, 28))) == pytest.approx(0.0)


def test_bce_known_values():
    ones = np.ones((28, 28))
    assert bce(ones, np.full((28, 28), 0.5)) == pytest.approx(math.log(2))
    assert bce(np.zeros((28, 28)), np.full((28, 28), 0.25)) == pytest.approx(-math.log(0.75))
    # Clipping keeps a confident wrong answer finite: -log(1e-7).
    assert bce(ones, np.zeros((28, 28))) == pytest.approx(-math.log(1e-7), rel=1e-4)


def test_bce_matches_keras_formula_on_random_images():
    rng = np.random.default_rng(1)
    t, p = rng.random((28, 28)), rng.random((28, 28))
    expected = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert bce(t, p) == pytest.approx(expected, rel=1e-9)


def test_ssim_drops_with_noise(digits):
    noisy = np.clip(digits + np.random.default_rng(0).normal(0, 0.3, digits.shape), 0, 1)
    scores = ssim(digits, noisy)
    assert scores.shape == (5,)
    assert np.all(scores < 0.7) and np.all(scores > -1)


def test_batches_give_one_value_per_image(digits):
    other = digits[::-1].copy()
    for metric in (mse, bce, psnr, ssim):
        values = metric(digits, other)
        assert isinstance(values, np.ndarray) and values.shape == (5,)
        assert isinstance(metric(digits[0], other[0]), float)
        assert values[1] == pytest.approx(metric(digits[1], other[1]), rel=1e-5)


def test_image_metrics_keys_and_types(digits):
    result = image_metrics(digits[0], digits[1])
    assert list(result) == ["mse", "bce", "psnr", "ssim"]
    assert all(isinstance(v, float) and math.isfinite(v) for v in result.values())


def test_image_metrics_is_for_one_image(digits):
    with pytest.raises(ValueError, match="one image"):
        image_metrics(digits, digits[::-1])


def test_mean_psnr_is_nan_only_when_every_image_is_a_copy(digits):
    other = np.clip(digits + 0.1, 0, 1)
    assert math.isnan(mean_psnr(digits, digits))
    assert mean_psnr(digits, other) == pytest.approx(float(np.mean(psnr(digits, other))))
    mixed = other.copy()
    mixed[0] = digits[0]  # one exact copy among noisy ones: its capped value counts as it is
    assert mean_psnr(digits, mixed) == pytest.approx(float(np.mean(psnr(digits, mixed))))
    assert mean_psnr(digits, mixed) < PSNR_CAP_DB


def test_uint8_and_channel_axis_are_accepted(digits):
    raw = np.round(digits * 255).astype(np.uint8)
    assert mse(raw, raw / 255.0) == pytest.approx(0.0)
    assert mse(digits[..., None], digits[..., None]).shape == (5,)


def test_mismatched_shapes_are_refused(digits):
    with pytest.raises(ValueError):
        mse(digits, digits[0])
