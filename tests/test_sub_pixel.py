"""ae_models.sub_pixel: a Keras `Conv2DTranspose` redone as convolution then depth-to-space.

Here the rearranged kernel runs through Keras's own convolution and a NumPy depth-to-space (the
order TensorFlow.js's `depthToSpace` uses); tests/e2e/test_browser_models.py runs the exported
decoders in the browser against Keras.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from ae_models.browser_export import export_model
from ae_models.sub_pixel import axis_plan, phase_bias, phase_kernel, sub_pixel_form

ACTIVATIONS = {"relu": lambda x: np.maximum(x, 0), "sigmoid": lambda x: 1 / (1 + np.exp(-x))}


def depth_to_space(x: np.ndarray, block: int) -> np.ndarray:
    """(B, H, W, s*s*C) -> (B, H*s, W*s, C): channel (a*s + b)*C + c lands on pixel (a, b)."""
    batch, height, width, depth = x.shape
    channels = depth // block ** 2
    x = x.reshape(batch, height, width, block, block, channels).transpose(0, 1, 3, 2, 4, 5)
    return x.reshape(batch, height * block, width * block, channels)


def sub_pixel_output(layer: keras.layers.Conv2DTranspose, images: np.ndarray) -> np.ndarray:
    """What the browser form computes: pad, convolve with the phase kernel, shuffle."""
    config = layer.get_config()
    form = sub_pixel_form(config)
    kernel = phase_kernel(layer.kernel.numpy(), form)
    padded = np.pad(images, [(0, 0), *form.padding, (0, 0)])
    phases = keras.ops.convert_to_numpy(keras.ops.conv(padded, kernel, padding="valid"))
    if layer.use_bias:
        phases = phases + phase_bias(layer.bias.numpy(), form)
    phases = ACTIVATIONS[config["activation"]](phases)
    return depth_to_space(phases, form.block_size) if form.block_size > 1 else phases


@pytest.mark.parametrize("kernel, strides", [
    (3, 2), (3, 1), (4, 2), (5, 2), (2, 2), (1, 2), (3, 3), ((3, 5), 2), (5, 3)])
@pytest.mark.parametrize("activation, use_bias", [("relu", True), ("sigmoid", False)])
def test_the_sub_pixel_form_computes_what_keras_computes(kernel, strides, activation,
                                                         use_bias) -> None:
    rng = np.random.default_rng(0)
    layer = keras.layers.Conv2DTranspose(5, kernel, strides=strides, padding="same",
                                         activation=activation, use_bias=use_bias)
    images = rng.normal(size=(2, 6, 7, 3)).astype(np.float32)
    layer.build(images.shape)
    if use_bias:  # Keras starts biases at zero, which would hide a misplaced one
        layer.bias.assign(rng.normal(size=5).astype(np.float32))
    expected = keras.ops.convert_to_numpy(layer(images))
    got = sub_pixel_output(layer, images)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_the_vae_decoders_layer_uses_two_taps_per_axis() -> None:
    """Kernel 3, stride 2: even rows take taps 2 and 0 (the row above, then this one), odd rows
    tap 1 alone; one zero row goes above the input."""
    plan = axis_plan(kernel=3, stride=2)
    assert (plan.size, plan.pad_before, plan.pad_after) == (2, 1, 0)
    assert sorted(plan.taps) == [(0, 0, 2), (0, 1, 0), (1, 1, 1)]


@pytest.mark.parametrize("settings", [
    {"padding": "valid"}, {"strides": (2, 1)}, {"activation": "tanh"}, {"activation": "softmax"},
    {"dilation_rate": 2, "strides": 1}])
def test_layers_it_does_not_fit_keep_tfjs_own_class(settings) -> None:
    config = {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
              "activation": "relu", **settings}
    layer = keras.layers.Conv2DTranspose(**config)
    assert sub_pixel_form(layer.get_config()) is None
    inputs = keras.Input((4, 4, 1))
    model = keras.Model(inputs, layer(inputs))
    classes = [entry["class_name"] for entry in
               export_model(model).model_json["modelTopology"]["config"]["layers"]]
    assert classes == ["InputLayer", "Conv2DTranspose"]


def test_the_export_writes_the_phase_kernel_and_bias() -> None:
    inputs = keras.Input((7, 7, 4))
    layer = keras.layers.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu",
                                         name="up")
    model = keras.Model(inputs, layer(inputs))
    exported = export_model(model)
    entry = exported.model_json["modelTopology"]["config"]["layers"][1]
    assert entry["class_name"] == "SubPixelConv2DTranspose"
    assert {key: entry["config"][key] for key in ("block_size", "kernel_size", "padding")} == {
        "block_size": 2, "kernel_size": [2, 2], "padding": [[1, 0], [1, 0]]}
    specs = exported.model_json["weightsManifest"][0]["weights"]
    assert [(s["name"], s["shape"]) for s in specs] == [("up/kernel", [2, 2, 4, 12]),
                                                        ("up/bias", [12])]
    kernel = np.frombuffer(exported.weights, "<f4", 2 * 2 * 4 * 12).reshape(2, 2, 4, 12)
    np.testing.assert_array_equal(kernel, phase_kernel(layer.kernel.numpy(),
                                                       sub_pixel_form(layer.get_config())))
