"""ae_models.latent_maps (pure maths of the latent pages) and the pure helpers of ui.latent."""

from __future__ import annotations

import numpy as np
import pytest

from ae_models import latent_maps


def _fake_latents(code_size: int, n: int = 200, seed: int = 0) -> dict[str, np.ndarray]:
    """latents.npz as train.write_latents writes it: codes, labels, a 3-D PCA and its projection."""
    rng = np.random.default_rng(seed)
    codes = rng.normal(size=(n, code_size)) * np.linspace(3, 0.5, code_size)
    mean = codes.mean(axis=0)
    _, _, vt = np.linalg.svd(codes - mean, full_matrices=False)
    components = np.zeros((3, code_size), np.float32)
    components[:min(3, len(vt))] = vt[:3]
    return {"codes": codes.astype(np.float16), "labels": (np.arange(n) % 10).astype(np.uint8),
            "pca_mean": mean.astype(np.float32), "pca_components": components,
            "projected": ((codes - mean) @ components.T).astype(np.float16)}


def test_plot_points_are_the_code_or_its_pca() -> None:
    small, wide = _fake_latents(2), _fake_latents(16)
    assert np.array_equal(latent_maps.plot_points(small, 2), small["codes"].astype(np.float64))
    assert np.array_equal(latent_maps.plot_points(wide, 2), wide["projected"][:, :2].astype(float))
    assert latent_maps.plot_points(wide, 3).shape == (200, 3)
    assert not latent_maps.needs_pca(2, 2) and latent_maps.needs_pca(16, 2)
    with pytest.raises(ValueError):
        latent_maps.plot_points(small, 3)


def test_project_matches_the_stored_projection() -> None:
    data = _fake_latents(16)
    mine = latent_maps.project(data["codes"].astype(np.float64), data["pca_mean"],
                               data["pca_components"], dims=3)
    assert np.allclose(mine, data["projected"], atol=0.02)  # stored as float16
    one = latent_maps.to_plot(data["codes"][0], data, 2)
    assert one.shape == (2,) and np.allclose(one, mine[0, :2])


def test_unproject_inverts_project_on_the_pca_plane() -> None:
    data = _fake_latents(16)
    point = np.array([1.0, -0.5])
    code = latent_maps.to_code(point, data)
    assert code.shape == (16,) and code.dtype == np.float32
    expected = data["pca_mean"] + point @ data["pca_components"][:2]
    assert np.allclose(code, expected, atol=1e-6)
    back = latent_maps.project(code, data["pca_mean"], data["pca_components"], dims=2)
    assert np.allclose(back, point, atol=1e-5)  # components are orthonormal
    batch = latent_maps.unproject(np.zeros((5, 2)), data["pca_mean"], data["pca_components"])
    assert np.allclose(batch, data["pca_mean"])


def test_exact_codes_pass_through_unchanged() -> None:
    data = _fake_latents(2)
    assert np.array_equal(latent_maps.to_code(np.array([1.0, -0.5]), data), [1.0, -0.5])
    assert np.array_equal(latent_maps.to_plot(np.array([1.0, -0.5]), data, 2), [1.0, -0.5])


def test_subsample_is_seeded_sorted_and_bounded() -> None:
    labels = np.arange(10_000) % 10
    rows = latent_maps.subsample(labels, 4000)
    assert len(rows) == 4000 and len(np.unique(rows)) == 4000 and (np.diff(rows) > 0).all()
    assert np.array_equal(rows, latent_maps.subsample(labels, 4000))
    counts = np.bincount(labels[rows], minlength=10)
    assert counts.min() > 300  # every class keeps roughly its tenth
    assert np.array_equal(latent_maps.subsample(labels[:50], 4000), np.arange(50))


def test_axis_ranges_cover_every_point() -> None:
    points = np.random.default_rng(2).normal(size=(500, 3)) * [1, 10, 100]
    ranges = latent_maps.axis_ranges(points)
    assert ranges.shape == (3, 2)
    assert (ranges[:, 0] < points.min(axis=0)).all() and (ranges[:, 1] > points.max(axis=0)).all()
    assert latent_maps.nice_step(100.0) == 0.5
    assert latent_maps.nice_step(7.0) == 0.05
    assert latent_maps.nice_step(0.0) > 0


def test_grid_points_are_cell_centres_top_row_first() -> None:
    grid = latent_maps.grid_points((0.0, 4.0, -2.0, 2.0), 4)
    assert grid.shape == (4, 4, 2)
    assert np.allclose(grid[0, 0], [0.5, 1.5])  # top-left cell
    assert np.allclose(grid[3, 3], [3.5, -1.5])  # bottom-right cell
    with pytest.raises(ValueError):
        latent_maps.grid_points((0, 1, 0, 1), 0)


def test_decoded_grid_decodes_once_in_a_batch() -> None:
    data = _fake_latents(16)
    calls = []

    def decode(codes: np.ndarray) -> np.ndarray:
        calls.append(codes.shape)
        return np.full((len(codes), 28, 28), 0.5, np.float32) * codes[:, :1, None]

    images = latent_maps.decoded_grid(decode, data, (-1.0, 1.0, -1.0, 1.0), 5)
    assert images.shape == (5, 5, 28, 28)
    assert calls == [(25, 16)]


def test_explained_variance_is_a_share() -> None:
    data = _fake_latents(16, n=2000)
    two, three = latent_maps.explained_variance(data, 2), latent_maps.explained_variance(data, 3)
    assert 0 < two < three <= 1.0
    assert latent_maps.explained_variance(_fake_latents(2), 2) == pytest.approx(1.0, abs=0.01)
