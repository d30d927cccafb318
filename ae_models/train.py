"""Training CLI: `python -m ae_models.train NAME... | --all [--dataset] [--epochs] [--data-dir]`.

Writes everything the app ships for a model into weights/<name>/: encoder.keras, decoder.keras,
card.json, history.json, latents.npz, and updates weights/manifest.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass, replace
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np

from . import architectures, latent_maps
from .arrays import batched, to_float
from .artifacts import (MODEL_FILES, compress_keras_file, read_card, update_manifest, weights_dir,
                        write_json)
from .corruption import training_corruption
from .data import DATASETS, canvas_style_digits, load_dataset, synthetic_digits
from .registry import REGISTRY, ModelSpec, get_spec, model_keys
from .vae import VAE

VALIDATION_SIZE = 1000
LATENT_SAMPLE = {"small": 10_000, "wide": 1_000}  # how many test codes latents.npz keeps


@dataclass
class TrainingData:
    """The images one training run sees, as model inputs (float32, channel axis last)."""

    x_train: np.ndarray  # float32 (N, 28, 28, 1)
    x_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    def sizes(self) -> dict[str, int]:
        """How many images each split holds: the card records them."""
        return {"train": len(self.x_train), "validation": len(self.x_val), "test": len(self.x_test)}


def as_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) images as the float32 (N, 28, 28, 1) batches the models take."""
    return to_float(images)[..., None]


def prepare_data(dataset: str, data_dir: str | None, synthetic: int | None,
                 seed: int) -> TrainingData:
    """Real data where it can be found (or synthetic digits when asked): train/validation/test."""
    if synthetic:
        x, _ = synthetic_digits(synthetic, seed=seed)
        x_test, y_test = synthetic_digits(max(synthetic // 4, 64), seed=seed + 1)
        source = f"synthetic_digits({synthetic})"
    else:
        data = load_dataset(dataset, data_dir)
        x, x_test, y_test, source = data.x_train, data.x_test, data.y_test, data.source
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = min(VALIDATION_SIZE, len(x) // 8)
    x = as_model_input(x[order])
    return TrainingData(x[n_val:], x[:n_val], as_model_input(x_test), y_test.astype(np.uint8),
                        source)


def random_shift(images: np.ndarray, rng: np.random.Generator, max_shift: int = 2) -> np.ndarray:
    """Move each digit by up to max_shift pixels: more variety from a 10k-digit training set.

    MNIST digits have an empty 4-pixel border, so rolling never wraps ink around an edge.
    """
    shifted = np.empty_like(images)
    for i, (dy, dx) in enumerate(rng.integers(-max_shift, max_shift + 1, size=(len(images), 2))):
        shifted[i] = np.roll(images[i], (dy, dx), axis=(0, 1))
    return shifted


class CorruptedBatches(keras.utils.PyDataset):
    """(input, clean target) batches; denoising models get fresh corruption in every batch."""

    def __init__(self, images: np.ndarray, spec: ModelSpec, batch_size: int, seed: int,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.images = images
        self.spec = spec
        self.batch_size = batch_size
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(images))

    def __len__(self) -> int:
        return int(np.ceil(len(self.images) / self.batch_size))

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rows = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        clean = self.images[rows]
        if self.spec.training.augment:
            clean = random_shift(clean, self.rng)
        noisy = training_corruption(clean[..., 0], self.spec.corruption, self.rng,
                                    self.spec.training.max_sigma)[..., None]
        return noisy.astype(np.float32), clean

    def on_epoch_end(self) -> None:
        """A new order every epoch, so no two epochs see the same batches."""
        self.order = self.rng.permutation(len(self.images))


def _loss(spec: ModelSpec) -> str:
    return {"mse": "mse", "bce": "binary_crossentropy"}[spec.training.loss]


def tensorboard_available() -> bool:
    """TensorBoard logging needs the tensorboard package and the TensorFlow backend."""
    return (keras.backend.backend() == "tensorflow"
            and importlib.util.find_spec("tensorboard") is not None)


def _callbacks(spec: ModelSpec, log_dir: Path | None) -> list[keras.callbacks.Callback]:
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=spec.training.patience,
                                      restore_best_weights=True),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, min_lr=1e-5,
                                          patience=max(2, spec.training.patience // 3)),
    ]
    if log_dir is not None and tensorboard_available():
        callbacks.append(keras.callbacks.TensorBoard(log_dir=str(log_dir / spec.key)))
    return callbacks


def fit_keras(spec: ModelSpec, encoder: keras.Model, decoder: keras.Model, data: TrainingData,
              epochs: int, seed: int, log_dir: Path | None) -> dict[str, list[float]]:
    """Train with `model.fit`: early stopping on validation loss, best weights restored."""
    settings = spec.training
    if spec.is_vae:
        model = VAE(encoder, decoder)
        val_inputs = data.x_val
    else:
        model = keras.Model(encoder.input, decoder(encoder.output), name=spec.key)
        val_inputs = training_corruption(data.x_val[..., 0], spec.corruption,
                                         np.random.default_rng(seed + 7),
                                         settings.max_sigma)[..., None]
    model.compile(optimizer=keras.optimizers.Adam(settings.learning_rate),
                  loss=None if spec.is_vae else _loss(spec))
    batches = CorruptedBatches(data.x_train, spec, settings.batch_size, seed)
    history = model.fit(batches, validation_data=(val_inputs, data.x_val), epochs=epochs,
                        callbacks=_callbacks(spec, log_dir),
                        verbose=2 if not sys.stdout.isatty() else 1)
    return {name: [float(v) for v in values] for name, values in history.history.items()}


def mse_train_step(encoder: keras.Model, decoder: keras.Model,
                   optimizer: keras.optimizers.Optimizer) -> Callable[[Any, Any], Any]:
    """One compiled gradient step on the MSE between decoder(encoder(noisy)) and clean: R1's loop,
    shared by the training CLI and the live-training page."""
    import tensorflow as tf

    weights = encoder.trainable_variables + decoder.trainable_variables

    @tf.function(reduce_retracing=True)
    def train_step(noisy, clean):
        with tf.GradientTape() as tape:
            reconstruction = decoder(encoder(noisy, training=True), training=True)
            loss = tf.reduce_mean(tf.square(reconstruction - clean))
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        return loss

    return train_step


def fit_gradient_tape(spec: ModelSpec, encoder: keras.Model, decoder: keras.Model,
                      data: TrainingData, epochs: int, seed: int,
                      log_dir: Path | None) -> dict[str, list[float]]:
    """R1: the TF2 training loop written out with tf.GradientTape, logging to TensorBoard."""
    import tensorflow as tf

    settings = spec.training
    optimizer = keras.optimizers.Adam(settings.learning_rate)
    weights = encoder.trainable_variables + decoder.trainable_variables
    logging = log_dir is not None and tensorboard_available()
    writer = tf.summary.create_file_writer(str(log_dir / spec.key)) if logging else None

    train_step = mse_train_step(encoder, decoder, optimizer)

    @tf.function
    def val_loss_fn(images):
        return tf.reduce_mean(tf.square(decoder(encoder(images)) - images))

    batches = CorruptedBatches(data.x_train, spec, settings.batch_size, seed)
    history: dict[str, list[float]] = {"loss": [], "val_loss": []}
    best, best_weights, waited = np.inf, None, 0
    for epoch in range(epochs):
        start = time.time()
        losses = [float(train_step(*batches[i])) for i in range(len(batches))]
        batches.on_epoch_end()
        val = float(val_loss_fn(data.x_val))
        history["loss"].append(float(np.mean(losses)))
        history["val_loss"].append(val)
        print(f"Epoch {epoch + 1}/{epochs} - {time.time() - start:.1f}s - "
              f"loss: {history['loss'][-1]:.5f} - val_loss: {val:.5f}", flush=True)
        if writer is not None:
            with writer.as_default():
                tf.summary.scalar("loss", history["loss"][-1], step=epoch)
                tf.summary.scalar("val_loss", val, step=epoch)
                sample = data.x_val[:8]
                tf.summary.image("original", sample, step=epoch, max_outputs=8)
                tf.summary.image("reconstruction", decoder(encoder(sample)), step=epoch,
                                 max_outputs=8)
        if val < best:
            best, best_weights, waited = val, [w.numpy() for w in weights], 0
        else:
            waited += 1
            if waited >= settings.patience:
                print(f"Early stopping: no improvement for {waited} epochs", flush=True)
                break
    if best_weights is not None:
        for variable, value in zip(weights, best_weights):
            variable.assign(value)
    return history


def _layer_table(model: keras.Model) -> list[dict]:
    rows = []
    for layer in model.layers:
        shape = getattr(layer, "output", None)
        shape = [tuple(t.shape) for t in shape] if isinstance(shape, list) else tuple(shape.shape)
        rows.append({"name": layer.name, "type": type(layer).__name__,
                     "output_shape": str(shape).replace("None", "N"),
                     "params": int(layer.count_params())})
    return rows


def _code_function(spec: ModelSpec, encoder: keras.Model) -> Callable[[np.ndarray], np.ndarray]:
    """Images to flat codes (a VAE's mean code), as NumPy."""

    def encode(x: np.ndarray) -> np.ndarray:
        out = encoder(x, training=False)
        return np.asarray(out[0] if spec.is_vae else out).reshape(len(x), -1)
    return encode


def write_latents(spec: ModelSpec, encoder: keras.Model, data: TrainingData, folder: Path) -> None:
    """Test codes with labels (float16) and a 3-D PCA of them, so a new drawing projects the
    same way."""
    n = LATENT_SAMPLE["small" if spec.code_size <= 16 else "wide"]
    codes = batched(_code_function(spec, encoder), data.x_test[:n])
    np.savez_compressed(folder / "latents.npz",
                        **latent_maps.summarise_codes(codes, data.y_test[:n]))


def quick_test_metrics(spec: ModelSpec, encoder: keras.Model, decoder: keras.Model,
                       data: TrainingData) -> dict[str, float]:
    """Test-set MSE, plus MSE on canvas-style drawings (drawings are not MNIST)."""
    encode = _code_function(spec, encoder)

    def reconstruct(x: np.ndarray) -> np.ndarray:
        return np.asarray(decoder(encode(x), training=False))

    scores = {"test_mse": float(np.mean((batched(reconstruct, data.x_test) - data.x_test) ** 2))}
    if spec.dataset == "mnist":  # canvas-style drawings are digits: no yardstick for clothes
        drawings = as_model_input(canvas_style_digits(200, seed=1234)[0])
        scores["drawings_mse"] = float(np.mean((batched(reconstruct, drawings) - drawings) ** 2))
    return scores


def card_text(spec: ModelSpec) -> dict[str, Any]:
    """The card's words, from the registry: training writes them and --cards-only refreshes them."""
    return {"title": spec.title, "description": spec.description, "notes": list(spec.notes)}


def train_one(spec: ModelSpec, data: TrainingData, epochs: int | None, seed: int,
              log_dir: Path | None) -> dict:
    """Build, train and write one model's artefacts; returns its card."""
    keras.utils.set_random_seed(seed)
    if spec.training.train_limit is not None:
        data = replace(data, x_train=data.x_train[:spec.training.train_limit])
    encoder, decoder = architectures.build(spec)
    epochs = epochs or spec.training.epochs
    start = time.time()
    fit = fit_gradient_tape if spec.training.loop == "gradient_tape" else fit_keras
    history = fit(spec, encoder, decoder, data, epochs, seed, log_dir)
    wall_time = time.time() - start

    folder = weights_dir(spec.key)
    folder.mkdir(parents=True, exist_ok=True)
    encoder.save(folder / "encoder.keras")
    decoder.save(folder / "decoder.keras")
    for name in MODEL_FILES:
        compress_keras_file(folder / name)
    write_json(folder / "history.json", history)
    write_latents(spec, encoder, data, folder)
    best_epoch = int(np.argmin(history["val_loss"])) + 1
    card = {
        "key": spec.key, **card_text(spec),
        "family": spec.family, "recipe": spec.recipe, "dataset": spec.dataset,
        "code_shape": list(spec.code_shape), "corruption": spec.corruption,
        "training": asdict(spec.training) | {"epochs_run": len(history["val_loss"]),
                                             "best_epoch": best_epoch, "seed": seed,
                                             "wall_time_s": round(wall_time, 1)},
        "final_losses": {k: v[best_epoch - 1] for k, v in history.items()},
        "data": {"source": data.source, **data.sizes()},
        "parameters": {"encoder": encoder.count_params(), "decoder": decoder.count_params()},
        "architecture": {"encoder": _layer_table(encoder), "decoder": _layer_table(decoder)},
        "test_metrics": quick_test_metrics(spec, encoder, decoder, data),
        "trained_with": {"backend": keras.backend.backend(), "keras": keras.__version__,
                         "machine": f"{platform.machine()} {os.cpu_count()} cores",
                         "date": dt.date.today().isoformat()},
    }
    write_json(folder / "card.json", card)
    update_manifest(spec.key)
    print(f"[{spec.key}] done in {wall_time:.0f}s: {card['test_metrics']}", flush=True)
    return card


def rewrite_latents(spec: ModelSpec, data: TrainingData) -> None:
    """Recompute the reference latents of an already trained model (e.g. after a format change)."""
    from .loading import verify_files

    encoder_path, _ = verify_files(spec.key)
    encoder = keras.saving.load_model(encoder_path, safe_mode=True, compile=False)
    write_latents(spec, encoder, data, weights_dir(spec.key))
    update_manifest(spec.key)
    print(f"[{spec.key}] latents rewritten", flush=True)


def refresh_card_text(spec: ModelSpec) -> None:
    """Copy the registry's title, description and notes into a trained model's card.

    Notes are written down after an experiment, often once its model is trained; retraining only
    to refresh a sentence would change the weights. What the card records of the training itself
    (settings, losses, wall time) stays as it was.
    """
    card = read_card(spec.key)
    card.update(card_text(spec))
    write_json(weights_dir(spec.key) / "card.json", card)
    update_manifest(spec.key)
    print(f"[{spec.key}] card text refreshed from the registry", flush=True)


def compress_shipped(spec: ModelSpec) -> None:
    """Deflate an already trained model's .keras files (same weights) and update the manifest."""
    for name in MODEL_FILES:
        compress_keras_file(weights_dir(spec.key) / name)
    update_manifest(spec.key)
    print(f"[{spec.key}] .keras files compressed", flush=True)


def main(argv: list[str] | None = None) -> int:
    """The training CLI (see the module docstring); returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"models to train: {', '.join(REGISTRY)}")
    parser.add_argument("--all", action="store_true", help="train every model of the dataset")
    parser.add_argument("--dataset", default="mnist", choices=list(DATASETS))
    parser.add_argument("--epochs", type=int, help="override the registry's epoch count")
    parser.add_argument("--data-dir", help="folder with the IDX files (else $AE_DATA_DIR, ...)")
    parser.add_argument("--synthetic", type=int, metavar="N",
                        help="train on N synthetic digits instead of a real data set (smoke runs)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-dir", default="runs", help="TensorBoard logs ('' to disable)")
    parser.add_argument("--latents-only", action="store_true",
                        help="rewrite latents.npz from the shipped encoder, without training")
    parser.add_argument("--compress-only", action="store_true",
                        help="deflate the shipped .keras files (same weights), without training")
    parser.add_argument("--cards-only", action="store_true",
                        help="copy the registry's title, description and notes into the shipped "
                             "cards, without training")
    args = parser.parse_args(argv)
    names = model_keys(args.dataset) if args.all else args.names
    if not names:
        parser.error("name at least one model, or pass --all")
    specs = [get_spec(name) for name in names]
    datasets = {spec.dataset for spec in specs}
    log_dir = Path(args.log_dir) if args.log_dir else None
    if args.compress_only or args.cards_only:
        for spec in specs:
            (compress_shipped if args.compress_only else refresh_card_text)(spec)
        return 0
    for dataset in sorted(datasets):
        data = prepare_data(dataset, args.data_dir, args.synthetic, args.seed)
        print(f"Data: {data.source} {data.sizes()}", flush=True)
        for spec in (s for s in specs if s.dataset == dataset):
            if args.latents_only:
                rewrite_latents(spec, data)
            else:
                train_one(spec, data, args.epochs, args.seed, log_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
