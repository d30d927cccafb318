"""Images to show and train on: the real data set when it is on this machine, else our own.

Read once per process (decoding the IDX files takes seconds) and shared: treat as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from ae_models.arrays import to_float
from ae_models.data import DATASETS, dataset_available, load_dataset, synthetic_digits
from ae_models.registry import resolve
from ui.model_cache import get_model, latents, title_of


@dataclass(frozen=True)
class Examples:
    images: np.ndarray  # float32 (N, 28, 28)
    labels: np.ndarray
    source: str


@st.cache_resource(show_spinner="Reading the data set...")
def local_dataset(dataset: str):
    """The data set from this machine, read once per process (decoding the IDX files takes
    seconds), or None when it is not here. Shared: read-only."""
    if not dataset_available(dataset):
        return None
    try:
        return load_dataset(dataset, allow_download=False)
    except Exception:
        return None


@st.cache_resource(show_spinner="Loading examples...")
def examples(dataset: str = "mnist", n: int = 500) -> Examples:
    """Test images when the data set is on this machine; otherwise digits we draw ourselves
    (MNIST), or clothes rebuilt from the shipped test codes (Fashion-MNIST)."""
    name = DATASETS[dataset].name
    if (data := local_dataset(dataset)) is not None:
        return Examples(to_float(data.x_test[:n]), data.y_test[:n],
                        f"{name} test set")
    if dataset != "mnist":
        rebuilt = _rebuilt_from_codes(resolve("conv", dataset), n)
        if rebuilt is not None:
            return rebuilt
    images, labels = synthetic_digits(min(n, 100), seed=7)
    return Examples(to_float(images), labels, f"synthetic digits (no {name} here)")


def _rebuilt_from_codes(key: str | None, n: int) -> Examples | None:
    """Test images decoded from the codes shipped in latents.npz: examples without the data set."""
    data = latents(key) if key else None
    status = get_model(key) if data is not None else None
    if status is None or status.model is None:
        return None
    codes = np.asarray(data["codes"][:n], np.float32)
    images = np.clip(status.model.decode(codes), 0.0, 1.0).astype(np.float32)
    return Examples(images, np.asarray(data["labels"][:n]),
                    f"test images rebuilt by {title_of(key)} (data set not on this machine)")


@dataclass(frozen=True)
class TrainingImages:
    train: np.ndarray  # float32 (N, 28, 28)
    val: np.ndarray
    source: str


LIVE_VALIDATION = 500
SYNTHETIC_TRAIN_CAP = 2000  # drawing digits costs ~3 ms each: keep the fallback quick


@st.cache_resource(show_spinner="Preparing training images...")
def training_images(dataset: str = "mnist", n: int = 3000) -> TrainingImages:
    """Images for the live-training page: the real training set when it is here, else ours."""
    name = DATASETS[dataset].name
    if (data := local_dataset(dataset)) is not None:
        return TrainingImages(to_float(data.x_train[:n]),
                              to_float(data.x_train[-LIVE_VALIDATION:]),
                              f"{name} training set")
    count = min(n, SYNTHETIC_TRAIN_CAP)
    x, _ = synthetic_digits(count + LIVE_VALIDATION // 2, seed=11)
    x = to_float(x)
    return TrainingImages(x[:count], x[count:], f"synthetic digits (no {name} here)")
