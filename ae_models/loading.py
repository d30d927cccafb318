"""Load a shipped model safely (checksums, `safe_mode=True`) and run it fast.

Interactive calls go through `tf.function`s with a fixed input signature: one trace per model,
then about a millisecond a call, where `model.predict` would cost tens of milliseconds.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from . import layers as _registered_layers  # noqa: F401  (registers Sampling before loading)
from .artifacts import MODEL_FILES, read_manifest, rebuild_command, sha256, weights_dir
from .registry import ModelSpec, get_spec


class ModelLoadError(RuntimeError):
    """A model's files are missing, altered or unreadable; the message says how to rebuild them."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        super().__init__(f"Model '{key}' could not be loaded: {problem}. "
                         f"Rebuild it with: {rebuild_command(key)}")


def _as_batch(images: np.ndarray) -> tuple[np.ndarray, bool]:
    """(28, 28) / (N, 28, 28) / (N, 28, 28, 1) -> (N, 28, 28, 1) float32, and whether it was one image."""
    x = np.asarray(images, dtype=np.float32)
    single = x.ndim == 2
    if single:
        x = x[None]
    if x.ndim == 3:
        x = x[..., None]
    if x.shape[1:] != (28, 28, 1):
        raise ValueError(f"expected 28x28 images, got shape {np.shape(images)}")
    return x, single


class Autoencoder:
    """A loaded model: encode, decode and reconstruct NumPy images (VAE codes are the mean)."""

    def __init__(self, spec: ModelSpec, encoder: keras.Model, decoder: keras.Model):
        self.spec = spec
        self.encoder = encoder
        self.decoder = decoder
        image_sig = [tf.TensorSpec([None, 28, 28, 1], tf.float32)]
        code_sig = [tf.TensorSpec([None, spec.code_size], tf.float32)]
        if spec.is_vae:
            # Mean and log-variance only: skips the Sampling layer, so calls never touch its RNG state.
            distribution = keras.Model(encoder.input, encoder.outputs[:2], name="encoder_distribution")
            self._encode_distribution = tf.function(
                lambda x: distribution(x, training=False), input_signature=image_sig)
            self._encode = tf.function(lambda x: distribution(x, training=False)[0],
                                       input_signature=image_sig)
        else:
            self._encode = tf.function(lambda x: encoder(x, training=False), input_signature=image_sig)
        self._decode = tf.function(lambda z: decoder(z, training=False), input_signature=code_sig)

        def code_and_image(x):  # the Draw page's server path: both, in one call, per stroke
            code = self._encode(x)
            return code, decoder(code, training=False)

        self._code_and_image = tf.function(code_and_image, input_signature=image_sig)

    @property
    def key(self) -> str:
        return self.spec.key

    def encode(self, images: np.ndarray) -> np.ndarray:
        """Codes, flattened: (code_size,) for one image, (N, code_size) for a batch."""
        x, single = _as_batch(images)
        codes = self._encode(x).numpy().reshape(len(x), -1)
        return codes[0] if single else codes

    def code_and_image(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`encode` and `reconstruct` of the same images, in one compiled call."""
        x, single = _as_batch(images)
        codes, rebuilt = (t.numpy() for t in self._code_and_image(x))
        codes, rebuilt = codes.reshape(len(x), -1), rebuilt[..., 0]
        return (codes[0], rebuilt[0]) if single else (codes, rebuilt)

    def encode_distribution(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """VAE only: the mean and log-variance of q(z | x)."""
        if not self.spec.is_vae:
            raise TypeError(f"{self.key} is not a variational autoencoder")
        x, single = _as_batch(images)
        mean, log_var = (t.numpy() for t in self._encode_distribution(x))
        return (mean[0], log_var[0]) if single else (mean, log_var)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """Images (28, 28) for one code, (N, 28, 28) for a batch."""
        z = np.asarray(codes, dtype=np.float32)
        single = z.ndim == 1
        z = z.reshape(1 if single else len(z), self.spec.code_size)
        images = self._decode(z).numpy()[..., 0]
        return images[0] if single else images

    def reconstruct(self, images: np.ndarray, sample: bool = False,
                    seed: int | None = None) -> np.ndarray:
        """Decode(encode(x)); a VAE uses the mean code unless `sample` asks for a random draw."""
        if sample and self.spec.is_vae:
            mean, log_var = self.encode_distribution(images)
            eps = np.random.default_rng(seed).standard_normal(np.shape(mean)).astype(np.float32)
            return self.decode(mean + np.exp(0.5 * log_var) * eps)
        return self.decode(self.encode(images))


def verify_files(key: str) -> list[Path]:
    """Check that the model's files exist and match the manifest; return their paths."""
    folder = weights_dir(key)
    manifest = read_manifest()
    paths = []
    for name in MODEL_FILES:
        path = folder / name
        if not path.is_file():
            raise ModelLoadError(key, f"the weight file {path} is missing")
        expected = manifest.get(f"{key}/{name}")
        if expected is None:
            raise ModelLoadError(key, f"{key}/{name} is not listed in weights/manifest.json")
        if sha256(path) != expected:
            raise ModelLoadError(key, f"{path.name} does not match its checksum in "
                                      "weights/manifest.json (altered or truncated)")
        paths.append(path)
    return paths


def load(key: str) -> Autoencoder:
    """Load one registry entry from weights/, refusing unsafe or altered files."""
    spec = get_spec(key)
    encoder_path, decoder_path = verify_files(key)
    try:
        encoder = keras.saving.load_model(encoder_path, safe_mode=True, compile=False)
        decoder = keras.saving.load_model(decoder_path, safe_mode=True, compile=False)
    except Exception as exc:  # corrupt zip, Lambda layer refused by safe mode, version skew...
        raise ModelLoadError(key, f"Keras refused the file ({type(exc).__name__}: {exc})") from exc
    return Autoencoder(spec, encoder, decoder)
