"""Keras builders for every family in the zoo: an encoder and a decoder as separate functional models.

Every encoder takes (28, 28, 1) images in [0, 1]; every decoder returns (28, 28, 1) images in [0, 1].
Models that work at another resolution (the R2 family) resize inside the network, so the app can
compare every model on the same 28x28 input.
"""

from __future__ import annotations

from typing import Callable

import keras
from keras import layers

from .layers import Sampling
from .registry import ModelSpec

IMAGE_SHAPE = (28, 28, 1)
Builder = Callable[..., tuple[keras.Model, keras.Model]]


def shallow_dense(hidden: int = 512, code_size: int = 32) -> tuple[keras.Model, keras.Model]:
    """R1: one hidden ReLU layer each way around a linear code."""
    images = keras.Input(IMAGE_SHAPE, name="image")
    x = layers.Flatten()(images)
    x = layers.Dense(hidden, activation="relu")(x)
    code = layers.Dense(code_size, name="code")(x)
    encoder = keras.Model(images, code, name="encoder")

    code_in = keras.Input((code_size,), name="code")
    x = layers.Dense(hidden, activation="relu")(code_in)
    x = layers.Dense(28 * 28, activation="sigmoid")(x)
    decoded = layers.Reshape(IMAGE_SHAPE, name="reconstruction")(x)
    decoder = keras.Model(code_in, decoded, name="decoder")
    return encoder, decoder


def deep_dense(hidden: int = 392, code_size: int = 196) -> tuple[keras.Model, keras.Model]:
    """R4: 784-392-196-392-784, variance-scaling init, sigmoid output (the reference's ReLU output is a flaw)."""
    init = "he_normal"  # variance scaling, as in the reference
    images = keras.Input(IMAGE_SHAPE, name="image")
    x = layers.Flatten()(images)
    x = layers.Dense(hidden, activation="relu", kernel_initializer=init)(x)
    code = layers.Dense(code_size, activation="relu", kernel_initializer=init, name="code")(x)
    encoder = keras.Model(images, code, name="encoder")

    code_in = keras.Input((code_size,), name="code")
    x = layers.Dense(hidden, activation="relu", kernel_initializer=init)(code_in)
    x = layers.Dense(28 * 28, activation="sigmoid")(x)
    decoded = layers.Reshape(IMAGE_SHAPE, name="reconstruction")(x)
    decoder = keras.Model(code_in, decoded, name="decoder")
    return encoder, decoder


def dense_bottleneck(hidden: tuple[int, ...] = (512, 256, 64), code_size: int = 2,
                     input_noise: float = 0.0) -> tuple[keras.Model, keras.Model]:
    """A tiny code (2 or 3 numbers) behind a funnel of ReLU layers, mirrored in the decoder.

    `input_noise` > 0 adds Gaussian noise to the encoder's input during training only (a denoising
    criterion): digits that differ by little noise must share a code, which pulls each class into
    its own region of the plane (10-NN agreement of ae_2d: 0.61 without, 0.72-0.76 with sigma 0.3).
    """
    images = keras.Input(IMAGE_SHAPE, name="image")
    x = layers.Flatten()(images)
    if input_noise:
        x = layers.GaussianNoise(input_noise, name="training_noise")(x)
    for units in hidden:
        x = layers.Dense(units, activation="relu")(x)
    code = layers.Dense(code_size, name="code")(x)
    encoder = keras.Model(images, code, name="encoder")

    code_in = keras.Input((code_size,), name="code")
    x = code_in
    for units in reversed(hidden):
        x = layers.Dense(units, activation="relu")(x)
    x = layers.Dense(28 * 28, activation="sigmoid")(x)
    decoded = layers.Reshape(IMAGE_SHAPE, name="reconstruction")(x)
    decoder = keras.Model(code_in, decoded, name="decoder")
    return encoder, decoder


def conv(filters: tuple[int, int, int] = (32, 32, 16), depth: int = 1) -> tuple[keras.Model, keras.Model]:
    """R3: conv + max-pool down to 4x4x16; nearest-neighbour resize + conv back up.

    Resize-then-convolve instead of transposed convolutions avoids checkerboard artefacts.
    `depth` convolutions per resolution (R3: 1) give the denoiser more room to think.
    """
    f1, f2, f3 = filters

    def convs(x, n_filters):
        for _ in range(depth):
            x = layers.Conv2D(n_filters, 3, padding="same", activation="relu")(x)
        return x

    images = keras.Input(IMAGE_SHAPE, name="image")
    x = layers.MaxPooling2D(2, padding="same")(convs(images, f1))  # 14x14
    x = layers.MaxPooling2D(2, padding="same")(convs(x, f2))  # 7x7
    x = layers.Conv2D(f3, 3, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D(2, padding="same")(x)  # 4x4x16: the code
    code = layers.Flatten(name="code")(x)
    encoder = keras.Model(images, code, name="encoder")

    code_in = keras.Input((4 * 4 * f3,), name="code")
    x = layers.Reshape((4, 4, f3))(code_in)
    x = layers.Resizing(7, 7, interpolation="nearest")(x)
    x = layers.Conv2D(f3, 3, padding="same", activation="relu")(x)
    x = convs(layers.Resizing(14, 14, interpolation="nearest")(x), f2)
    x = convs(layers.Resizing(28, 28, interpolation="nearest")(x), f1)
    decoded = layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="reconstruction")(x)
    decoder = keras.Model(code_in, decoded, name="decoder")
    return encoder, decoder


def conv_bn_relu(x, filters: int, transpose: bool = False):
    """A stride-2 (transposed) convolution, batch-normalised: keeps the sigmoid code from saturating."""
    conv_layer = layers.Conv2DTranspose if transpose else layers.Conv2D
    x = conv_layer(filters, 3, strides=2, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


def deep_conv(input_size: int = 32, code_size: int = 256, l1: float = 0.0,
              filters: tuple[int, int, int] = (32, 64, 64)) -> tuple[keras.Model, keras.Model]:
    """R2 "DAC" (and, with an L1 activity penalty, the sparse AE): strided convs to a sigmoid code.

    The decoder reshapes the code to a small feature map and upsamples with transposed convolutions.
    """
    side = input_size // 8
    images = keras.Input(IMAGE_SHAPE, name="image")
    x = layers.Resizing(input_size, input_size)(images)
    for n_filters in filters:
        x = conv_bn_relu(x, n_filters)
    x = layers.Flatten()(x)
    regulariser = keras.regularizers.L1(l1) if l1 else None
    code = layers.Dense(code_size, activation="sigmoid", activity_regularizer=regulariser,
                        name="code")(x)
    encoder = keras.Model(images, code, name="encoder")

    code_in = keras.Input((code_size,), name="code")
    x = layers.Reshape((side, side, code_size // (side * side)))(code_in)
    for n_filters in (64, 32, 16):
        x = conv_bn_relu(x, n_filters, transpose=True)
    x = layers.Conv2DTranspose(1, 3, padding="same", activation="sigmoid")(x)
    decoded = layers.Resizing(28, 28, name="reconstruction")(x)
    decoder = keras.Model(code_in, decoded, name="decoder")
    return encoder, decoder


def conv_vae(latent_dim: int = 2, hidden: int = 128) -> tuple[keras.Model, keras.Model]:
    """keras.io-style convolutional VAE; the encoder returns (z_mean, z_log_var, z)."""
    images = keras.Input(IMAGE_SHAPE, name="image")
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(images)
    x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(hidden, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling(name="z")([z_mean, z_log_var])
    encoder = keras.Model(images, [z_mean, z_log_var, z], name="encoder")

    code_in = keras.Input((latent_dim,), name="z")
    x = layers.Dense(hidden, activation="relu")(code_in)
    x = layers.Dense(7 * 7 * 64, activation="relu")(x)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
    decoded = layers.Conv2DTranspose(1, 3, padding="same", activation="sigmoid",
                                     name="reconstruction")(x)
    decoder = keras.Model(code_in, decoded, name="decoder")
    return encoder, decoder


BUILDERS: dict[str, Builder] = {
    "shallow_dense": shallow_dense,
    "deep_dense": deep_dense,
    "dense_bottleneck": dense_bottleneck,
    "conv": conv,
    "deep_conv": deep_conv,
    "conv_vae": conv_vae,
}


def build(spec: ModelSpec) -> tuple[keras.Model, keras.Model]:
    """Fresh, untrained encoder and decoder for a registry entry."""
    return BUILDERS[spec.builder](**spec.builder_kwargs)
