"""Models, latents, cards and examples, loaded once per process and shared by every session.

Everything returned here is shared between users: treat it as read-only.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

import numpy as np
import streamlit as st

from ae_models import artifacts
from ae_models.data import CLASS_NAMES, dataset_available, load_dataset, synthetic_digits
from ae_models.registry import get_spec


@dataclass(frozen=True)
class ModelStatus:
    model: object | None  # ae_models.loading.Autoencoder when it loaded
    error: str | None


@st.cache_resource(show_spinner="Loading model...")
def _load(key: str):
    from ae_models.loading import load

    model = load(key)
    # Move everything alive now (TensorFlow, Keras, this model) out of the garbage collector's
    # view: they live as long as the process, and scanning them made collections during a
    # stroke take up to a second on 2 cores.
    gc.freeze()
    return model


def get_model(key: str) -> ModelStatus:
    """The loaded model, or the reason it cannot be loaded (failures are not cached)."""
    from ae_models.loading import ModelLoadError

    try:
        return ModelStatus(_load(key), None)
    except ModelLoadError as exc:
        return ModelStatus(None, str(exc))
    except Exception as exc:  # anything else still must not break the page
        return ModelStatus(None, f"Model '{key}' could not be loaded ({type(exc).__name__}: {exc}). "
                                 f"Rebuild it with: python -m ae_models.train {key}")


@st.cache_data(show_spinner=False)
def latents(key: str) -> dict[str, np.ndarray] | None:
    try:
        return artifacts.read_latents(key)
    except (OSError, ValueError, KeyError):
        return None


@st.cache_data(show_spinner=False)
def card(key: str) -> dict | None:
    try:
        return artifacts.read_card(key)
    except (OSError, ValueError):
        return None


@st.cache_data(show_spinner=False)
def history(key: str) -> dict | None:
    try:
        return artifacts.read_history(key)
    except (OSError, ValueError):
        return None


@st.cache_data(show_spinner=False)
def metrics() -> dict:
    try:
        return artifacts.read_metrics()
    except (OSError, ValueError):
        return {}


def class_names(key: str) -> list[str]:
    return CLASS_NAMES[get_spec(key).dataset]


@dataclass(frozen=True)
class Examples:
    images: np.ndarray  # float32 (N, 28, 28)
    labels: np.ndarray
    source: str


@st.cache_resource(show_spinner="Loading example digits...")
def examples(n: int = 500) -> Examples:
    """Test digits when the data set is on this machine, otherwise digits we draw ourselves."""
    if dataset_available("mnist"):
        try:
            data = load_dataset("mnist", allow_download=False)
            return Examples(data.x_test[:n].astype(np.float32) / 255, data.y_test[:n],
                            "MNIST test set")
        except Exception:
            pass
    images, labels = synthetic_digits(min(n, 100), seed=7)
    return Examples(images.astype(np.float32) / 255, labels, "synthetic digits (no MNIST here)")
