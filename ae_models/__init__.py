"""Autoencoder Lab's ML core: data, preprocessing, corruptions, metrics, the model zoo and its CLIs.

Importable without Streamlit. TensorFlow is imported only when a model is loaded or built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .registry import MODELS, REGISTRY, ModelSpec, TrainingSettings, get_spec, model_keys

if TYPE_CHECKING:
    from .loading import Autoencoder


def load(key: str) -> "Autoencoder":
    """Load a shipped model (see `ae_models.loading.load`); TensorFlow is imported on first use."""
    from .loading import load as _load

    return _load(key)


__all__ = ["MODELS", "REGISTRY", "ModelSpec", "TrainingSettings", "get_spec", "model_keys", "load"]
