"""Custom layers. Registered so `.keras` files load with `safe_mode=True` (no Lambda layers)."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ae_models")
class Sampling(keras.layers.Layer):
    """The reparameterisation trick: z = mean + exp(log_var / 2) * eps, eps ~ N(0, I).

    Sampling through a deterministic function of (mean, log_var) plus outside noise lets gradients
    flow into the encoder.
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed}
