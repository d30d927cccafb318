"""Train a small dense autoencoder in well under a minute, reporting after every epoch.

The "Train it live" page runs this inside one browser session; the result is an ordinary
`loading.Autoencoder`, so every page can use it next to the shipped models.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from .architectures import shallow_dense
from .loading import Autoencoder
from .registry import LIVE_KEY, ModelSpec, TrainingSettings
from .train import mse_train_step
CODE_SIZES = (2, 4, 8, 16, 32)
PREVIEW = 8  # validation images whose reconstructions are shown after every epoch


@dataclass(frozen=True)
class LiveSettings:
    """What the page lets a class choose; the rest is fixed so training stays under a minute."""

    code_size: int = 8
    noise_sigma: float = 0.0  # > 0: a denoising autoencoder (fresh noise every batch)
    train_size: int = 3000
    epochs: int = 10
    hidden: int = 256
    batch_size: int = 64
    learning_rate: float = 2e-3
    seed: int = 0

    def __post_init__(self) -> None:
        if not 2 <= self.code_size <= 32:
            raise ValueError(f"code size must be 2 to 32, got {self.code_size}")
        if not 0.0 <= self.noise_sigma <= 1.0:
            raise ValueError(f"noise sigma must be in [0, 1], got {self.noise_sigma}")
        if self.epochs < 1 or self.train_size < self.batch_size:
            raise ValueError("need at least one epoch and one batch of training images")


@dataclass(frozen=True)
class EpochReport:
    epoch: int  # 1-based
    epochs: int
    loss: float  # mean training loss (MSE against the clean image)
    val_loss: float  # MSE on the held-out images
    seconds: float  # since training started
    preview: np.ndarray  # (PREVIEW, 28, 28) reconstructions of the first validation images


def live_spec(settings: LiveSettings, dataset: str = "mnist") -> ModelSpec:
    """A registry-style description, so pages show the live model like any shipped one."""
    noise = f", trained on noise σ ≤ {settings.noise_sigma:g}" if settings.noise_sigma else ""
    return ModelSpec(
        key=LIVE_KEY, title="Your model (trained live)",
        description=f"784-{settings.hidden}-{settings.code_size} dense AE trained in this session "
                    f"on {settings.train_size:,} images for {settings.epochs} epochs{noise}.",
        family="dense", recipe="R1", code_shape=(settings.code_size,), builder="shallow_dense",
        builder_kwargs={"hidden": settings.hidden, "code_size": settings.code_size},
        dataset=dataset, corruption="gaussian" if settings.noise_sigma else "clean",
        training=TrainingSettings(epochs=settings.epochs, batch_size=settings.batch_size,
                                  learning_rate=settings.learning_rate,
                                  max_sigma=settings.noise_sigma))


def train_live(settings: LiveSettings, x_train: np.ndarray, x_val: np.ndarray,
               on_epoch: Callable[[EpochReport], None] | None = None,
               dataset: str = "mnist") -> tuple[Autoencoder, list[EpochReport]]:
    """Fit a fresh model on float images in [0, 1] of shape (N, 28, 28); report every epoch.

    A hand-written loop around one compiled step: no Keras progress bars, and the images shown
    after each epoch come from the same call that measures the validation loss.
    """
    keras.utils.set_random_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    encoder, decoder = shallow_dense(settings.hidden, settings.code_size)
    train_step = mse_train_step(encoder, decoder, keras.optimizers.Adam(settings.learning_rate))
    train = np.asarray(x_train[: settings.train_size], np.float32)[..., None]
    val = np.asarray(x_val, np.float32)[..., None]
    sigma = np.float32(settings.noise_sigma)

    @tf.function(reduce_retracing=True)
    def validate(images):
        rebuilt = decoder(encoder(images, training=False), training=False)
        return tf.reduce_mean(tf.square(rebuilt - images)), rebuilt[:PREVIEW, ..., 0]

    start = time.perf_counter()
    reports: list[EpochReport] = []
    for epoch in range(1, settings.epochs + 1):
        order = rng.permutation(len(train))
        losses = []
        for first in range(0, len(order) - settings.batch_size + 1, settings.batch_size):
            clean = train[order[first:first + settings.batch_size]]
            noisy = clean
            if sigma > 0:
                noisy = np.clip(clean + rng.normal(0, sigma, clean.shape).astype(np.float32), 0, 1)
            losses.append(float(train_step(noisy, clean)))
        val_loss, preview = validate(val)
        report = EpochReport(epoch, settings.epochs, float(np.mean(losses)), float(val_loss),
                             time.perf_counter() - start, preview.numpy())
        reports.append(report)
        if on_epoch is not None:
            on_epoch(report)
    return Autoencoder(live_spec(settings, dataset), encoder, decoder), reports
