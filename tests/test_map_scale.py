"""The 2-D map's axis scale: straight for well-spread codes, asinh-compressed for heavy tails."""

from __future__ import annotations

import numpy as np
import pytest

from ae_models import latent_maps
from ae_models.map_scale import MapScale, map_scale


def heavy_tailed(n: int = 4000) -> np.ndarray:
    """Most codes near the origin, a long arm along z2 (like ae_2d's 1s)."""
    rng = np.random.default_rng(0)
    core = rng.normal(0, 2, size=(n, 2))
    core[: n // 10, 1] = rng.uniform(20, 80, size=n // 10)
    return core


def test_gaussian_codes_stay_linear_and_a_long_arm_is_compressed() -> None:
    assert map_scale(np.random.default_rng(1).normal(size=(10_000, 2))).linear
    scale = map_scale(heavy_tailed())
    assert scale.widths[0] is None and scale.widths[1] is not None


def test_drawing_and_reading_back_are_inverse_and_keep_the_order() -> None:
    scale = MapScale((3.0, None))
    points = np.array([[-50.0, 4.0], [0.0, -2.0], [0.5, 1.0], [80.0, 9.0]])
    shown = scale.to_display(points)
    np.testing.assert_allclose(scale.from_display(shown), points)
    assert np.all(np.diff(shown[:, 0]) > 0) and np.array_equal(shown[:, 1], points[:, 1])
    assert shown[-1, 0] < 20  # far values pulled in
    assert shown[2, 0] == pytest.approx(0.5, abs=0.01)  # near the centre: about linear


def test_ticks_sit_where_their_values_are_drawn_and_say_the_values() -> None:
    scale = MapScale((None, 5.0))
    assert scale.ticks(0, -1, 1) is None
    places, labels = scale.ticks(1, -30.0, 80.0)
    values = [float(t) for t in labels]
    assert 0.0 in values and min(values) >= -30 and max(values) <= 80
    np.testing.assert_allclose(places, scale.to_display(np.c_[values, values])[:, 1])
    assert np.all(np.diff(places) > 0.04 * (places[-1] - places[0]))


def test_a_compressed_grid_is_even_on_the_drawn_map() -> None:
    scale = MapScale((4.0, 4.0))
    asked = []

    def decode(codes: np.ndarray) -> np.ndarray:
        asked.append(codes)
        return np.zeros((len(codes), 28, 28), np.float32)

    latents = {"codes": np.zeros((1, 2), np.float32)}
    latent_maps.decoded_grid(decode, latents, (-40.0, 40.0, -40.0, 40.0), 5, scale)
    drawn = scale.to_display(asked[0]).reshape(5, 5, 2)
    steps = np.diff(drawn[0, :, 0])
    np.testing.assert_allclose(steps, steps[0])  # even steps where they are drawn
    assert not np.allclose(np.diff(asked[0].reshape(5, 5, 2)[0, :, 0]), steps[0])
