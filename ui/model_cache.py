"""The per-process model cache, and the one way a page looks a model up.

A page names a model by a *key*: a registry key, or `LIVE_KEY` for this session's own model from
*Train it live*. `get_model`, `spec_of` and `weights_id` know both kinds; nothing outside
`ae_models` indexes the registry with a key that came from a picker. Models, latents, cards and
metrics are loaded once per process and shared by every session: treat them as read-only.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from ae_models import artifacts
from ae_models.data import DATASETS
from ae_models.registry import LIVE_KEY, ModelSpec, get_spec
from ui import state


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


_warm_up_started = threading.Event()
WARM_UP_THREAD = "model-warm-up"
# The warm-up waits this long after the first page: TensorFlow's import in this process slowed
# the static files a fresh page loads (TensorFlow.js, the models' browser form) by about 2 s,
# and the Draw page's live tiles waited for them (bench/RESULTS.md, cold start, 2026-12-01).
WARM_UP_DELAY_S = 3.0


def warm_up(keys: list[str]) -> None:
    """Load `keys` in a background thread, once per process: a fresh server answers the first
    stroke with models already loaded instead of loading them then (seconds of TensorFlow)."""
    if _warm_up_started.is_set():
        return
    _warm_up_started.set()
    # Streamlit warns once per cached call made outside a page's script; here that is the point.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: record.threadName != WARM_UP_THREAD)
    threading.Thread(target=_load_quietly, args=(tuple(keys),), name=WARM_UP_THREAD,
                     daemon=True).start()


def _load_quietly(keys: tuple[str, ...]) -> None:
    time.sleep(WARM_UP_DELAY_S)  # a page that needs a model sooner loads it itself
    for key in keys:
        try:
            _load(key)
        except Exception:  # noqa: BLE001  (the page reports it when the model is asked for)
            pass


def get_model(key: str) -> ModelStatus:
    """The loaded model, or the reason it cannot be loaded (failures are not cached).

    The key "live" is this session's model from the "Train it live" page.
    """
    from ae_models.loading import ModelLoadError

    if key == LIVE_KEY:
        live = state.live_model()
        return ModelStatus(live, None if live is not None else
                           "Nothing trained in this session yet: train one on the *Train it live* page.")
    try:
        return ModelStatus(_load(key), None)
    except ModelLoadError as exc:
        return ModelStatus(None, str(exc))
    except Exception as exc:  # anything else still must not break the page
        return ModelStatus(None, f"Model '{key}' could not be loaded ({type(exc).__name__}: {exc}). "
                                 f"Rebuild it with: {artifacts.rebuild_command(key)}")


def _stored(read: Callable[[str], Any], name: str) -> Any:
    """A file from weights/, or None when it is missing or unreadable: pages show what exists."""
    try:
        return read(name)
    except (OSError, ValueError, KeyError):
        return None


def latents(key: str) -> dict[str, np.ndarray] | None:
    """A model's test codes as latents.npz holds them; for this session's live model, worked
    out here from the data set's test images (its own codes, never a shipped model's)."""
    if key == LIVE_KEY:
        live = state.live_model()
        return None if live is None else _live_latents(weights_id(key), live, live.spec.dataset)
    return _stored_latents(key)


@st.cache_data(show_spinner=False)
def _stored_latents(key: str) -> dict[str, np.ndarray] | None:
    return _stored(artifacts.read_latents, key)


LIVE_LATENT_SAMPLE = 2000  # test digits the live model's map shows (encoded in about 0.2 s)


@st.cache_data(show_spinner="Encoding test digits with your model...", max_entries=8)
def _live_latents(weights: str, _model, dataset: str) -> dict[str, np.ndarray]:
    """Cached per trained model (`weights` is its random id), so a retrained model is new."""
    from ae_models.latent_maps import summarise_codes
    from ui.example_images import examples  # it reads this module: imported when needed

    sample = examples(dataset, n=LIVE_LATENT_SAMPLE)
    return summarise_codes(_model.encode(sample.images), sample.labels)


@st.cache_data(show_spinner=False)
def card(key: str) -> dict | None:
    return _stored(artifacts.read_card, key)


@st.cache_data(show_spinner=False)
def history(key: str) -> dict | None:
    return _stored(artifacts.read_history, key)


@st.cache_data(show_spinner=False)
def metrics(dataset: str = "mnist") -> dict:
    return _stored(artifacts.read_metrics, dataset) or {}


def spec_of(key: str) -> ModelSpec:
    """The registry entry, or this session's live model's description."""
    if key == LIVE_KEY and (live := state.live_model()) is not None:
        return live.spec
    return get_spec(key)


def title_of(key: str) -> str:
    return spec_of(key).title


def weights_id(key: str) -> str:
    """What identifies a model's weights, for cache keys: the registry key, or the id of this
    session's live model (never the bare word "live", which names a different model in every
    session and after every retraining)."""
    if key == LIVE_KEY:
        return f"{LIVE_KEY}:{state.live_model_id()}"
    return key


def class_names(key: str) -> list[str]:
    return list(DATASETS[spec_of(key).dataset].class_names)


def class_name(dataset: str, label: int) -> str:
    return DATASETS[dataset].class_names[int(label)]
