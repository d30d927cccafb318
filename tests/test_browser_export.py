"""ae_models.browser_export: what it writes, what it refuses, and how big the browser's download is.

The browser runs these files in tests/e2e/test_browser_models.py; here only Python looks at them.
"""

from __future__ import annotations

import json
import time

import keras
import numpy as np
import pytest

from apptest_helpers import REPO

from ae_models.browser_export import (BrowserModel, UnsupportedLayer, export_autoencoder,
                                      export_model)
from ae_models.loading import load
from ae_models.registry import model_keys

DRAW_DEFAULTS = ("dense", "conv", "conv_denoise", "vae")
DOWNLOAD_BUDGET = 10 * 1024 * 1024  # bytes for a page's default models (issue #17)


def tiny_model(*layers: keras.layers.Layer) -> keras.Model:
    inputs = keras.Input((4, 4, 1), name="image")
    x = inputs
    for layer in layers:
        x = layer(x)
    return keras.Model(inputs, x)


def weights_from_bytes(browser_model: BrowserModel) -> dict[str, np.ndarray]:
    """The manifest read back the way TensorFlow.js reads it: consecutive float32 blocks."""
    found, offset = {}, 0
    for spec in browser_model.model_json["weightsManifest"][0]["weights"]:
        count = int(np.prod(spec["shape"]))
        block = np.frombuffer(browser_model.weights, "<f4", count, offset)
        found[spec["name"]] = block.reshape(spec["shape"])
        offset += 4 * count
    assert offset == len(browser_model.weights), "bytes left over after the manifest's weights"
    return found


def test_weights_are_the_keras_variables_under_tfjs_names() -> None:
    model = tiny_model(keras.layers.Conv2D(2, 3, padding="same", name="conv"),
                       keras.layers.BatchNormalization(name="norm"),
                       keras.layers.Flatten(name="flat"), keras.layers.Dense(3, name="code"))
    exported = weights_from_bytes(export_model(model))
    expected = {f"{layer.name}/{v.name}": v.numpy() for layer in model.layers for v in layer.weights}
    assert sorted(exported) == sorted(expected)
    assert "norm/moving_variance" in exported
    for name, values in expected.items():
        np.testing.assert_array_equal(exported[name], values)


def test_topology_is_in_the_keras_2_form_tfjs_reads() -> None:
    model = tiny_model(keras.layers.Resizing(8, 8, interpolation="nearest", name="grow"),
                       keras.layers.Flatten(name="flat"))
    topology = export_model(model).model_json["modelTopology"]
    layers = {layer["name"]: layer for layer in topology["config"]["layers"]}
    assert layers["image"]["config"]["batch_input_shape"] == [None, 4, 4, 1]
    assert layers["grow"]["class_name"] == "HalfPixelResizing"
    assert layers["grow"]["inbound_nodes"] == [[["image", 0, 0, {}]]]
    assert all(layer["config"]["dtype"] == "float32" for layer in layers.values())
    assert topology["config"]["input_layers"] == [["image", 0, 0]]


@pytest.mark.parametrize("layer, reason", [
    (keras.layers.LeakyReLU(name="leaky"), "no TensorFlow.js equivalent"),
    (keras.layers.ReLU(negative_slope=0.1, name="leaky"), "negative slope"),
    (keras.layers.Resizing(8, 8, interpolation="bicubic", name="leaky"), "interpolation"),
    (keras.layers.Resizing(8, 8, antialias=True, name="leaky"), "antialias"),
    (keras.layers.Conv2D(2, 3, activation="gelu", name="leaky"), "activation"),
])
def test_a_layer_the_browser_cannot_run_is_named(layer, reason) -> None:
    with pytest.raises(UnsupportedLayer, match=f"'leaky'.*{reason}"):
        export_model(tiny_model(layer))


def test_the_full_vae_encoder_is_refused_and_its_mean_head_exported() -> None:
    vae = load("vae")
    with pytest.raises(UnsupportedLayer, match="'z' \\(Sampling\\)"):
        export_model(vae.encoder)
    topology = export_autoencoder(vae)["encoder"].model_json["modelTopology"]["config"]
    assert topology["output_layers"] == [["z_mean", 0, 0]]
    assert {layer["name"] for layer in topology["layers"]}.isdisjoint({"z", "z_log_var"})


@pytest.mark.slow
def test_every_shipped_model_exports_within_the_download_budget() -> None:
    sizes, seconds = {}, {}
    for key in model_keys(None):
        autoencoder = load(key)
        start = time.perf_counter()
        parts = export_autoencoder(autoencoder)
        seconds[key] = time.perf_counter() - start
        sizes[key] = sum(part.size_bytes for part in parts.values())
        text = json.dumps([part.model_json for part in parts.values()])
        assert str(REPO) not in text, f"{key}: the browser form names a path of this machine"
    (REPO / "test-output").mkdir(exist_ok=True)
    (REPO / "test-output" / "browser_export_sizes.json").write_text(
        json.dumps({"bytes": sizes, "export_seconds": seconds}, indent=1))
    assert sum(sizes[key] for key in DRAW_DEFAULTS) <= DOWNLOAD_BUDGET, sizes
    assert max(seconds.values()) < 2.0, seconds  # cheap enough to do on first use, per process


def test_the_same_model_exports_to_the_same_bytes() -> None:
    model = tiny_model(keras.layers.Flatten(name="flat"), keras.layers.Dense(2, name="code"))
    assert export_model(model).sha256 == export_model(model).sha256
