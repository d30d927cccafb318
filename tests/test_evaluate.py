"""Unit tests of the classical baselines, the targets table and the evaluation's helpers: fast,
no weights needed."""

from __future__ import annotations

import numpy as np
import pytest

from ae_models import baselines as classical
from ae_models.arrays import batched, significant, to_float
from ae_models.measures import KNN_K, level_names
from ae_models.targets import TARGETS, check_targets, count_met


def _random_images(n: int = 50, seed: int = 0, side: int = 28) -> np.ndarray:
    return np.random.default_rng(seed).random((n, side, side)).astype(np.float32)


# --- PCA --------------------------------------------------------------------------------------


def test_pca_full_rank_reconstructs_exactly() -> None:
    x = _random_images(1000)  # 1000 > 784 points: the centred data have full rank 784
    mean, components = classical.fit_pca(x.reshape(len(x), -1), k=784)
    out = classical.pca_reconstruct(x[:20], mean, components)
    assert out.shape == (20, 28, 28)
    np.testing.assert_allclose(out, x[:20], atol=1e-5)
    mean_all, axes = classical.pca_basis(x)  # the sliced full basis used by the evaluation, too
    np.testing.assert_allclose(classical.pca_reconstruct(x[:20], mean_all, axes), x[:20], atol=1e-5)


def test_pca_components_are_orthonormal_and_ordered() -> None:
    x = _random_images(300, side=12)
    mean, components = classical.fit_pca(x, k=10)
    np.testing.assert_allclose(components @ components.T, np.eye(10), atol=1e-8)
    _, axes = classical.pca_basis(x)
    np.testing.assert_allclose(np.abs(np.sum(axes[:10] * components, axis=1)), 1.0, atol=1e-6)
    centred = x.reshape(len(x), -1) - mean
    variances = ((centred @ components.T) ** 2).mean(axis=0)
    assert np.all(np.diff(variances) <= 1e-12)


def test_pca_recovers_a_low_rank_signal_and_error_falls_with_k() -> None:
    rng = np.random.default_rng(1)
    basis = rng.standard_normal((3, 144))
    x = 0.5 + 0.01 * rng.standard_normal((400, 3)) @ basis  # rank 3 around a constant image
    mean, components = classical.fit_pca(x, k=3)
    np.testing.assert_allclose(classical.pca_reconstruct(x, mean, components, clip=False), x, atol=1e-6)
    errors = [np.mean((classical.pca_reconstruct(x, *classical.fit_pca(x, k)) - x) ** 2) for k in (1, 2, 3)]
    assert errors[0] > errors[1] > errors[2]


def test_pca_reconstruct_keeps_rank_and_clips() -> None:
    x = _random_images(100, side=12)
    mean, components = classical.fit_pca(x, k=5)
    single = classical.pca_reconstruct(x[0], mean, components)
    assert single.shape == (12, 12)
    np.testing.assert_allclose(single, classical.pca_reconstruct(x[:1], mean, components)[0])
    flat = classical.pca_reconstruct(x.reshape(100, -1) * 4, mean, components)
    assert flat.shape == (100, 144) and flat.min() >= 0.0 and flat.max() <= 1.0


def test_fit_pca_rejects_bad_k() -> None:
    with pytest.raises(ValueError):
        classical.fit_pca(_random_images(20, side=8), k=0)
    with pytest.raises(ValueError):
        classical.fit_pca(_random_images(20, side=8), k=65)


# --- Filters ------------------------------------------------------------------------------------


def test_median_filter_removes_isolated_salt_pixels() -> None:
    x = np.zeros((3, 28, 28), np.float32)
    x[0, 5, 5] = x[0, 20, 11] = 1.0
    x[1, 0, 0] = 1.0  # in a corner, too
    x[2, 10:18, 10:18] = 0.8  # a solid block survives
    out = classical.median_filter_3x3(x)
    assert out.shape == x.shape
    assert np.all(out[:2] == 0.0)
    np.testing.assert_allclose(out[2, 11:17, 11:17], 0.8, rtol=1e-6)


def test_filters_work_per_image_not_across_the_batch() -> None:
    x = np.zeros((3, 28, 28), np.float32)
    x[1] = 1.0  # a white image between two black ones
    for out in (classical.median_filter_3x3(x), classical.gaussian_blur(x, sigma=1.0)):
        np.testing.assert_allclose(out[1], 1.0, atol=1e-6)
        np.testing.assert_allclose(out[[0, 2]], 0.0, atol=1e-6)


def test_gaussian_blur_spreads_a_dot_and_keeps_its_mass() -> None:
    x = np.zeros((28, 28), np.float32)
    x[14, 14] = 1.0
    out = classical.gaussian_blur(x, sigma=1.0)
    assert out.shape == (28, 28)
    assert 0.1 < out[14, 14] < 0.2  # 1 / (2 pi) ~ 0.16 for sigma 1
    assert out[14, 15] > 0.05
    assert out.sum() == pytest.approx(1.0, abs=1e-4)


def test_filters_accept_uint8() -> None:
    x = np.full((2, 28, 28), 255, np.uint8)
    np.testing.assert_allclose(classical.median_filter_3x3(x), 1.0)
    np.testing.assert_allclose(classical.gaussian_blur(x), 1.0, atol=1e-6)


# --- k-NN label agreement -----------------------------------------------------------------------


def _clusters(dim: int, n_per: int = 100, classes: int = 10, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((classes, dim)) * 100.0
    labels = np.repeat(np.arange(classes), n_per)
    codes = centres[labels] + rng.standard_normal((len(labels), dim))
    return codes, labels


@pytest.mark.parametrize("dim", [2, 3, 32])  # k-d tree and chunked brute force
def test_knn_agreement_is_one_for_separated_clusters(dim: int) -> None:
    codes, labels = _clusters(dim)
    assert classical.knn_label_agreement(codes, labels, k=10) == 1.0


@pytest.mark.parametrize("dim", [2, 64])
def test_knn_agreement_is_chance_for_random_labels(dim: int) -> None:
    rng = np.random.default_rng(3)
    codes = rng.standard_normal((2000, dim))
    labels = rng.integers(0, 10, size=2000)
    assert classical.knn_label_agreement(codes, labels, k=10) == pytest.approx(0.1, abs=0.02)


def test_knn_excludes_the_point_itself() -> None:
    # Two far-apart pairs: each point's only neighbour (k=1) is its partner, never itself.
    codes = np.array([[0.0, 0.0], [0.0, 1.0], [100.0, 0.0], [100.0, 1.0]])
    assert classical.knn_label_agreement(codes, np.array([0, 1, 2, 3]), k=1) == 0.0
    assert classical.knn_label_agreement(codes, np.array([0, 0, 1, 1]), k=1) == 1.0


def test_knn_tree_and_brute_force_agree() -> None:
    rng = np.random.default_rng(5)
    codes = rng.standard_normal((600, 3))
    labels = (codes[:, 0] > 0).astype(int) + 2 * (codes[:, 1] > 0)
    tree = classical.knn_label_agreement(codes, labels, k=10)
    padded = np.hstack([codes, np.zeros((600, classical.KDTREE_MAX_DIM))])  # same distances, brute force
    assert classical.knn_label_agreement(padded, labels, k=10) == pytest.approx(tree)


def test_knn_handles_duplicate_points() -> None:
    codes = np.zeros((20, 2))
    labels = np.array([0] * 10 + [1] * 10)
    value = classical.knn_label_agreement(codes, labels, k=5)
    assert 0.0 <= value <= 1.0


def test_knn_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError):
        classical.knn_label_agreement(np.zeros((5, 2)), np.zeros(4), k=2)


# --- Targets (no model needed) ------------------------------------------------------------------


MNIST_BASELINES = {
    "pca_test_mse": {"2": 0.055, "3": 0.051, "32": 0.015},
    "denoising_psnr": {f"gaussian_{s}": {"input": 9.0, "best": "pca_32", "best_psnr": 14.0}
                       for s in (0.25, 0.5, 0.75)},
}


def test_targets_report_missing_models_as_failed_with_a_reason() -> None:
    baselines = MNIST_BASELINES
    models = {"ae_2d": {"status": "ok", "test_mse": 0.04, "knn_agreement": 0.8},
              "dense": {"status": "missing", "message": "weight file missing"}}
    targets = {t["id"]: t for t in check_targets(models, baselines)}
    assert targets["ae_2d_mse_vs_pca2"]["passed"]  # 0.04 <= 0.8 x 0.055
    assert targets["ae_2d_knn"]["passed"]
    assert not targets["dense_mse_vs_pca32"]["passed"]
    assert "missing" in targets["dense_mse_vs_pca32"]["detail"]
    assert not targets["conv_denoise_sigma_0.5"]["passed"]


def test_fashion_targets_apply_to_the_fashion_models_that_exist() -> None:
    baselines = {
        "pca_test_mse": {"2": 0.030, "3": 0.027, "32": 0.010},
        "denoising_psnr": {f"gaussian_{s}": {"input": 9.0, "best": "median_3x3", "best_psnr": 14.0}
                           for s in (0.25, 0.5, 0.75)},
    }
    models = {"fashion_ae_3d": {"status": "ok", "test_mse": 0.020},
              "fashion_vae_2d": {"status": "ok", "test_mse": 0.025, "knn_agreement": 0.7},
              "fashion_conv_denoise": {"status": "ok", "denoising_psnr": {
                  "gaussian_0.25": 20.0, "gaussian_0.5": 18.5, "gaussian_0.75": 16.0}}}
    targets = {t["id"]: t for t in check_targets(models, baselines, "fashion_mnist")}
    assert set(targets) == {"fashion_ae_3d_mse_vs_pca3", "fashion_vae_2d_mse_vs_pca2",
                            "fashion_conv_denoise_sigma_0.25", "fashion_conv_denoise_sigma_0.5",
                            "fashion_conv_denoise_sigma_0.5_plus5",
                            "fashion_conv_denoise_sigma_0.75", "fashion_vae_2d_knn"}
    assert targets["fashion_ae_3d_mse_vs_pca3"]["passed"]  # 0.020 <= 0.8 x 0.027
    assert targets["fashion_vae_2d_mse_vs_pca2"]["passed"]
    # MNIST's +5 dB margin is an aim on clothes; beating the classical filters is the target
    assert targets["fashion_conv_denoise_sigma_0.5"]["passed"]  # 18.5 > 14
    plus5 = targets["fashion_conv_denoise_sigma_0.5_plus5"]
    assert plus5["kind"] == "aim" and not plus5["passed"]  # 18.5 < 14 + 5
    assert targets["fashion_conv_denoise_sigma_0.75"]["passed"]
    assert targets["fashion_vae_2d_knn"]["kind"] == "aim" and not targets["fashion_vae_2d_knn"]["passed"]


def test_a_relative_bound_follows_its_reference_and_names_a_missing_twin() -> None:
    baselines = MNIST_BASELINES
    sparse = {"status": "ok", "test_mse": 0.006, "sparsity": {"mean_activation": 0.05}}
    twin = {"status": "ok", "test_mse": 0.005, "sparsity": {"mean_activation": 0.1}}
    targets = {t["id"]: t for t in check_targets({"sparse": sparse, "sparse_twin": twin}, baselines)}
    activation = targets["sparse_activation"]
    assert activation["threshold"] == pytest.approx(0.06) and activation["passed"]  # 0.6 x 0.1
    assert activation["detail"] == "0.500 x twin"
    assert targets["sparse_mse"]["threshold"] == pytest.approx(0.0075)  # 1.5 x 0.005
    alone = {t["id"]: t for t in check_targets({"sparse": sparse}, baselines)}
    assert not alone["sparse_mse"]["passed"] and alone["sparse_mse"]["threshold"] is None
    assert alone["sparse_mse"]["detail"] == "not evaluated: sparse_twin missing or not measured"


def test_the_targets_table_speaks_of_what_is_measured() -> None:
    levels = set(level_names())
    for target in TARGETS:
        if target.measure[0] in ("denoising_psnr", "gain_over_input_db"):
            assert target.measure[1] in levels, target.id
        if target.reference is not None and target.reference.kind == "classical":
            assert target.reference.name in levels, target.id
        if target.measure == ("knn_agreement",):
            assert f"{KNN_K}-NN" in target.description
    assert len({(t.id, t.role, t.datasets) for t in TARGETS}) == len(TARGETS)


def test_count_met_counts_targets_and_aims_apart() -> None:
    verdicts = [{"passed": True}, {"passed": False, "kind": "target"}, {"kind": "target"},
                {"passed": True, "kind": "aim"}, {"passed": False, "kind": "aim"}]
    assert count_met(verdicts) == (1, 3, 1, 2)
    assert count_met([]) == (0, 0, 0, 0)


# --- Shared helpers -----------------------------------------------------------------------------


def test_to_float_scales_uint8_and_only_casts_floats() -> None:
    raw = np.array([[0, 51, 255]], np.uint8)
    np.testing.assert_allclose(to_float(raw), [[0.0, 0.2, 1.0]])
    assert to_float(raw).dtype == np.float32 and to_float(raw, np.float64).dtype == np.float64
    floats = np.array([[0.5, 2.0]], np.float64)
    np.testing.assert_array_equal(to_float(floats), floats.astype(np.float32))


def test_batched_calls_in_slices_and_keeps_order() -> None:
    sizes = []

    def double(x: np.ndarray) -> np.ndarray:
        sizes.append(len(x))
        return 2 * x

    np.testing.assert_array_equal(batched(double, np.arange(7), batch_size=3), 2 * np.arange(7))
    assert sizes == [3, 3, 1]


def test_significant_rounds_to_significant_digits() -> None:
    assert significant(0.0123456789) == 0.0123457
    assert significant(123456.7, 4) == 123500.0
