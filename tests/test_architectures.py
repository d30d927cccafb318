"""Every registry entry builds, trains through the real training path, saves and reloads safely.

Training is one epoch on 256 synthetic digits per model: it checks the plumbing (builders, losses,
loops, saving, `safe_mode` loading), not the quality of the shipped weights.
"""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from ae_models import architectures, train
from ae_models.loading import Autoencoder, load
from ae_models.registry import MODELS, REGISTRY
from ae_models.train import CorruptedBatches, TrainingData, train_one

KEYS = [spec.key for spec in MODELS]
N_VAL = 32


def training_data(batch: np.ndarray) -> TrainingData:
    """224 training and 32 validation digits; the test split reuses 64 of them (only its shapes matter)."""
    x = np.array(batch, dtype=np.float32)  # a writable copy of the shared fixture
    return TrainingData(x_train=x[N_VAL:], x_val=x[:N_VAL], x_test=x[:64].copy(),
                        y_test=np.zeros(64, np.uint8), source="synthetic_digits(256)")


@pytest.fixture(scope="module")
def few_drawings() -> tuple[np.ndarray, np.ndarray]:
    from ae_models.data import canvas_style_digits

    return canvas_style_digits(16, seed=1234)


# --- Builders ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_builder_gives_separate_functional_models(key: str) -> None:
    spec = REGISTRY[key]
    encoder, decoder = architectures.build(spec)
    for model in (encoder, decoder):
        assert isinstance(model, keras.Model)
        assert type(model).__name__ == "Functional", "builders must return functional models"
        assert len(model.inputs) == 1
    assert not {id(w) for w in encoder.weights} & {id(w) for w in decoder.weights}

    assert tuple(encoder.inputs[0].shape) == (None, 28, 28, 1)
    if spec.is_vae:
        assert len(encoder.outputs) == 3  # z_mean, z_log_var, z
        assert [tuple(t.shape) for t in encoder.outputs] == [(None, spec.code_size)] * 3
    else:
        assert len(encoder.outputs) == 1
        assert tuple(encoder.outputs[0].shape) == (None, spec.code_size)
    assert tuple(decoder.inputs[0].shape) == (None, spec.code_size)
    assert len(decoder.outputs) == 1
    assert tuple(decoder.outputs[0].shape) == (None, 28, 28, 1)

    images = np.random.default_rng(0).random((2, 28, 28, 1), dtype=np.float32)
    out = encoder(images, training=False)
    code = np.asarray(out[0] if spec.is_vae else out)
    assert code.shape == (2, spec.code_size)
    decoded = np.asarray(decoder(code, training=False))
    assert decoded.shape == (2, 28, 28, 1)
    assert np.all((decoded >= 0) & (decoded <= 1))


def test_input_noise_acts_only_while_training(synthetic_batch) -> None:
    """ae_2d's training noise must never reach the app: the same digit always gets the same code."""
    keras.utils.set_random_seed(0)
    encoder, _ = architectures.dense_bottleneck(hidden=(16,), code_size=2, input_noise=0.3)
    digits = np.asarray(synthetic_batch[:8], dtype=np.float32)
    np.testing.assert_array_equal(np.asarray(encoder(digits)), np.asarray(encoder(digits)))
    assert not np.allclose(np.asarray(encoder(digits, training=True)), np.asarray(encoder(digits)))
    assert "GaussianNoise" in [type(layer).__name__ for layer in encoder.layers]
    assert REGISTRY["ae_2d"].builder_kwargs.get("input_noise", 0) > 0


# --- Training, saving, reloading --------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("key", KEYS)
def test_train_save_reload(key, synthetic_batch, few_drawings, scratch_weights, monkeypatch) -> None:
    spec = REGISTRY[key]
    built: list[tuple[keras.Model, keras.Model]] = []
    loops: list[str] = []

    def capture_build(s):
        models = architectures.BUILDERS[s.builder](**s.builder_kwargs)
        built.append(models)
        return models

    def spy(name, fit):
        def wrapped(*args, **kwargs):
            loops.append(name)
            return fit(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(architectures, "build", capture_build)
    # The card's "drawings" metric draws 200 canvas-style digits per model: 16 are plenty here.
    monkeypatch.setattr(train, "canvas_style_digits", lambda n, seed=0: few_drawings)
    monkeypatch.setattr(train, "fit_keras", spy("fit", train.fit_keras))
    monkeypatch.setattr(train, "fit_gradient_tape", spy("gradient_tape", train.fit_gradient_tape))

    # The gradient-tape loop gets a second epoch so its loss can be seen to go down.
    epochs = 2 if spec.training.loop == "gradient_tape" else 1
    card = train_one(spec, training_data(synthetic_batch), epochs=epochs, seed=0, log_dir=None)

    assert loops == [spec.training.loop]
    folder = scratch_weights / key
    for name in ("encoder.keras", "decoder.keras", "card.json", "history.json", "latents.npz"):
        assert (folder / name).is_file(), name
    manifest = json.loads((scratch_weights / "manifest.json").read_text())
    assert {f"{key}/encoder.keras", f"{key}/decoder.keras"} <= set(manifest)

    history = json.loads((folder / "history.json").read_text())
    assert len(history["loss"]) == len(history["val_loss"]) == epochs
    for values in history.values():
        assert np.all(np.isfinite(values)), history
    if epochs > 1:
        assert history["loss"][-1] < history["loss"][0], history
    assert card["training"]["epochs_run"] == epochs
    assert np.isfinite(card["test_metrics"]["test_mse"])

    # Reload through the app's loader (checksums + safe_mode=True): same outputs as in memory.
    encoder, decoder = built[0]
    model = load(key)
    assert isinstance(model, Autoencoder)
    x = synthetic_batch[:16]
    out = encoder(x, training=False)
    codes = np.asarray(out[0] if spec.is_vae else out).reshape(len(x), -1)  # VAE: the mean
    np.testing.assert_allclose(model.encode(x), codes, atol=1e-6)
    np.testing.assert_allclose(model.decode(codes), np.asarray(decoder(codes, training=False))[..., 0],
                               atol=1e-6)


def test_r1_uses_the_gradient_tape_loop() -> None:
    r1 = [spec for spec in MODELS if spec.recipe == "R1"]
    assert r1, "the registry should have an R1 entry"
    assert all(spec.training.loop == "gradient_tape" for spec in r1)
    assert all(spec.training.loop == "fit" for spec in MODELS if spec.recipe != "R1")


# --- Training batches -------------------------------------------------------------------------


@pytest.mark.parametrize("key", [s.key for s in MODELS if s.corruption != "clean"])
def test_denoising_batches_are_corrupted(key: str, synthetic_batch) -> None:
    spec = REGISTRY[key]
    batches = CorruptedBatches(np.array(synthetic_batch), spec, batch_size=64, seed=0)
    assert len(batches) == 4
    for i in range(len(batches)):
        inputs, targets = batches[i]
        assert inputs.shape == targets.shape == (64, 28, 28, 1)
        assert inputs.dtype == np.float32
        assert not np.array_equal(inputs, targets)
        assert inputs.min() >= 0 and inputs.max() <= 1
        # Every image of the batch is corrupted (crosshair always, noise with sigma > 0 almost surely).
        changed = np.any(inputs != targets, axis=(1, 2, 3))
        assert changed.mean() > 0.9


@pytest.mark.parametrize("key", [s.key for s in MODELS if s.corruption == "clean"])
def test_clean_batches_are_identical(key: str, synthetic_batch) -> None:
    spec = REGISTRY[key]
    batches = CorruptedBatches(np.array(synthetic_batch), spec, batch_size=100, seed=0)
    assert len(batches) == 3  # 100 + 100 + 56
    sizes = []
    for i in range(len(batches)):
        inputs, targets = batches[i]
        np.testing.assert_array_equal(inputs, targets)
        sizes.append(len(inputs))
    assert sizes == [100, 100, 56]


def test_cards_only_refreshes_the_text_and_keeps_the_training_record(scratch_weights) -> None:
    from ae_models.artifacts import read_card, read_manifest, sha256, write_json

    key = "vae"
    folder = scratch_weights / key
    old = {"title": "old", "description": "old", "notes": ["written before the last experiment"],
           "training": {"epochs_run": 7, "wall_time_s": 12.5}}
    write_json(folder / "card.json", old)

    assert train.main([key, "--cards-only"]) == 0

    card = read_card(key)
    spec = REGISTRY[key]
    assert (card["title"], card["description"], card["notes"]) == (
        spec.title, spec.description, list(spec.notes))
    assert card["training"] == old["training"]
    assert read_manifest()[f"{key}/card.json"] == sha256(folder / "card.json")
