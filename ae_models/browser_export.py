"""The browser form of a Keras model: TensorFlow.js's "layers model" (model.json + weights).

The live pages run the shipped models in the browser with TensorFlow.js. The browser form is
derived in memory from the loaded Keras model at run time, never stored: the `.keras` files stay
the one source of truth, and a model trained live in a session converts like a shipped one.

TensorFlow.js reads Keras 2 style configs (`batch_input_shape`, nested `inbound_nodes` lists,
plain dtype strings); Keras 3 writes `batch_shape`, `__keras_tensor__` node records and dtype
policy objects. Each layer class the zoo uses has a translator below that keeps the settings
TensorFlow.js understands and refuses those it would silently ignore; any other layer raises
`UnsupportedLayer`, naming it.

Keras's `Resizing` becomes `HalfPixelResizing`, a class `static/live/half_pixel_resizing.js`
registers: TensorFlow.js's own `Resizing` aligns corners (Keras uses half-pixel centres) and
gets its output shape wrong with a batch axis, so our decoders would not even load. The class
only calls TensorFlow.js's `resizeBilinear` / `resizeNearestNeighbor` with `halfPixelCenters`.

A `Conv2DTranspose` with "same" padding becomes `SubPixelConv2DTranspose`
(`static/live/sub_pixel_conv_transpose.js`): one ordinary convolution, whose kernel
`ae_models.sub_pixel` works out from the layer's own, then depth-to-space. Same numbers, and
in TensorFlow.js's WebAssembly backend about three times faster.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .sub_pixel import phase_bias, phase_kernel, sub_pixel_form

if TYPE_CHECKING:
    import keras

    from .loading import Autoencoder

WEIGHTS_FILE = "weights.bin"
MODEL_FILE = "model.json"
# Activations TensorFlow.js knows by the same name as Keras.
ACTIVATIONS = frozenset({"linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu",
                         "softplus", "softsign"})

Config = dict[str, Any]


class UnsupportedLayer(ValueError):
    """A layer (or a setting of one) that the browser form cannot express; the message names it."""

    def __init__(self, layer_name: str, class_name: str, reason: str):
        self.layer_name = layer_name
        self.class_name = class_name
        super().__init__(f"layer '{layer_name}' ({class_name}) cannot run in the browser: {reason}")


@dataclass(frozen=True)
class BrowserModel:
    """A model.json dict and the weights file it names (little-endian float32, one file)."""

    model_json: dict[str, Any]
    weights: bytes

    @property
    def sha256(self) -> str:
        """Content hash of both parts: a cache-busting URL segment for the browser."""
        digest = hashlib.sha256(json.dumps(self.model_json, sort_keys=True).encode())
        digest.update(self.weights)
        return digest.hexdigest()

    @property
    def size_bytes(self) -> int:
        """What the browser downloads: the JSON as written plus the weights."""
        return len(json.dumps(self.model_json).encode()) + len(self.weights)

    def write(self, folder: Path) -> Path:
        """model.json and its weights file into `folder`; returns the model.json path."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / WEIGHTS_FILE).write_bytes(self.weights)
        path = folder / MODEL_FILE
        path.write_text(json.dumps(self.model_json))
        return path


# --- Per-layer translators: Keras 3 config -> (TensorFlow.js class name, Keras 2 style config) ---

def _require(layer: Config, condition: bool, reason: str) -> None:
    if not condition:
        raise UnsupportedLayer(layer["name"], layer["class_name"], reason)


def _pick(config: Config, *keys: str) -> Config:
    return {key: config[key] for key in keys}


def _activation(layer: Config) -> str:
    name = layer["config"]["activation"]
    _require(layer, isinstance(name, str) and name in ACTIVATIONS, f"activation {name!r}")
    return name


def _channels_last(layer: Config) -> None:
    _require(layer, layer["config"].get("data_format", "channels_last") == "channels_last",
             "only channels_last data")


def _input_layer(layer: Config) -> tuple[str, Config]:
    config = layer["config"]
    _require(layer, not config.get("sparse") and not config.get("ragged"), "sparse/ragged input")
    return "InputLayer", {"batch_input_shape": config["batch_shape"], "dtype": "float32",
                          "sparse": False}


def _dense(layer: Config) -> tuple[str, Config]:
    config = layer["config"]
    _require(layer, config.get("quantization_config") is None, "quantised weights")
    return "Dense", {**_pick(config, "units", "use_bias"), "activation": _activation(layer)}


def _conv(class_name: str) -> Callable[[Config], tuple[str, Config]]:
    def translate(layer: Config) -> tuple[str, Config]:
        config = layer["config"]
        _channels_last(layer)
        _require(layer, config.get("groups", 1) == 1, "grouped convolution")
        _require(layer, config.get("output_padding") is None, "output_padding")
        kept = _pick(config, "filters", "kernel_size", "strides", "padding", "dilation_rate",
                     "use_bias", "data_format")
        return class_name, {**kept, "activation": _activation(layer)}
    return translate


def _conv_transpose(layer: Config) -> tuple[str, Config]:
    """The sub-pixel form where it applies, else TensorFlow.js's own (slower) class."""
    form = sub_pixel_form(layer["config"])
    if form is None:
        return _conv("Conv2DTranspose")(layer)
    config = layer["config"]
    return "SubPixelConv2DTranspose", {
        "filters": config["filters"], "block_size": form.block_size,
        "kernel_size": form.kernel_size, "padding": form.padding,
        "use_bias": config["use_bias"], "activation": _activation(layer)}


def _max_pooling(layer: Config) -> tuple[str, Config]:
    _channels_last(layer)
    return "MaxPooling2D", _pick(layer["config"], "pool_size", "strides", "padding", "data_format")


def _batch_normalization(layer: Config) -> tuple[str, Config]:
    config = layer["config"]
    _require(layer, not config.get("renorm") and not config.get("synchronized"),
             "renorm or synchronized batch normalisation")
    return "BatchNormalization", _pick(config, "axis", "momentum", "epsilon", "center", "scale")


def _relu(layer: Config) -> tuple[str, Config]:
    config = layer["config"]
    _require(layer, not config.get("negative_slope") and not config.get("threshold"),
             "ReLU with a negative slope or threshold")
    return "ReLU", {"max_value": config.get("max_value")}


def _resizing(layer: Config) -> tuple[str, Config]:
    config = layer["config"]
    _channels_last(layer)
    _require(layer, config["interpolation"] in ("bilinear", "nearest"),
             f"interpolation {config['interpolation']!r}")
    _require(layer, not (config.get("crop_to_aspect_ratio") or config.get("pad_to_aspect_ratio")
                         or config.get("antialias")), "aspect-ratio crop/pad or antialias")
    return "HalfPixelResizing", _pick(config, "height", "width", "interpolation")


def _upsampling(layer: Config) -> tuple[str, Config]:
    _channels_last(layer)
    _require(layer, layer["config"]["interpolation"] in ("bilinear", "nearest"),
             f"interpolation {layer['config']['interpolation']!r}")
    return "UpSampling2D", _pick(layer["config"], "size", "interpolation", "data_format")


def _same_name(class_name: str, *keys: str) -> Callable[[Config], tuple[str, Config]]:
    return lambda layer: (class_name, _pick(layer["config"], *keys))


TRANSLATORS: dict[str, Callable[[Config], tuple[str, Config]]] = {
    "InputLayer": _input_layer,
    "Dense": _dense,
    "Conv2D": _conv("Conv2D"),
    "Conv2DTranspose": _conv_transpose,
    "MaxPooling2D": _max_pooling,
    "UpSampling2D": _upsampling,
    "BatchNormalization": _batch_normalization,
    "ReLU": _relu,
    "Resizing": _resizing,
    "Reshape": _same_name("Reshape", "target_shape"),
    "Flatten": _same_name("Flatten", "data_format"),
    # Identity at inference; TensorFlow.js's GaussianNoise is too.
    "GaussianNoise": _same_name("GaussianNoise", "stddev"),
}

UNTRANSLATED_HINTS = {
    "Sampling": " (a VAE encoder: export `browser_encoder(autoencoder)`, its mean head)",
}


# --- The graph: Keras 3 node records -> Keras 2 inbound_nodes lists ---

def _keras_tensors(value: Any) -> list[Config]:
    """Every `__keras_tensor__` record inside a node's (nested) args, in order."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return [value]
        return [t for item in value.values() for t in _keras_tensors(item)]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _keras_tensors(item)]
    return []


def _inbound_nodes(layer: Config) -> list[list[list[Any]]]:
    nodes = []
    for node in layer["inbound_nodes"]:
        # Resizing records `training`, BatchNormalization `mask=None`: neither changes inference,
        # which is all the browser runs. Any other call argument would be lost, so it is refused.
        extra = sorted(name for name, value in node.get("kwargs", {}).items()
                       if name != "training" and value is not None)
        _require(layer, not extra, f"call arguments {extra}")
        history = [t["config"]["keras_history"] for t in _keras_tensors(node["args"])]
        nodes.append([[name, node_index, tensor_index, {}]
                      for name, node_index, tensor_index in history])
    return nodes


def _endpoints(value: list[Any]) -> list[list[Any]]:
    """Keras 3 writes one endpoint as ["name", 0, 0], several as a list of those."""
    return [value] if value and isinstance(value[0], str) else [list(v) for v in value]


def _translate_layer(layer: Config) -> Config:
    translator = TRANSLATORS.get(layer["class_name"])
    if translator is None:
        hint = UNTRANSLATED_HINTS.get(layer["class_name"], "")
        raise UnsupportedLayer(layer["name"], layer["class_name"],
                               f"no TensorFlow.js equivalent is translated for this class{hint}")
    class_name, config = translator(layer)
    common = {"name": layer["name"], "trainable": False, "dtype": "float32"}
    return {"class_name": class_name, "name": layer["name"], "config": {**config, **common},
            "inbound_nodes": _inbound_nodes(layer)}


def model_topology(model: keras.Model) -> dict[str, Any]:
    """The `modelTopology` TensorFlow.js's `loadLayersModel` deserialises."""
    config = model.get_config()
    for layer in model.layers:
        dtype = getattr(layer, "dtype_policy", None)
        if dtype is not None and dtype.name != "float32":
            raise UnsupportedLayer(layer.name, type(layer).__name__, f"dtype policy {dtype.name}")
    return {"class_name": "Model", "backend": "tensor_flow.js", "config": {
        "name": config["name"],
        "layers": [_translate_layer(layer) for layer in config["layers"]],
        "input_layers": _endpoints(config["input_layers"]),
        "output_layers": _endpoints(config["output_layers"]),
    }}


# --- Weights: one little-endian float32 buffer, named as TensorFlow.js names its variables ---

def layer_weights(layer: keras.layers.Layer) -> list[tuple[str, np.ndarray]]:
    """(variable name, values) of one layer as its browser form holds them: a sub-pixel
    `Conv2DTranspose`'s kernel and bias rearranged into phases, any other layer's as they are."""
    weights = [(variable.name, np.asarray(variable.numpy(), dtype="<f4"))
               for variable in layer.weights]
    form = sub_pixel_form(layer.get_config()) if type(layer).__name__ == "Conv2DTranspose" else None
    if form is None:
        return weights
    rearrange = {"kernel": phase_kernel, "bias": phase_bias}
    return [(name, rearrange[name](values, form).astype("<f4")) for name, values in weights]


def weight_entries(model: keras.Model) -> tuple[list[Config], bytes]:
    """The manifest's weight specs ("<layer>/<variable>") and the concatenated float32 bytes."""
    specs, chunks = [], []
    for layer in model.layers:
        for name, values in layer_weights(layer):
            specs.append({"name": f"{layer.name}/{name}", "shape": list(values.shape),
                          "dtype": "float32"})
            chunks.append(values.tobytes())
    return specs, b"".join(chunks)


def export_model(model: keras.Model) -> BrowserModel:
    """A functional Keras model as TensorFlow.js's layers model; raises `UnsupportedLayer`."""
    import keras

    topology = model_topology(model)
    specs, weights = weight_entries(model)
    model_json = {
        "format": "layers-model",
        "generatedBy": f"keras {keras.__version__}",
        "convertedBy": "ae_models.browser_export",
        # Through JSON and back: tuples become lists, so the dict equals what the browser reads.
        "modelTopology": json.loads(json.dumps(topology)),
        "weightsManifest": [{"paths": [WEIGHTS_FILE], "weights": specs}],
    }
    return BrowserModel(model_json, weights)


def browser_encoder(autoencoder: Autoencoder) -> keras.Model:
    """The encoder the browser runs: a VAE's mean head only (what `Autoencoder.encode` returns),
    which also leaves out the `Sampling` layer TensorFlow.js does not have."""
    import keras

    encoder = autoencoder.encoder
    if not autoencoder.spec.is_vae:
        return encoder
    return keras.Model(encoder.input, encoder.outputs[0], name=f"{encoder.name}_mean")


def export_autoencoder(autoencoder: Autoencoder) -> dict[str, BrowserModel]:
    """{"encoder": ..., "decoder": ...}: both halves of a loaded model in their browser form."""
    return {"encoder": export_model(browser_encoder(autoencoder)),
            "decoder": export_model(autoencoder.decoder)}
