"""The user's current input, kept in session state so it follows them from page to page."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

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


def presenter_mode() -> bool:
    """Projector mode: bigger images and text, explanations and secondary controls hidden."""
    return bool(st.session_state.get("presenter", False))
