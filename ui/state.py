"""The user's current input, kept in session state so it follows them from page to page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np
import streamlit as st

from ae_models.data import DATASETS
from ae_models.registry import resolve

_INPUT_KEY = "current_input"


@dataclass(frozen=True)
class CurrentInput:
    image: np.ndarray  # (28, 28) float32 in [0, 1], MNIST-style
    source: str  # "drawing", "upload: name.png", "example: test digit 7"
    label: int | None = None  # known class of an example, else None


def current_input() -> CurrentInput | None:
    return st.session_state.get(_INPUT_KEY)


def set_input(image: np.ndarray, source: str, label: int | None = None) -> None:
    st.session_state[_INPUT_KEY] = CurrentInput(np.asarray(image, np.float32), source, label)


def clear_input() -> None:
    st.session_state.pop(_INPUT_KEY, None)


_LIVE_KEY = "live_model"
_LIVE_ID_KEY = "live_model_id"


def live_model():
    """This session's own model from the "Train it live" page (a loading.Autoencoder), or None.

    It lives in session state: one class member's model never shows up in another's session.
    """
    return st.session_state.get(_LIVE_KEY)


def live_model_id() -> str | None:
    """A random id given to each live model when it is trained: cached results are keyed on it."""
    return st.session_state.get(_LIVE_ID_KEY)


def set_live_model(model) -> None:
    st.session_state[_LIVE_KEY] = model
    st.session_state[_LIVE_ID_KEY] = uuid.uuid4().hex


PRESENTER_KEY = "presenter"


def presenter_mode() -> bool:
    """Projector mode: bigger images and text, explanations and secondary controls hidden."""
    return bool(st.session_state.get(PRESENTER_KEY, False))


DATASET_KEY = "dataset"


def dataset() -> str:
    """The data set the pages show models of ("mnist" or "fashion_mnist"); set in the sidebar."""
    name = st.session_state.get(DATASET_KEY)
    return name if name in DATASETS else "mnist"


def model_for(role: str) -> str | None:
    """The model playing `role` (an MNIST key such as "vae_2d") on the chosen data set."""
    return resolve(role, dataset())


def per_dataset(widget_key: str) -> str:
    """A widget key of its own per data set (its options differ); MNIST keeps the plain key,
    so existing links still work."""
    name = dataset()
    return widget_key if name == "mnist" else f"{widget_key}_{name}"
