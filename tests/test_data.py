"""Data loading (IDX files, the search order, its error message) and the synthetic digits."""

from __future__ import annotations

import dataclasses
import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from ae_models import data
from ae_models.data import (
    IDX_FILES,
    DatasetUnavailable,
    canvas_style_digits,
    load_dataset,
    read_idx,
    synthetic_digits,
)


def idx_bytes(array: np.ndarray) -> bytes:
    """An unsigned-byte IDX file: 0x0000, type 0x08, ndim, big-endian dims, then the bytes."""
    array = np.asarray(array, dtype=np.uint8)
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    return header + array.tobytes()


def write_idx(path: Path, array: np.ndarray) -> Path:
    raw = idx_bytes(array)
    path.write_bytes(gzip.compress(raw) if path.suffix == ".gz" else raw)
    return path


def tiny_set(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 6, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 4, dtype=np.uint8),
    }


def centre_of_mass(images: np.ndarray) -> np.ndarray:
    """(N, 2) row/column centres of mass in pixel indices."""
    mass = images.astype(np.float64)
    total = mass.sum(axis=(1, 2))
    index = np.arange(images.shape[1])
    rows = (mass.sum(axis=2) * index).sum(axis=1) / total
    cols = (mass.sum(axis=1) * index).sum(axis=1) / total
    return np.stack([rows, cols], axis=1)


# --- IDX files --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_read_idx_images_and_labels(tmp_path: Path, suffix: str) -> None:
    images = np.arange(3 * 28 * 28, dtype=np.int64).reshape(3, 28, 28) % 256
    labels = np.array([7, 0, 9], np.uint8)
    got_images = read_idx(write_idx(tmp_path / f"images-idx3-ubyte{suffix}", images))
    got_labels = read_idx(write_idx(tmp_path / f"labels-idx1-ubyte{suffix}", labels))
    assert got_images.dtype == np.uint8 and got_images.shape == (3, 28, 28)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    got_images[0, 0, 0] = 1  # a writable copy, not a view of a read-only buffer


def test_read_idx_rejects_other_types(tmp_path: Path) -> None:
    path = tmp_path / "floats-idx1"
    path.write_bytes(struct.pack(">HBBI", 0, 0x0D, 1, 1) + struct.pack(">f", 1.0))
    with pytest.raises(ValueError, match="unsigned-byte IDX"):
        read_idx(path)


# --- load_dataset -----------------------------------------------------------------------------


def test_load_dataset_from_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    folder.mkdir()
    arrays = tiny_set()
    for key, stem in IDX_FILES.items():
        write_idx(folder / f"{stem}.gz", arrays[key])
    dataset = load_dataset("mnist", data_dir=tmp_path, allow_download=False)
    assert dataset.name == "mnist" and dataset.class_names == [str(d) for d in range(10)]
    for key, expected in arrays.items():
        got = getattr(dataset, key)
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, expected)


def test_source_says_where_from_in_words_without_a_path(tmp_path: Path, monkeypatch) -> None:
    """Cards and metrics record `source`, and they ship: a folder of this machine would be noise."""
    debian = tmp_path / "debian-fashion"
    debian.mkdir()
    arrays = tiny_set()
    for key, stem in IDX_FILES.items():
        write_idx(tmp_path / stem, arrays[key])
        write_idx(debian / stem, arrays[key])
    monkeypatch.delenv(data.DATA_DIR_ENV, raising=False)
    monkeypatch.setitem(data.DATASETS, "fashion_mnist",
                        dataclasses.replace(data.DATASETS["fashion_mnist"], debian_dir=debian))
    from_dir = load_dataset("mnist", data_dir=tmp_path, allow_download=False).source
    from_debian = load_dataset("fashion_mnist", allow_download=False).source
    assert from_dir == f"MNIST, from a data directory ({data.DATA_DIR_ENV} / --data-dir)"
    assert from_debian.startswith("Fashion-MNIST, from Debian's")
    for source in (from_dir, from_debian):
        assert str(tmp_path) not in source and "/" not in source.replace(" / ", "")


def test_explicit_folder_beats_the_environment(tmp_path: Path, monkeypatch) -> None:
    env_root, explicit_root = tmp_path / "env", tmp_path / "explicit"
    for root, seed in ((env_root, 1), (explicit_root, 2)):
        folder = root / "mnist"
        folder.mkdir(parents=True)
        arrays = tiny_set(seed)
        for key, stem in IDX_FILES.items():
            write_idx(folder / stem, arrays[key])  # plain (not gzipped) files work too
    monkeypatch.setenv(data.DATA_DIR_ENV, str(env_root))
    from_env = load_dataset("mnist", allow_download=False)
    from_explicit = load_dataset("mnist", explicit_root, allow_download=False)
    np.testing.assert_array_equal(from_env.x_train, tiny_set(1)["x_train"])
    np.testing.assert_array_equal(from_explicit.x_train, tiny_set(2)["x_train"])


def test_nothing_anywhere_lists_what_was_tried(tmp_path: Path, monkeypatch) -> None:
    empty_env, empty_debian = tmp_path / "env", tmp_path / "debian-mnist"
    empty_env.mkdir()
    monkeypatch.setenv(data.DATA_DIR_ENV, str(empty_env))
    monkeypatch.setitem(data.DATASETS, "mnist",
                       dataclasses.replace(data.DATASETS["mnist"], debian_dir=empty_debian))
    with pytest.raises(DatasetUnavailable) as info:
        load_dataset("mnist", allow_download=False)
    message = str(info.value)
    assert str(empty_env / "mnist") in message
    assert str(empty_env) in message
    assert str(empty_debian) in message
    assert data.DATA_DIR_ENV in message  # and how to fix it


def test_unknown_dataset_name() -> None:
    with pytest.raises(ValueError, match="fashion_mnist"):
        load_dataset("cifar10", allow_download=False)


# --- Digits we draw ---------------------------------------------------------------------------


@pytest.mark.parametrize("make", [synthetic_digits, canvas_style_digits])
def test_drawn_digits_look_like_mnist(make) -> None:
    images, labels = make(40, seed=3)
    assert images.shape == (40, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (40,) and labels.dtype == np.uint8
    assert labels.min() >= 0 and labels.max() <= 9
    assert np.all(images.reshape(40, -1).max(axis=1) > 128), "every image has ink"
    distance = np.hypot(*(centre_of_mass(images) - 14.0).T)
    assert distance.mean() <= 1.5, distance
    # White ink on black: the border is (almost) empty.
    assert images[:, :2].mean() < 5 and images[:, :, :2].mean() < 5


@pytest.mark.parametrize("make", [synthetic_digits, canvas_style_digits])
def test_drawn_digits_are_deterministic_by_seed(make) -> None:
    a_images, a_labels = make(12, seed=5)
    b_images, b_labels = make(12, seed=5)
    np.testing.assert_array_equal(a_images, b_images)
    np.testing.assert_array_equal(a_labels, b_labels)
    c_images, _ = make(12, seed=6)
    assert not np.array_equal(a_images, c_images)


def test_canvas_style_digits_cycle_through_every_class() -> None:
    _, labels = canvas_style_digits(20, seed=0)
    np.testing.assert_array_equal(labels, np.arange(20) % 10)
