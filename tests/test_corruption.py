"""Corruptions are seeded, pure, and keep images float32 in [0, 1]."""

from __future__ import annotations


import numpy as np
import pytest

from ae_models.corruption import (
    CorruptionSettings,
    apply_corruption,
    crosshair,
    gaussian_noise,
    random_mask,
    training_corruption,
)


@pytest.fixture
def batch() -> np.ndarray:
    return np.random.default_rng(0).random((8, 28, 28), dtype=np.float32)


@pytest.fixture
def image(batch: np.ndarray) -> np.ndarray:
    return batch[0]


def assert_images(out: np.ndarray, like: np.ndarray) -> None:
    assert out.shape == like.shape
    assert out.dtype == np.float32
    assert np.isfinite(out).all() and out.min() >= 0.0 and out.max() <= 1.0


# ---------------------------------------------------------------------------------------------
# Gaussian noise
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sigma", [0.1, 0.5, 1.0])
def test_gaussian_range_dtype_shape(batch, image, sigma):
    assert_images(gaussian_noise(batch, sigma), batch)
    assert_images(gaussian_noise(image, sigma), image)


def test_gaussian_is_deterministic_per_seed(batch):
    first = gaussian_noise(batch, 0.5, seed=3)
    np.testing.assert_array_equal(first, gaussian_noise(batch, 0.5, seed=3))
    assert not np.array_equal(first, gaussian_noise(batch, 0.5, seed=4))


def test_gaussian_sigma_zero_is_an_identical_copy(batch):
    out = gaussian_noise(batch, 0.0)
    np.testing.assert_array_equal(out, batch)
    assert out is not batch and not np.shares_memory(out, batch)


def test_gaussian_noise_has_the_requested_strength():
    grey = np.full((64, 64), 0.5, np.float32)
    out = gaussian_noise(grey, 0.1, seed=0)
    assert np.std(out - grey) == pytest.approx(0.1, rel=0.05)


def test_gaussian_does_not_modify_its_input(batch):
    before = batch.copy()
    gaussian_noise(batch, 0.5)
    np.testing.assert_array_equal(batch, before)


@pytest.mark.parametrize("sigma", [-0.1, 1.5, float("nan")])
def test_gaussian_sigma_outside_0_1_is_refused(image, sigma):
    with pytest.raises(ValueError):
        gaussian_noise(image, sigma)


def test_uint8_images_are_read_as_0_to_255():
    raw = np.full((28, 28), 255, np.uint8)
    np.testing.assert_array_equal(gaussian_noise(raw, 0.0), np.ones((28, 28), np.float32))


# ---------------------------------------------------------------------------------------------
# Crosshair
# ---------------------------------------------------------------------------------------------


def line_rows(out: np.ndarray, value: float) -> list[int]:
    return [r for r in range(out.shape[0]) if np.all(out[r] == value)]


def line_cols(out: np.ndarray, value: float) -> list[int]:
    return [c for c in range(out.shape[1]) if np.all(out[:, c] == value)]


def test_crosshair_default_is_centred_two_px():
    out = crosshair(np.zeros((28, 28), np.float32))
    assert line_rows(out, 1.0) == [13, 14] and line_cols(out, 1.0) == [13, 14]
    assert out.sum() == 2 * 28 * 2 - 4  # two 2-px lines that share a 2x2 square


@pytest.mark.parametrize(
    ("row", "col", "thickness"), [(5, 20, 1), (10, 3, 3), (0, 27, 2), (27, 0, 4)]
)
def test_crosshair_at_requested_place_and_thickness(row, col, thickness):
    out = crosshair(np.zeros((28, 28), np.float32), thickness=thickness, row=row, col=col)
    start_r, start_c = row - thickness // 2, col - thickness // 2
    expect_rows = [r for r in range(start_r, start_r + thickness) if 0 <= r < 28]
    expect_cols = [c for c in range(start_c, start_c + thickness) if 0 <= c < 28]
    assert line_rows(out, 1.0) == expect_rows
    assert line_cols(out, 1.0) == expect_cols


def test_crosshair_blends_intensity_and_keeps_other_pixels(image):
    out = crosshair(image, thickness=1, row=7, col=9, intensity=0.25)
    assert np.all(out[7] == 0.25) and np.all(out[:, 9] == 0.25)
    mask = np.ones_like(image, bool)
    mask[7] = False
    mask[:, 9] = False
    np.testing.assert_array_equal(out[mask], image[mask])


def test_crosshair_thickness_zero_draws_nothing(image):
    np.testing.assert_array_equal(crosshair(image, thickness=0), image)


def test_crosshair_same_position_for_every_image_by_default(batch):
    out = crosshair(np.zeros_like(batch))
    assert all(np.array_equal(out[0], out[i]) for i in range(len(out)))


def test_crosshair_random_position_differs_within_a_batch():
    out = crosshair(np.zeros((16, 28, 28), np.float32), random_position=True, seed=1)
    positions = {(tuple(line_rows(o, 1.0)), tuple(line_cols(o, 1.0))) for o in out}
    assert len(positions) > 4
    for o in out:  # kept away from the edges
        assert min(line_rows(o, 1.0)) >= 3 and max(line_rows(o, 1.0)) <= 24


def test_crosshair_random_position_is_seeded(batch):
    a = crosshair(batch, random_position=True, seed=5)
    np.testing.assert_array_equal(a, crosshair(batch, random_position=True, seed=5))
    assert not np.array_equal(a, crosshair(batch, random_position=True, seed=6))


def test_crosshair_thickness_range_per_image():
    out = crosshair(np.zeros((32, 28, 28), np.float32), thickness=(1, 3), seed=0)
    widths = {len(line_rows(o, 1.0)) for o in out}
    assert widths == {1, 2, 3}


def test_crosshair_other_sizes():
    out = crosshair(np.zeros((3, 10, 17), np.float32), thickness=1)
    assert_images(out, np.zeros((3, 10, 17)))
    assert line_rows(out[0], 1.0) == [5] and line_cols(out[0], 1.0) == [8]


@pytest.mark.parametrize(
    "kwargs",
    [{"row": 28}, {"col": -1}, {"thickness": -1}, {"thickness": (3, 1)}, {"intensity": 1.5},
     {"thickness": 1.5}],
)
def test_crosshair_refuses_bad_settings(image, kwargs):
    with pytest.raises(ValueError):
        crosshair(image, **kwargs)


# ---------------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.0, 0.3, 1.0])
def test_mask_zeroes_exactly_that_fraction(fraction):
    ones = np.ones((4, 28, 28), np.float32)
    out = random_mask(ones, fraction, seed=0)
    assert_images(out, ones)
    assert np.all((out == 0).sum(axis=(1, 2)) == round(fraction * 784))


def test_mask_is_seeded_and_differs_per_image(image):
    ones = np.ones((2, 28, 28), np.float32)
    a = random_mask(ones, 0.5, seed=2)
    np.testing.assert_array_equal(a, random_mask(ones, 0.5, seed=2))
    assert not np.array_equal(a, random_mask(ones, 0.5, seed=3))
    assert not np.array_equal(a[0], a[1])
    assert random_mask(image, 0.3).shape == (28, 28)


# ---------------------------------------------------------------------------------------------
# Settings and composition
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["none", "gaussian", "crosshair", "both", "mask"])
def test_apply_corruption_every_kind(batch, image, kind):
    settings = CorruptionSettings(kind=kind, seed=7)
    for x in (batch, image):
        out = apply_corruption(x, settings)
        assert_images(out, x)
        np.testing.assert_array_equal(out, apply_corruption(x, settings))


def test_none_is_a_copy(image):
    out = apply_corruption(image, CorruptionSettings())
    np.testing.assert_array_equal(out, image)
    assert not np.shares_memory(out, image)


def test_both_is_crosshair_then_noise(batch):
    settings = CorruptionSettings(kind="both", sigma=0.3, thickness=3, row=8, col=20, seed=11)
    expected = gaussian_noise(crosshair(batch, thickness=3, row=8, col=20), 0.3, seed=11)
    np.testing.assert_array_equal(apply_corruption(batch, settings), expected)
    gaussian_only = apply_corruption(batch, CorruptionSettings(kind="gaussian", sigma=0.3, seed=11))
    crossed = crosshair(np.zeros((28, 28)), thickness=3, row=8, col=20) > 0
    # Off the crosshair, "both" has exactly the noise of "gaussian" with the same seed.
    both = apply_corruption(batch, settings)
    np.testing.assert_array_equal(both[:, ~crossed], gaussian_only[:, ~crossed])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "blur"},
        {"sigma": 2.0},
        {"intensity": -0.1},
        {"mask_fraction": 1.1},
        {"thickness": -2},
    ],
)
def test_settings_validate(kwargs):
    with pytest.raises(ValueError):
        CorruptionSettings(**kwargs)


def test_settings_are_frozen_and_hashable():
    settings = CorruptionSettings(kind="gaussian")
    with pytest.raises(AttributeError):
        settings.sigma = 0.1  # type: ignore[misc]
    assert hash(settings) == hash(CorruptionSettings(kind="gaussian"))


# ---------------------------------------------------------------------------------------------
# Training-time corruption
# ---------------------------------------------------------------------------------------------


def test_training_clean_returns_the_batch(batch):
    assert training_corruption(batch, "clean", np.random.default_rng(0), 0.5) is batch


def test_training_gaussian_draws_a_sigma_per_image():
    grey = np.full((128, 28, 28), 0.5, np.float32)
    out = training_corruption(grey, "gaussian", np.random.default_rng(0), 0.4)
    assert_images(out, grey)
    spread = (out - grey).std(axis=(1, 2))
    assert spread.max() < 0.42 and spread.min() < 0.1 and spread.max() > 0.3


def test_training_crosshair_positions_and_thickness():
    zeros = np.zeros((128, 28, 28), np.float32)
    out = training_corruption(zeros, "crosshair", np.random.default_rng(0), 0.0)
    assert_images(out, zeros)
    widths = set()
    for o in out:
        rows, cols = line_rows(o, 1.0), line_cols(o, 1.0)
        widths.add(len(rows))
        assert 1 <= len(rows) <= 3 and 1 <= len(cols) <= 3
        assert min(rows) >= 3 and max(rows) <= 24 and min(cols) >= 3 and max(cols) <= 24
    assert widths == {1, 2, 3}


def test_training_is_reproducible_from_the_generator(batch):
    a = training_corruption(batch, "both", np.random.default_rng(9), 0.5)
    b = training_corruption(batch, "both", np.random.default_rng(9), 0.5)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shape", [(4, 28, 28, 1), (4, 784)])
def test_training_keeps_keras_shapes(shape):
    x = np.random.default_rng(0).random(shape, dtype=np.float32)
    out = training_corruption(x, "crosshair", np.random.default_rng(0), 0.5)
    assert_images(out, x)


def test_training_rejects_unknown_kind(batch):
    with pytest.raises(ValueError):
        training_corruption(batch, "sparkle", np.random.default_rng(0), 0.5)
