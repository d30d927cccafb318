"""The loader: clear errors for missing, altered and unsafe files; encode/decode shapes; VAE sampling.

Every test works on a scratch copy of shipped models in a temporary AE_WEIGHTS_DIR, so the real
weights/ folder is never touched (and a training run rewriting it does not disturb the tests).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import keras
import numpy as np
import pytest

from ae_models.artifacts import DEFAULT_WEIGHTS_DIR, MODEL_FILES, sha256
from ae_models.loading import Autoencoder, ModelLoadError, load
from ae_models.registry import REGISTRY

SMALL = "conv"  # the smallest shipped model (about 190 kB)
VAE = "vae_2d"


def copy_shipped(keys: list[str], dest: Path) -> None:
    """Copy the models' files and their manifest entries into a scratch weights folder."""
    entries = {}
    for key in keys:
        source = DEFAULT_WEIGHTS_DIR / key
        if not all((source / name).is_file() for name in MODEL_FILES):
            pytest.skip(f"shipped model {key} is missing (python -m ae_models.train {key})")
        shutil.copytree(source, dest / key)
        for name in MODEL_FILES:
            # Checksum of the copy itself: the shipped manifest may be mid-update by a training run.
            entries[f"{key}/{name}"] = sha256(dest / key / name)
    (dest / "manifest.json").write_text(json.dumps(entries, indent=2))


def set_checksum(weights: Path, key: str, name: str) -> None:
    manifest_file = weights / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest[f"{key}/{name}"] = sha256(weights / key / name)
    manifest_file.write_text(json.dumps(manifest))


@pytest.fixture
def small(scratch_weights: Path) -> Path:
    copy_shipped([SMALL], scratch_weights)
    return scratch_weights


@pytest.fixture(scope="module")
def conv_model(tmp_path_factory) -> Autoencoder:
    folder = tmp_path_factory.mktemp("weights")
    copy_shipped([SMALL], folder)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AE_WEIGHTS_DIR", str(folder))
        return load(SMALL)


@pytest.fixture(scope="module")
def vae_model(tmp_path_factory) -> Autoencoder:
    folder = tmp_path_factory.mktemp("weights")
    copy_shipped([VAE], folder)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AE_WEIGHTS_DIR", str(folder))
        return load(VAE)


def test_shipped_manifest_matches_the_shipped_files() -> None:
    manifest = json.loads((DEFAULT_WEIGHTS_DIR / "manifest.json").read_text())
    shipped = [key for key in REGISTRY if (DEFAULT_WEIGHTS_DIR / key).is_dir()]
    assert shipped, "no trained models in weights/"
    for key in shipped:
        for name in MODEL_FILES:
            assert manifest.get(f"{key}/{name}") == sha256(DEFAULT_WEIGHTS_DIR / key / name), \
                f"weights/manifest.json is out of date for {key}/{name}"


# --- Errors -----------------------------------------------------------------------------------


def test_scratch_copy_loads(small: Path) -> None:
    model = load(SMALL)
    assert model.key == SMALL and model.spec is REGISTRY[SMALL]


def test_missing_file_names_the_model_and_the_rebuild_command(small: Path) -> None:
    (small / SMALL / "encoder.keras").unlink()
    with pytest.raises(ModelLoadError) as info:
        load(SMALL)
    message = str(info.value)
    assert f"'{SMALL}'" in message
    assert "encoder.keras" in message and "missing" in message
    assert f"python -m ae_models.train {SMALL}" in message
    assert info.value.key == SMALL


def test_file_missing_from_the_manifest(small: Path) -> None:
    (small / "manifest.json").write_text("{}")
    with pytest.raises(ModelLoadError, match="manifest"):
        load(SMALL)


def test_truncated_file_fails_the_checksum(small: Path) -> None:
    path = small / SMALL / "encoder.keras"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ModelLoadError, match="checksum"):
        load(SMALL)


def test_truncated_file_with_matching_checksum_is_refused_by_keras(small: Path) -> None:
    # Someone "fixed" the manifest after the file got cut: Keras itself must still refuse it.
    path = small / SMALL / "decoder.keras"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    set_checksum(small, SMALL, "decoder.keras")
    with pytest.raises(ModelLoadError, match="Keras refused") as info:
        load(SMALL)
    assert f"python -m ae_models.train {SMALL}" in str(info.value)


def test_altered_byte_fails_the_checksum(small: Path) -> None:
    path = small / SMALL / "decoder.keras"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="checksum") as info:
        load(SMALL)
    assert "decoder.keras" in str(info.value)


def test_lambda_layer_is_refused_by_safe_mode(small: Path) -> None:
    images = keras.Input((28, 28, 1))
    x = keras.layers.Flatten()(images)
    x = keras.layers.Lambda(lambda t: t * 2.0)(x)  # arbitrary Python code inside the file
    code = keras.layers.Dense(REGISTRY[SMALL].code_size)(x)
    path = small / SMALL / "encoder.keras"
    path.unlink()
    keras.Model(images, code).save(path)
    set_checksum(small, SMALL, "encoder.keras")  # a "trusted" checksum: safe_mode is the last line

    with pytest.raises(ModelLoadError) as info:
        load(SMALL)
    message = str(info.value)
    assert "lambda" in message.lower()
    assert f"python -m ae_models.train {SMALL}" in message


def test_unknown_key_lists_known_models(small: Path) -> None:
    with pytest.raises(KeyError) as info:
        load("no_such_model")
    message = str(info.value)
    assert "no_such_model" in message
    for key in REGISTRY:
        assert key in message


# --- Shapes -----------------------------------------------------------------------------------


def test_encode_decode_shapes(conv_model: Autoencoder, synthetic_batch: np.ndarray) -> None:
    size = conv_model.spec.code_size
    image = synthetic_batch[0, ..., 0]  # (28, 28)
    code = conv_model.encode(image)
    assert code.shape == (size,) and code.dtype == np.float32
    assert conv_model.decode(code).shape == (28, 28)
    assert conv_model.reconstruct(image).shape == (28, 28)

    batch = synthetic_batch[:5, ..., 0]  # (5, 28, 28)
    codes = conv_model.encode(batch)
    assert codes.shape == (5, size)
    assert conv_model.encode(synthetic_batch[:5]).shape == (5, size)  # (N, 28, 28, 1) too
    np.testing.assert_allclose(codes[0], code, atol=1e-6)
    decoded = conv_model.decode(codes)
    assert decoded.shape == (5, 28, 28)
    assert decoded.min() >= 0 and decoded.max() <= 1
    np.testing.assert_allclose(conv_model.reconstruct(batch), decoded, atol=1e-6)


@pytest.mark.parametrize("fixture", ["conv_model", "vae_model"])
def test_code_and_image_is_encode_and_reconstruct_in_one_call(
        fixture: str, synthetic_batch: np.ndarray, request: pytest.FixtureRequest) -> None:
    model = request.getfixturevalue(fixture)
    image, batch = synthetic_batch[0, ..., 0], synthetic_batch[:3, ..., 0]
    code, rebuilt = model.code_and_image(image)
    assert code.shape == (model.spec.code_size,) and rebuilt.shape == (28, 28)
    np.testing.assert_allclose(code, model.encode(image), atol=1e-6)
    np.testing.assert_allclose(rebuilt, model.reconstruct(image), atol=1e-6)  # a VAE's mean
    codes, images = model.code_and_image(batch)
    assert codes.shape == (3, model.spec.code_size) and images.shape == (3, 28, 28)
    np.testing.assert_allclose(images, model.reconstruct(batch), atol=1e-6)


def test_wrong_image_size_is_rejected(conv_model: Autoencoder) -> None:
    with pytest.raises(ValueError, match="28x28"):
        conv_model.encode(np.zeros((32, 32), np.float32))


def test_vae_mean_reconstruction_is_deterministic(vae_model: Autoencoder,
                                                  synthetic_batch: np.ndarray) -> None:
    images = synthetic_batch[:4, ..., 0]
    first = vae_model.reconstruct(images, sample=False)
    np.testing.assert_array_equal(first, vae_model.reconstruct(images, sample=False))
    np.testing.assert_array_equal(first, vae_model.reconstruct(images))
    mean, log_var = vae_model.encode_distribution(images)
    assert mean.shape == log_var.shape == (4, vae_model.spec.code_size)
    np.testing.assert_allclose(vae_model.encode(images), mean, atol=1e-6)


def test_vae_sampling_depends_on_the_seed(vae_model: Autoencoder, synthetic_batch: np.ndarray) -> None:
    image = synthetic_batch[0, ..., 0]
    one = vae_model.reconstruct(image, sample=True, seed=1)
    assert one.shape == (28, 28)
    np.testing.assert_array_equal(one, vae_model.reconstruct(image, sample=True, seed=1))
    two = vae_model.reconstruct(image, sample=True, seed=2)
    assert not np.array_equal(one, two)


def test_encode_distribution_is_vae_only(conv_model: Autoencoder) -> None:
    with pytest.raises(TypeError):
        conv_model.encode_distribution(np.zeros((28, 28), np.float32))
