"""The variational autoencoder's training wrapper and its ELBO.

The loss lives in `compute_loss`, which Keras 3 calls from every backend's training step, so the
same code trains on TensorFlow (CPU) and on JAX (an accelerator) alike.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import ops

Tensor = Any  # a backend tensor inside the training step, a NumPy array outside it


def reconstruction_nats(images: Tensor, reconstruction: Tensor) -> Tensor:
    """Summed binary cross-entropy over the 784 pixels: -log p(x | z) in nats per image."""
    per_pixel = keras.losses.binary_crossentropy(images, reconstruction)  # mean over the last axis
    return ops.sum(per_pixel, axis=(1, 2)) * ops.cast(ops.shape(images)[-1], "float32")


def kl_nats(z_mean: Tensor, z_log_var: Tensor) -> Tensor:
    """KL(q(z | x) || N(0, I)) in nats per image.

    The closed form `latent_walks.kl_per_dimension` computes in NumPy, here in Keras ops so it
    runs inside every backend's training step (and `elbo_terms` scores exactly the trained loss).
    """
    return -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=1)


class VAE(keras.Model):
    """Encoder + decoder trained on the negative ELBO = reconstruction + KL (nats per image)."""

    def __init__(self, encoder: keras.Model, decoder: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def call(self, images: Tensor, training: bool = False) -> tuple[Tensor, Tensor, Tensor]:
        """The reconstruction and the posterior's mean and log-variance the loss needs."""
        z_mean, z_log_var, z = self.encoder(images, training=training)
        return self.decoder(z, training=training), z_mean, z_log_var

    def compute_loss(self, x: Tensor = None, y: Tensor = None, y_pred: Any = None,
                     sample_weight: Tensor = None, training: bool = True) -> Tensor:
        """The negative ELBO averaged over the batch (Keras calls this from `fit`)."""
        reconstruction, z_mean, z_log_var = y_pred
        return ops.mean(reconstruction_nats(y, reconstruction) + kl_nats(z_mean, z_log_var))


def elbo_terms(encoder: keras.Model, decoder: keras.Model, images: np.ndarray,
               seed: int = 0, batch_size: int = 500) -> dict[str, np.ndarray]:
    """Per-image reconstruction and KL nats with one posterior sample (the usual ELBO estimate)."""
    rng = np.random.default_rng(seed)
    rec, kl = [], []
    for start in range(0, len(images), batch_size):
        x = images[start:start + batch_size]
        z_mean, z_log_var, _ = (np.asarray(t) for t in encoder(x, training=False))
        z = z_mean + np.exp(0.5 * z_log_var) * rng.standard_normal(z_mean.shape).astype(np.float32)
        x_hat = np.asarray(decoder(z, training=False))
        rec.append(np.asarray(reconstruction_nats(x, x_hat)))
        kl.append(np.asarray(kl_nats(z_mean, z_log_var)))
    return {"reconstruction": np.concatenate(rec), "kl": np.concatenate(kl)}
