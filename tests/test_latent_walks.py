"""ae_models.latent_walks: the codes behind the VAE explorer's grids, traversals and samples."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pytest

from ae_models import latent_walks as lw


def test_gaussian_quantiles_are_symmetric_and_evenly_spaced_in_probability() -> None:
    q = lw.gaussian_quantiles(5, 0.05, 0.95)
    assert q.dtype == np.float32 and q.shape == (5,)
    np.testing.assert_allclose(q, -q[::-1], atol=1e-6)
    assert q[2] == pytest.approx(0.0, abs=1e-6)
    assert q[-1] == pytest.approx(1.6449, abs=1e-3)  # the 95 % quantile of N(0, 1)
    p = [NormalDist().cdf(float(v)) for v in q]
    np.testing.assert_allclose(np.diff(p), 0.225, atol=1e-5)


@pytest.mark.parametrize("low, high", [(0.0, 0.9), (0.1, 1.0), (0.6, 0.4), (0.5, 0.5)])
def test_gaussian_quantiles_reject_bad_ranges(low: float, high: float) -> None:
    with pytest.raises(ValueError):
        lw.gaussian_quantiles(5, low, high)


def test_manifold_grid_reads_like_a_plot() -> None:
    n = 4
    codes = lw.manifold_grid_codes(n)
    assert codes.shape == (n * n, 2) and codes.dtype == np.float32
    grid = codes.reshape(n, n, 2)
    q = lw.gaussian_quantiles(n)
    # z1 grows left to right along every row; z2 is highest in the top row and falls downwards.
    np.testing.assert_allclose(grid[:, :, 0], np.tile(q, (n, 1)))
    np.testing.assert_allclose(grid[:, :, 1], np.tile(q[::-1, None], (1, n)))
    assert grid[0, 0, 1] > grid[-1, 0, 1]


def test_grid_cell_finds_the_tile_a_code_decodes_to() -> None:
    n = 7
    codes = lw.manifold_grid_codes(n).reshape(n, n, 2)
    for row, col in [(0, 0), (3, 5), (6, 2), (6, 6)]:
        assert lw.grid_cell(codes[row, col], n) == (row, col, True)
    # Far beyond the outer tiles (more than half a step past 5 % / 95 %): clamped to the edge and
    # flagged as outside.
    n = 15
    assert lw.grid_cell([-4.0, 4.0], n) == (0, 0, False)
    assert lw.grid_cell([0.0, -4.0], n) == (n - 1, 7, False)
    assert lw.grid_cell([0.0, 0.0], n) == (7, 7, True)


def test_kl_per_dimension_is_zero_for_the_prior_and_averages_a_batch() -> None:
    mean = np.array([[0.0, 1.0, 2.0], [0.0, -1.0, 2.0]], dtype=np.float32)
    log_var = np.array([[0.0, 0.0, np.log(0.25)], [0.0, 0.0, np.log(0.25)]], dtype=np.float32)
    kl = lw.kl_per_dimension(mean, log_var)
    assert kl.shape == (3,)
    # KL(N(mu, s^2) || N(0, 1)) = (s^2 + mu^2 - 1 - log s^2) / 2
    expected = [0.0, 0.5, 0.5 * (0.25 + 4.0 - 1.0 - np.log(0.25))]
    np.testing.assert_allclose(kl, expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(lw.kl_per_dimension(mean[0], log_var[0]), expected, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError):
        lw.kl_per_dimension(mean, log_var[:, :2])


def test_dims_by_kl_puts_the_most_used_first() -> None:
    assert lw.dims_by_kl(np.array([0.1, 2.3, 0.0, 2.3, 5.0])).tolist() == [4, 1, 3, 0, 2]


def test_kl_from_metrics_reads_the_evaluation_when_present() -> None:
    metrics = {"models": {"vae": {"vae": {"kl_per_dim_nats": [1.5, 0.01, 3.0]}}}}
    np.testing.assert_allclose(lw.kl_from_metrics(metrics, "vae"), [1.5, 0.01, 3.0])
    assert lw.kl_from_metrics({"models": {"other": {"kl_per_dim": [1.0]}}}, "other").tolist() == [1.0]
    assert lw.kl_from_metrics({}, "vae") is None
    assert lw.kl_from_metrics({"models": {"vae": {"status": "missing"}}}, "vae") is None
    assert lw.kl_from_metrics({"models": {"vae": {"kl_per_dim": ["x", None]}}}, "vae") is None


def test_traversal_moves_one_dimension_per_row() -> None:
    start = np.array([0.5, -1.0, 2.0, 0.0], dtype=np.float32)
    codes = lw.traversal_codes(start, dims=[2, 0], n_steps=7, span=3.0)
    assert codes.shape == (2, 7, 4) and codes.dtype == np.float32
    offsets = np.linspace(-3, 3, 7)
    np.testing.assert_allclose(codes[0, :, 2], 2.0 + offsets, rtol=1e-6)
    np.testing.assert_allclose(codes[1, :, 0], 0.5 + offsets, rtol=1e-6)
    # Every other dimension keeps its starting value, and the middle column is the start itself.
    np.testing.assert_array_equal(codes[0][:, [0, 1, 3]], np.tile(start[[0, 1, 3]], (7, 1)))
    np.testing.assert_array_equal(codes[:, 3], np.tile(start, (2, 1)))
    absolute = lw.traversal_codes(start, dims=[2], n_steps=7, relative=False)
    np.testing.assert_allclose(absolute[0, :, 2], offsets, rtol=1e-6)
    with pytest.raises(ValueError):
        lw.traversal_codes(start, dims=[4], n_steps=7)
    with pytest.raises(ValueError):
        lw.traversal_codes(start, dims=[0], n_steps=1)


def test_linear_interpolation_hits_both_ends_and_the_middle() -> None:
    a, b = np.zeros(3), np.array([2.0, 4.0, -6.0])
    path = lw.interpolate_codes(a, b, 5)
    assert path.shape == (5, 3) and path.dtype == np.float32
    np.testing.assert_allclose(path[0], a)
    np.testing.assert_allclose(path[-1], b)
    np.testing.assert_allclose(path[2], [1.0, 2.0, -3.0])


def test_spherical_interpolation_keeps_the_radius() -> None:
    a, b = np.array([3.0, 0.0]), np.array([0.0, 3.0])
    path = lw.interpolate_codes(a, b, 9, spherical=True)
    np.testing.assert_allclose(path[0], a, atol=1e-6)
    np.testing.assert_allclose(path[-1], b, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), 3.0, rtol=1e-5)
    # Parallel codes (no angle between them) fall back to the straight line.
    same = lw.interpolate_codes(a, 2 * a, 3, spherical=True)
    np.testing.assert_allclose(same[1], 1.5 * a)


def test_pixel_blend_cross_fades() -> None:
    x0, x1 = np.zeros((28, 28), np.float32), np.ones((28, 28), np.float32)
    blend = lw.pixel_blend(x0, x1, 5)
    assert blend.shape == (5, 28, 28) and blend.dtype == np.float32
    np.testing.assert_allclose(blend[:, 0, 0], [0.0, 0.25, 0.5, 0.75, 1.0])
    with pytest.raises(ValueError):
        lw.pixel_blend(x0, x1[:10], 5)


def test_prior_samples_are_seeded_standard_normal() -> None:
    a = lw.prior_samples(4000, 3, seed=1)
    assert a.shape == (4000, 3) and a.dtype == np.float32
    np.testing.assert_array_equal(a, lw.prior_samples(4000, 3, seed=1))
    assert not np.array_equal(a, lw.prior_samples(4000, 3, seed=2))
    assert abs(a.mean()) < 0.05 and abs(a.std() - 1.0) < 0.05


def test_tile_size_fills_the_target_width_but_never_shrinks_digits() -> None:
    assert lw.tile_size(15, 660) == 44
    assert lw.tile_size(5, 660) == 132
    assert lw.tile_size(25, 660) == 28


def test_nearest_resize_repeats_pixels_without_blending() -> None:
    image = np.array([[0, 255], [100, 50]], dtype=np.uint8)
    big = lw.nearest_resize(image, 5, 3)
    assert big.shape == (5, 3) and big.dtype == np.uint8
    assert set(np.unique(big)) <= {0, 50, 100, 255}
    assert big[0, 0] == 0 and big[-1, -1] == 50
    # An n x n grid of 28-px tiles scaled to n * tile px maps every tile onto its own cell.
    grid = np.kron(np.arange(9, dtype=np.uint8).reshape(3, 3), np.ones((28, 28), np.uint8))
    fitted = lw.nearest_resize(grid, 3 * 44, 3 * 44)
    assert (fitted.reshape(3, 44, 3, 44) == np.arange(9).reshape(3, 1, 3, 1)).all()


def test_mark_cell_frames_one_tile_in_colour() -> None:
    gray = np.zeros((30, 30), np.uint8)
    marked = lw.mark_cell(gray, row=1, col=2, cell=10, color=(255, 0, 0), thickness=2)
    assert marked.shape == (30, 30, 3)
    assert (marked[10, 20] == [255, 0, 0]).all() and (marked[19, 29] == [255, 0, 0]).all()
    assert (marked[15, 25] == 0).all()  # the inside of the tile is untouched
    assert (marked[:10] == 0).all() and (marked[:, :20] == 0).all()
    assert (gray == 0).all()  # the input is not modified
