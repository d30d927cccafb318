"""The VAE explorer's cached computations: decoded grids and the KL each latent dimension costs.

The VAE explorer only shows shipped models (never a session's live one), so a registry key
identifies the weights; `weights_id` keeps that true if it ever offers the live model.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ae_models import latent_walks
from ui.example_images import examples
from ui.model_cache import get_model, metrics, spec_of, weights_id


def decoded(key: str, codes: np.ndarray) -> np.ndarray:
    """One batched decode per grid, remembered for the same codes (the model is cached already)."""
    return _decoded(weights_id(key), get_model(key).model.decode, codes)


@st.cache_data(show_spinner=False, max_entries=64)
def _decoded(weights: str, _decode, codes: np.ndarray) -> np.ndarray:
    return _decode(codes)


def kl_per_dim(key: str) -> tuple[np.ndarray, str]:
    """Average KL of each latent dimension: from the evaluation if stored, else over the examples."""
    return _kl_per_dim(weights_id(key), key)


@st.cache_data(show_spinner=False)
def _kl_per_dim(weights: str, key: str) -> tuple[np.ndarray, str]:
    spec = spec_of(key)
    stored = latent_walks.kl_from_metrics(metrics(spec.dataset), key)
    if stored is not None and len(stored) == spec.code_size:
        return stored, "the test set"
    ex = examples(spec.dataset)
    mean, log_var = get_model(key).model.encode_distribution(ex.images)
    return latent_walks.kl_per_dimension(mean, log_var), f"{len(ex.images)} example digits"
