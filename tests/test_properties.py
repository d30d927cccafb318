"""Property-based checks: whatever array arrives, preprocessing and corruption fail only cleanly."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ae_models.corruption import (
    CorruptionSettings,
    apply_corruption,
    crosshair,
    gaussian_noise,
    random_mask,
    training_corruption,
)
from ae_models.preprocess import InputError, Preprocessed, preprocess_array

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DTYPES = [np.uint8, np.uint16, np.int32, np.float32, np.float64, np.bool_]


@st.composite
def any_array(draw: st.DrawFn) -> np.ndarray:
    """1-D to 4-D, small sides (0 included), any listed dtype, any values incl. NaN and inf."""
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=9))
    if draw(st.booleans()) and len(shape) == 3:  # make image-like channel counts common
        shape = shape[:2] + (draw(st.sampled_from([1, 2, 3, 4])),)
    elements = None
    if dtype.kind == "f":
        elements = st.floats(allow_nan=True, allow_infinity=True, width=dtype.itemsize * 8)
    return draw(hnp.arrays(dtype, shape, elements=elements))


@st.composite
def drawing(draw: st.DrawFn) -> np.ndarray:
    """A canvas-like picture: a few filled rectangles of ink on a flat background."""
    height = draw(st.integers(8, 60))
    width = draw(st.integers(8, 60))
    background = draw(st.sampled_from([0, 255]))
    canvas = np.full((height, width), background, np.uint8)
    for _ in range(draw(st.integers(1, 3))):
        r0 = draw(st.integers(0, height - 1))
        c0 = draw(st.integers(0, width - 1))
        height_, width_ = draw(st.integers(1, 12)), draw(st.integers(1, 12))
        canvas[r0 : r0 + height_, c0 : c0 + width_] = 255 - background
    return canvas


def check_result(result: Preprocessed) -> None:
    assert isinstance(result, Preprocessed)
    if result.empty:
        assert result.message
        return
    image = result.image
    assert image.shape == (28, 28) and image.dtype == np.float32
    assert np.isfinite(image).all()
    assert image.min() >= 0.0 and image.max() == np.float32(1.0)


@FAST
@given(arr=any_array(), center=st.booleans())
def test_preprocess_array_never_fails_uncleanly(arr, center):
    try:
        result = preprocess_array(arr, center=center)
    except InputError as error:
        assert str(error)
        return
    check_result(result)


@FAST
@given(arr=drawing())
def test_drawings_are_mass_centred(arr):
    result = preprocess_array(arr)
    check_result(result)
    if result.empty:
        return
    image = result.image
    total = image.sum()
    cy = image.sum(axis=1) @ np.arange(28) / total
    cx = image.sum(axis=0) @ np.arange(28) / total
    # Within a pixel unless the clamp (nothing cut off) had to move the digit.
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    if 0 < rows[0] and rows[-1] < 27:
        assert abs(cy - 14) <= 1.0
    if 0 < cols[0] and cols[-1] < 27:
        assert abs(cx - 14) <= 1.0
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 <= 20


unit_images = st.one_of(
    hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=12),
               elements=st.floats(0, 1, width=32)),
    hnp.arrays(np.float32, hnp.array_shapes(min_dims=3, max_dims=3, min_side=1, max_side=12),
               elements=st.floats(0, 1, width=32)),
)


def check_corrupted(out: np.ndarray, x: np.ndarray) -> None:
    assert out.shape == x.shape and out.dtype == np.float32
    assert np.isfinite(out).all() and out.min(initial=0) >= 0 and out.max(initial=1) <= 1


@FAST
@given(
    x=unit_images,
    kind=st.sampled_from(["none", "gaussian", "crosshair", "both", "mask"]),
    sigma=st.floats(0, 1),
    thickness=st.integers(0, 5),
    intensity=st.floats(0, 1),
    random_position=st.booleans(),
    fraction=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_corruptions_keep_range_and_are_deterministic(
    x, kind, sigma, thickness, intensity, random_position, fraction, seed
):
    settings_ = CorruptionSettings(
        kind=kind, sigma=sigma, thickness=thickness, intensity=intensity,
        random_position=random_position, mask_fraction=fraction, seed=seed,
    )
    before = x.copy()
    out = apply_corruption(x, settings_)
    check_corrupted(out, x)
    np.testing.assert_array_equal(out, apply_corruption(x, settings_))
    np.testing.assert_array_equal(x, before)  # pure: the input is untouched


@FAST
@given(arr=any_array(), sigma=st.floats(0, 1), seed=st.integers(0, 1000))
def test_corruptions_on_any_array_fail_only_with_value_error(arr, sigma, seed):
    for corrupt in (
        lambda a: gaussian_noise(a, sigma, seed=seed),
        lambda a: crosshair(a, random_position=True, seed=seed),
        lambda a: random_mask(a, sigma, seed=seed),
    ):
        try:
            out = corrupt(arr)
        except ValueError:
            continue
        check_corrupted(out, arr)


@FAST
@given(
    x=hnp.arrays(np.float32, st.tuples(st.integers(1, 6), st.integers(1, 30), st.integers(1, 30)),
                 elements=st.floats(0, 1, width=32)),
    kind=st.sampled_from(["clean", "gaussian", "crosshair", "both"]),
    max_sigma=st.floats(0, 1),
    seed=st.integers(0, 1000),
)
def test_training_corruption_keeps_range(x, kind, max_sigma, seed):
    out = training_corruption(x, kind, np.random.default_rng(seed), max_sigma)
    check_corrupted(out, x)
