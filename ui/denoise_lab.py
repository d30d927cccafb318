"""The Denoising lab's computations and its cross-over verdict, apart from the page's layout.

Cached results are keyed on what identifies the weights (`model_cache.weights_id`), never on the
word "live": a session's own model must not be served to another session from the cache. The
models themselves are passed in with a leading underscore, which `st.cache_data` does not hash.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import streamlit as st

from ae_models import sweeps
from ae_models.baselines import fit_pca
from ae_models.corruption import crosshair, gaussian_noise
from ui.example_images import local_dataset
from ui.model_cache import get_model, title_of, weights_id

SEED = 0
PCA_K = 32
PCA_TRAIN = 10_000


def db(value: float) -> str:
    """A PSNR for a reader: NaN means every output equals the clean digit."""
    return "perfect" if math.isnan(value) else f"{value:.1f} dB"


@st.cache_resource(show_spinner=f"Fitting PCA-{PCA_K} on the training images...")
def pca(dataset: str) -> tuple[np.ndarray, np.ndarray] | None:
    """PCA-32 fitted once per process on 10,000 training images, or None without the data here."""
    data = local_dataset(dataset)
    return None if data is None else fit_pca(data.x_train[:PCA_TRAIN], PCA_K)


def baselines(dataset: str, with_pca: bool) -> dict[str, sweeps.Denoiser]:
    return sweeps.baseline_denoisers(pca(dataset) if with_pca else None)


def model_denoisers(keys: tuple[str, ...]) -> dict[str, sweeps.Denoiser]:
    """Each model's `reconstruct` under its title; `keys` are models known to load."""
    return {title_of(key): get_model(key).model.reconstruct for key in keys}


def model_curve(key: str, clean: np.ndarray, sigmas: tuple[float, ...]) -> list[float]:
    """One model's PSNR per sigma: cached per model, so adding a model only computes that one."""
    return _model_curve(weights_id(key), get_model(key).model.reconstruct, clean, sigmas)


@st.cache_data(show_spinner="Sweeping the noise levels...", max_entries=64)
def _model_curve(weights: str, _reconstruct: sweeps.Denoiser, clean: np.ndarray,
                 sigmas: tuple[float, ...]) -> list[float]:
    curves = sweeps.psnr_sweep({"model": _reconstruct}, clean, sigmas, SEED, include_input=False)
    return curves["model"]


@st.cache_data(show_spinner="Sweeping the noise levels...", max_entries=16)
def baseline_curves(dataset: str, clean: np.ndarray, sigmas: tuple[float, ...],
                    with_pca: bool) -> dict[str, list[float]]:
    return sweeps.psnr_sweep(baselines(dataset, with_pca), clean, sigmas, SEED)


def crosshair_scores(keys: tuple[str, ...], dataset: str, with_pca: bool, clean: np.ndarray,
                     thickness: int, row: int, col: int,
                     random_position: bool) -> dict[str, dict[str, float]]:
    """Every method's mean PSNR on crosshaired `clean`, and its gain over the crosshaired input."""
    ids = tuple(weights_id(key) for key in keys)
    denoisers = {**model_denoisers(keys), **baselines(dataset, with_pca)}
    return _crosshair_scores(ids, denoisers, dataset, with_pca, clean, thickness, row, col,
                             random_position)


@st.cache_data(show_spinner="Scoring the crosshairs...", max_entries=32)
def _crosshair_scores(weights: tuple[str, ...], _denoisers: dict[str, sweeps.Denoiser],
                      dataset: str, with_pca: bool, clean: np.ndarray, thickness: int, row: int,
                      col: int, random_position: bool) -> dict[str, dict[str, float]]:
    corrupted = crosshair(clean, thickness, row, col, random_position=random_position, seed=SEED)
    rows = sweeps.gallery(_denoisers, corrupted, "crosshaired input")
    return sweeps.psnr_table(rows, clean, "crosshaired input")


def crossover(keys: tuple[str, ...], clean: np.ndarray, sigma: float, thickness: int, row: int,
              col: int, random_position: bool) -> tuple[dict, dict]:
    """The specialists' mean PSNR on each corruption (rows keyed like `keys`), and the
    corrupted inputs' own PSNR."""
    ids = tuple(weights_id(key) for key in keys)
    reconstructs = {key: get_model(key).model.reconstruct for key in keys}
    return _crossover(ids, reconstructs, clean, sigma, thickness, row, col, random_position)


@st.cache_data(show_spinner="Measuring the cross-over...", max_entries=32)
def _crossover(weights: tuple[str, ...], _reconstructs: dict[str, sweeps.Denoiser],
               clean: np.ndarray, sigma: float, thickness: int, row: int, col: int,
               random_position: bool) -> tuple[dict, dict]:
    corruptions = {
        "gauss": gaussian_noise(clean, sigma, seed=SEED),
        "cross": crosshair(clean, thickness, row, col, random_position=random_position, seed=SEED),
    }
    table = sweeps.crossover_table(_reconstructs, clean, corruptions)
    inputs = {kind: sweeps.mean_psnr(clean, batch) for kind, batch in corruptions.items()}
    return table, inputs


def crossover_verdict(table: Mapping[str, Mapping[str, float]], inputs: Mapping[str, float],
                      sigma: float, gauss_key: str, cross_key: str,
                      corruption_names: Mapping[str, str]) -> list[str]:
    """What the cross-over table says, in Markdown lines: does each specialist win on its own
    corruption, and does it do better than the corrupted input on the other one?"""
    lines = []
    if len(table) == 2 and sigma == 0:
        lines.append("With σ = 0 there is no noise to remove: raise the noise sigma above.")
    elif len(table) == 2:
        winners = sweeps.crossover_winners(table)
        if winners["gauss"][0] == gauss_key and winners["cross"][0] == cross_key:
            lines.append(
                f"**Each specialist wins on its own corruption**, by "
                f"{winners['gauss'][1]:.1f} dB on noise and {winners['cross'][1]:.1f} dB on "
                f"crosshairs. A denoising autoencoder learns to undo the corruption it was "
                f"trained on, not a general idea of *clean*.")
        else:
            lines.append("Here the specialists do **not** each win on their own corruption: "
                         "try stronger noise or a thicker crosshair.")
    for key, foreign in ((gauss_key, "cross"), (cross_key, "gauss")):
        if key in table:
            value, base = table[key][foreign], inputs[foreign]
            verdict = "better than" if value > base else "no better than"
            lines.append(f"* {title_of(key)} on *{corruption_names[foreign].lower()}*: "
                         f"{db(value)}, {verdict} the corrupted input ({db(base)}).")
    return lines
