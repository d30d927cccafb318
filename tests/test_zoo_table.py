"""ui.zoo: zoo table rows, architecture tables, targets and the home page's picture, from plain data."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from ae_models.registry import MODELS, REGISTRY
from ui import pipeline_picture, zoo_tables
from ui.images import code_grid_shape, code_image

CARD = {
    "parameters": {"encoder": 100, "decoder": 250},
    "architecture": {
        "encoder": [
            {"name": "image", "type": "InputLayer", "output_shape": "(N, 28, 28, 1)", "params": 0},
            {"name": "code", "type": "Dense", "output_shape": "(N, 32)", "params": 100},
        ],
        "decoder": [{"name": "out", "type": "Dense", "output_shape": "(N, 784)", "params": 250},
                    "not a layer"],
    },
    "training": {"epochs": 60, "epochs_run": 42, "best_epoch": 30, "wall_time_s": 95.5,
                 "loss": "mse", "batch_size": 128},
    "data": {"source": ".data/mnist", "train": 9000, "validation": 1000, "test": 10000},
    "test_metrics": {"test_mse": 0.02, "drawings_mse": 0.03},
    "trained_with": {"backend": "jax", "keras": "3.15.1", "machine": "x86_64 16 cores"},
    "notes": ["A departure."],
}


def fake_metrics() -> dict:
    """The shape ae_models.evaluate writes, for two models; one more listed as missing."""
    return {
        "baselines": {
            "pca_test_mse": {"32": 0.0153, "2": 0.0556, "256": 0.004},
            "denoising_psnr": {"gaussian_0.5": {"input": 9.4, "median_3x3": 14.2, "best": "median_3x3",
                                                "best_psnr": 14.2}},
            "names": {"median_3x3": "3x3 median filter"},
        },
        "models": {
            "dense": {"status": "ok", "test_mse": 0.0110, "pca_test_mse": 0.0153,
                      "mse_over_pca": 0.719, "test_psnr": 20.1, "test_ssim": 0.91,
                      "drawings_mse": 0.025,
                      "denoising_psnr": {"gaussian_0.5": 15.0, "crosshair": 12.0},
                      "gain_over_input_db": {"gaussian_0.5": 5.6},
                      "margin_over_best_classical_db": {"gaussian_0.5": 0.8}},
            "vae_2d": {"status": "ok", "test_mse": 0.04, "code_size": 2,
                       "vae": {"neg_elbo_nats": 150.2, "reconstruction_nats": 144.0,
                               "kl_nats": 6.2, "active_dims": 2}},
            "conv": {"status": "missing", "message": "gone"},
        },
        "targets": [
            {"id": "dense_mse", "description": "dense test MSE <= 0.75 x PCA-32", "value": 0.011,
             "op": "<=", "threshold": 0.0115, "passed": True, "detail": "0.719 x PCA-32"},
            {"id": "vae_neg_elbo", "description": "vae -ELBO <= 108 nats", "value": None,
             "op": "<=", "threshold": 108, "passed": False, "detail": "vae was not evaluated"},
        ],
    }


def test_table_has_one_row_per_registry_entry_including_twins():
    rows = zoo_tables.zoo_table_rows({}, {})
    assert [r["Key"] for r in rows] == [spec.key for spec in MODELS]
    assert "sparse_twin" in [r["Key"] for r in rows]
    columns = ("Model", "Key", "Recipe", "Family", "Code", "Code size", "Trained on", "Params",
               "Test MSE", "PCA MSE", "MSE / PCA", "PSNR (dB)", "SSIM", "-ELBO (nats)",
               "Drawings MSE", "Epochs", "Train time (s)", "Trained with")
    assert all(tuple(r) == columns for r in rows)


def test_table_prefers_metrics_and_falls_back_to_the_card():
    metrics = fake_metrics()
    rows = {r["Key"]: r for r in zoo_tables.zoo_table_rows(metrics, {"dense": CARD, "conv": CARD})}
    dense = rows["dense"]
    assert dense["Test MSE"] == pytest.approx(0.0110)  # metrics.json wins over the card's 0.02
    assert dense["PCA MSE"] == pytest.approx(0.0153)
    assert dense["MSE / PCA"] == pytest.approx(0.719)
    assert dense["PSNR (dB)"] == pytest.approx(20.1)
    assert dense["Drawings MSE"] == pytest.approx(0.025)
    assert dense["Params"] == 350
    assert dense["Epochs"] == 42 and dense["Train time (s)"] == pytest.approx(95.5)
    assert dense["Recipe"] == "R1" and dense["Code size"] == 32
    assert "jax" in dense["Trained with"] and "x86_64" in dense["Trained with"]
    # conv was not evaluated: the card's MSE, PCA from the baselines, the ratio computed.
    conv = rows["conv"]
    assert conv["Test MSE"] == pytest.approx(0.02)
    assert conv["PCA MSE"] == pytest.approx(0.004)
    assert conv["MSE / PCA"] == pytest.approx(0.02 / 0.004)
    assert conv["PSNR (dB)"] is None
    assert rows["vae_2d"]["-ELBO (nats)"] == pytest.approx(150.2)
    assert rows["dense"]["-ELBO (nats)"] is None


@pytest.mark.parametrize("metrics", [None, {}, {"models": None}, {"models": {"dense": "junk"}},
                                     {"models": {"dense": {"status": "ok", "test_mse": "n/a"}}},
                                     {"baselines": {"pca_test_mse": []}}])
def test_table_never_raises_on_broken_inputs(metrics):
    rows = zoo_tables.zoo_table_rows(metrics, {"dense": {"parameters": "x", "training": None,
                                                  "architecture": {"encoder": 3}}})
    dense = rows[0]
    assert dense["Test MSE"] is None and dense["Params"] is None and dense["Epochs"] is None


def test_architecture_rows_and_params():
    enc = zoo_tables.architecture_rows(CARD, "encoder")
    assert enc[1] == {"Layer": "code", "Type": "Dense", "Output shape": "(N, 32)", "Params": 100}
    assert len(zoo_tables.architecture_rows(CARD, "decoder")) == 1  # the junk entry is skipped
    assert zoo_tables.architecture_rows(None, "encoder") == []
    assert zoo_tables.part_params(CARD, "decoder") == 250
    no_counts = {"architecture": CARD["architecture"]}
    assert zoo_tables.total_params(no_counts) == 350  # summed from the layer tables


def test_split_history_drops_the_learning_rate():
    curves, rate = zoo_tables.split_history({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2],
                                      "learning_rate": [1e-3, 1e-3, 5e-4], "junk": "x"})
    assert set(curves) == {"loss", "val_loss"}
    assert rate == [1e-3, 1e-3, 5e-4]
    assert zoo_tables.split_history(None) == ({}, [])
    fig = zoo_tables.learning_rate_figure(rate)
    assert isinstance(fig, go.Figure) and fig.layout.yaxis.type == "log"


def test_targets_render_as_badges_with_numbers():
    found = zoo_tables.targets(fake_metrics())
    assert len(found) == 2
    passed, failed = (zoo_tables.target_markdown(t) for t in found)
    assert passed.startswith(":green-badge[") and "0.011" in passed and "<= 0.0115" in passed
    assert failed.startswith(":red-badge[") and "—" in failed
    assert zoo_tables.targets({}) == [] and zoo_tables.targets({"targets": "nope"}) == []


def test_denoising_rows_and_extra_measures():
    metrics = fake_metrics()
    rows = zoo_tables.denoising_rows(metrics, "dense")
    assert rows[0] == {"Corruption": "σ 0.5", "PSNR (dB)": 15.0, "Gain over input (dB)": 5.6,
                       "vs best classical (dB)": 0.8, "Best classical": "3x3 median filter"}
    assert rows[1]["Corruption"] == "crosshair" and rows[1]["Gain over input (dB)"] is None
    assert zoo_tables.denoising_rows(metrics, "conv") == []  # status "missing"
    extra = zoo_tables.extra_measures(metrics["models"]["vae_2d"])
    labels = dict(extra["Variational autoencoder (test set)"])
    assert labels["-ELBO"] == "150.2 nats" and labels["Dimensions in use"] == "2 of 2"
    sparse = zoo_tables.extra_measures({"sparsity": {"mean_activation": 0.28, "share_below_0.05": 0.5}})
    assert dict(sparse["Sparsity of the code"]) == {"Mean code activation": "0.280",
                                                    "Code values < 0.05": "50%"}


def test_pca_comparison_figure():
    rows = zoo_tables.zoo_table_rows(fake_metrics(), {"conv": CARD})
    fig = zoo_tables.pca_comparison_figure(rows)
    ratios = [r for r in rows if r["MSE / PCA"] is not None]
    assert list(fig.data[0].y) == [r["Model"] for r in ratios]
    assert any(shape.x0 == 1.0 for shape in fig.layout.shapes)  # PCA's line at 1
    assert zoo_tables.pca_comparison_figure(zoo_tables.zoo_table_rows({}, {})) is None


@pytest.mark.parametrize("n, shape", [(1, (1, 1)), (2, (1, 2)), (3, (1, 3)), (16, (4, 4)),
                                      (32, (4, 8)), (196, (14, 14)), (256, (16, 16)),
                                      (576, (24, 24))])
def test_code_grid_shape(n, shape):
    assert code_grid_shape(n) == shape


def test_code_image_colours_every_number():
    flat = code_image(np.arange(32, dtype=np.float32), (32,), size=200)
    assert flat.dtype == np.uint8 and flat.shape == (4 * 25, 8 * 25, 3)
    assert not np.array_equal(flat[0, 0], flat[-1, -1])  # lowest and highest differ in colour
    conv = code_image(np.random.default_rng(0).normal(size=256), (4, 4, 16), size=190)
    # 16 maps of 4x4 in a 4x4 grid: cells of 190 // (16 + 4) = 9 px, gaps of 5 px.
    assert conv.shape == (4 * 36 + 3 * 5, 4 * 36 + 3 * 5, 3)
    assert np.all(conv[36:41] == 255) and np.all(conv[:, 36:41] == 255)  # the first white gaps
    assert not np.all(conv[:36, :36] == 255)
    constant = code_image(np.zeros(2), (2,), size=100)
    assert constant.shape == (50, 100, 3)
    with pytest.raises(ValueError):
        code_image(np.zeros(5), (2,))


def test_pipeline_html_embeds_three_images_and_the_sizes():
    spec = REGISTRY["conv"]
    image = np.zeros((28, 28), np.float32)
    text = pipeline_picture.pipeline_html(image, np.linspace(0, 1, 256), image, spec, scale=5, note="a <note>")
    assert text.count("data:image/png;base64,") == 3
    assert "784 pixels" in text and "256 numbers" in text
    assert "encoder" in text and "decoder" in text and "&lt;note&gt;" in text


def test_card_facts_and_headline_numbers():
    spec = REGISTRY["dense"]
    assert zoo_tables.card_facts(spec, {}, None) == "Code: **32** numbers"
    facts = zoo_tables.card_facts(spec, fake_metrics(), CARD)
    assert "0.0110" in facts and "PCA: 0.0153" in facts
    assert zoo_tables.code_caption(REGISTRY["conv"]) == "256 numbers (4x4x16)"
    numbers = dict(zoo_tables.headline_numbers(spec, CARD, fake_metrics()))
    assert numbers["Parameters"] == "350" and numbers["Test MSE"] == "0.0110"
    assert "-ELBO" not in numbers
    data = dict(zoo_tables.data_facts(spec, CARD))
    assert data["Digits"] == "9,000 train, 1,000 validation, 10,000 test"
    assert data["Epochs"] == "42 of 60 (best: 30)"
    assert zoo_tables.model_notes(spec, CARD) == ["A departure."]
    assert zoo_tables.model_notes(spec, None) == list(spec.notes)
