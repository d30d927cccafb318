"""Denoising lab: noise sweeps, galleries and the cross-over between the two specialist models."""

import math

import numpy as np
import pandas as pd
import streamlit as st

from ae_models import sweeps
from ae_models.baselines import fit_pca
from ae_models.corruption import crosshair, gaussian_noise
from ae_models.registry import REGISTRY
from ui import state, widgets
from ui.figures import psnr_vs_sigma
from ui.images import image_grid, labelled_grid_png, upscale
from ui.models import examples, get_model, local_dataset

DEFAULT_MODELS = ["conv_denoise", "conv_crosshair", "conv", "dense"]  # roles: see state.model_for
GAUSS_ROLE, CROSS_ROLE = "conv_denoise", "conv_crosshair"
SOURCES = ["Current input", "Test digits"]
BATCH_SIZES = [16, 32, 64]
COPIES = 8  # noise draws of the current input averaged in the sweep and the tables
DRAWS = 4  # gallery columns for the current input (one per noise draw)
GALLERY_DIGITS = 6  # gallery columns for a batch of test digits
SEED = 0
PCA_K = 32
PCA_TRAIN = 10_000
CHART_CONFIG = {"displayModeBar": False}
PRESENTER_CHART_HEIGHT = 440  # px: the sweep under the title and controls at 1280x720

widgets.page_header("Denoising lab",
                    "Corrupt the digits, then let each autoencoder clean them up. A model trained on "
                    "corrupted inputs has learnt what digits look like, so it can tell **ink from noise**; "
                    "the classical filters only know that noise is spiky.")

widgets.explain("The denoising criterion, the data manifold, and PSNR", r"""
**Training.** A denoising autoencoder never sees its clean input: each training digit $x$ is
corrupted afresh into $\tilde x$ (Gaussian noise, a crosshair...) and the network is asked to give
back the *clean* digit. With encoder $f$ and decoder $g$ it minimises
$$\mathbb{E}_{x,\ \tilde x \sim q(\tilde x \mid x)}\ \big\lVert g(f(\tilde x)) - x \big\rVert^2 .$$
Copying the input is now useless, since the input is wrong.

**Why it learns the data manifold.** Real digits fill only a thin, curved sheet (a *manifold*) of
the 784-dimensional pixel space; noise pushes a digit off that sheet in a random direction. To undo
it, the network must learn to map every point near the sheet back onto the nearest digit on it,
which means learning what the sheet (what digits) looks like. A median filter or a blur knows
nothing about digits: it only removes what is spiky, and smears the strokes with it.

**Specialists.** *Denoising conv* was trained on Gaussian noise with $\sigma$ from 0 to 0.75,
*Crosshair remover* on crosshairs, *Convolutional* on clean digits only. Each learns to undo its
own corruption: the cross-over table at the bottom shows how little that carries over.

**PSNR** (peak signal-to-noise ratio) for pixels in $[0, 1]$:
$$\mathrm{PSNR} = 10 \log_{10} \frac{1}{\mathrm{MSE}}\ \text{dB}, \qquad
\mathrm{MSE} = \tfrac{1}{784} \textstyle\sum_i (x_i - \hat x_i)^2 .$$
Higher is better; +10 dB means ten times less squared error, +3 dB half. Gaussian noise of
$\sigma = 0.5$ on a digit gives about 9 dB, a good denoiser 18-20 dB.
""")


# --- Cached computations (keyed on simple arguments; the models come from the shared cache) ----

@st.cache_resource(show_spinner=f"Fitting PCA-{PCA_K} on the training images...")
def _pca(dataset: str) -> tuple[np.ndarray, np.ndarray] | None:
    """PCA-32 fitted once per process on 10,000 training images, or None without the data here."""
    data = local_dataset(dataset)
    return None if data is None else fit_pca(data.x_train[:PCA_TRAIN], PCA_K)


def _baselines(with_pca: bool) -> dict[str, sweeps.Denoiser]:
    return sweeps.baseline_denoisers(_pca(state.dataset()) if with_pca else None)


def _denoisers(keys: tuple[str, ...], with_pca: bool) -> dict[str, sweeps.Denoiser]:
    """Models (by title) then the classical baselines; `keys` are models known to load."""
    models = {REGISTRY[k].title: get_model(k).model.reconstruct for k in keys}
    return {**models, **_baselines(with_pca)}


@st.cache_data(show_spinner="Sweeping the noise levels...", max_entries=64)
def _model_curve(key: str, clean: np.ndarray, sigmas: tuple[float, ...], seed: int) -> list[float]:
    """One model's PSNR per sigma: cached per model, so adding a model only computes that one."""
    denoiser = {REGISTRY[key].title: get_model(key).model.reconstruct}
    return sweeps.psnr_sweep(denoiser, clean, sigmas, seed, include_input=False)[REGISTRY[key].title]


@st.cache_data(show_spinner="Sweeping the noise levels...", max_entries=16)
def _baseline_curves(clean: np.ndarray, sigmas: tuple[float, ...], seed: int,
                     with_pca: bool) -> dict[str, list[float]]:
    return sweeps.psnr_sweep(_baselines(with_pca), clean, sigmas, seed)


@st.cache_data(show_spinner="Scoring the crosshairs...", max_entries=32)
def _crosshair_scores(keys: tuple[str, ...], with_pca: bool, clean: np.ndarray, thickness: int,
                      row: int, col: int, random_position: bool) -> dict[str, dict[str, float]]:
    corrupted = crosshair(clean, thickness, row, col, random_position=random_position, seed=SEED)
    rows = sweeps.gallery(_denoisers(keys, with_pca), corrupted, "crosshaired input")
    return sweeps.psnr_table(rows, clean, "crosshaired input")


@st.cache_data(show_spinner="Measuring the cross-over...", max_entries=32)
def _crossover(keys: tuple[str, ...], clean: np.ndarray, sigma: float, thickness: int, row: int,
               col: int, random_position: bool) -> tuple[dict, dict]:
    """The specialists' mean PSNR on each corruption, and the corrupted inputs' own PSNR."""
    corruptions = {
        "gauss": gaussian_noise(clean, sigma, seed=SEED),
        "cross": crosshair(clean, thickness, row, col, random_position=random_position, seed=SEED),
    }
    table = sweeps.crossover_table({k: get_model(k).model.reconstruct for k in keys}, clean,
                                   corruptions)
    inputs = {kind: sweeps.mean_psnr(clean, batch) for kind, batch in corruptions.items()}
    return table, inputs


# --- Small layout helpers ------------------------------------------------------------------------

def _db(value: float) -> str:
    return "perfect" if math.isnan(value) else f"{value:.1f} dB"


def _gallery_png(rows: dict[str, np.ndarray], clean: np.ndarray, col_labels: list[str]) -> bytes:
    """The gallery as one labelled picture: a row per method, its PSNR on these digits in the label."""
    scores = sweeps.psnr_table(rows, clean, next(iter(rows)))
    labels = [f"{name}   {_db(scores[name]['psnr'])}" for name in rows]
    presenter = state.presenter_mode()
    return labelled_grid_png([list(images) for images in rows.values()], labels, col_labels,
                             scale=5 if presenter else 4, font_size=30 if presenter else 24)


def _psnr_frame(table: dict[str, dict[str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame({"PSNR (dB)": [v["psnr"] for v in table.values()],
                          "Gain (dB)": [v["gain"] for v in table.values()]},
                         index=pd.Index(list(table), name="Method"))
    return frame


# --- Page -----------------------------------------------------------------------------------------

left, right = st.columns([2, 3], gap="large")
with left:
    source = st.segmented_control("Digits", SOURCES, default=SOURCES[0], key="dn_source",
                                  bind="query-params") or SOURCES[0]
    if source == SOURCES[1]:
        n_digits = st.select_slider("How many test digits", BATCH_SIZES, value=32, key="dn_n",
                                    bind="query-params")
with right:
    chosen = widgets.model_picker(DEFAULT_MODELS, key="dn_models")

if source == SOURCES[0]:
    current = widgets.require_input()
    clean = sweeps.repeat_image(current.image, COPIES)  # several noise draws of the one digit
    gallery_clean = clean[:DRAWS]
    gallery_labels = [f"draw {i + 1}" for i in range(DRAWS)]
    about = f"your digit ({current.source}), averaged over {COPIES} noise draws"
    preview, preview_caption = current.image, "The digit"
else:
    ex = examples(state.dataset())
    clean = ex.images[:n_digits]
    gallery_clean = clean[:GALLERY_DIGITS]
    gallery_labels = [widgets.example_label(label) for label in ex.labels[:GALLERY_DIGITS]]
    about = f"{len(clean)} digits from the {ex.source}"
    preview = image_grid(clean[:16], cols=4)
    preview_caption = f"{min(16, len(clean))} of the {len(clean)} digits"

loaded: list[str] = []
for key in chosen:
    status = get_model(key)
    if status.model is None:
        widgets.model_error(key, status.error)
    else:
        loaded.append(key)
keys = tuple(loaded)
pca = _pca(state.dataset())
with_pca = pca is not None

# 1. PSNR against sigma ----------------------------------------------------------------------------
if not state.presenter_mode():  # on a projector the chart's own title says it
    st.subheader("PSNR against noise level", divider="gray")
sigmas = sweeps.DEFAULT_SIGMAS
baseline_curves = _baseline_curves(clean, sigmas, SEED, with_pca)
series = {REGISTRY[k].title: _model_curve(k, clean, sigmas, SEED) for k in keys}
series.update(baseline_curves)
chart_col, preview_col = st.columns([5, 1], vertical_alignment="center")
with chart_col:
    sweep_chart = psnr_vs_sigma(sigmas, series, f"Mean PSNR on {about}", dashed=set(baseline_curves))
    sweep_chart.update_layout(height=widgets.by_mode(sweep_chart.layout.height, PRESENTER_CHART_HEIGHT))
    st.plotly_chart(sweep_chart, key="dn_sweep_chart", config=CHART_CONFIG)
with preview_col:
    widgets.show_image(preview, preview_caption, scale=4 if preview.shape[0] > 28 else None)
notes = ["Dashed: no learning involved (the noisy input itself and the classical filters). "
         "At σ = 0 the input *is* the clean digit, so it has no point (infinite PSNR)."]
if not with_pca:
    notes.append(f"The PCA-{PCA_K} baseline is left out: it is fitted on the training set, "
                 "which is not on this machine.")
if not keys:
    notes.append("No model chosen (or none could be loaded): only the baselines are shown.")
st.caption(" ".join(notes))


@st.fragment
def galleries(keys: tuple[str, ...], with_pca: bool, clean: np.ndarray, gallery_clean: np.ndarray,
              gallery_labels: list[str], about: str, one_digit: bool, chosen: list[str]) -> None:
    """Sections 2-4: they share the noise level and the crosshair, so they rerun together."""
    denoisers = _denoisers(keys, with_pca)

    # 2. Gallery at one sigma ------------------------------------------------------------------
    st.subheader("Gallery at one noise level", divider="gray")
    sigma = st.slider("Noise sigma", 0.0, 1.0, 0.5, 0.05, key="dn_sigma", bind="query-params")
    noisy = gaussian_noise(gallery_clean, sigma, seed=SEED)
    rows = sweeps.gallery(denoisers, noisy, f"noisy input (σ {sigma:.2f})")
    st.image(_gallery_png(rows, gallery_clean, gallery_labels))
    st.caption("Each row's label gives its mean PSNR on these columns. The denoising model was "
               "trained on σ up to 0.75: push the slider past it to see it degrade gracefully.")

    # 3. Crosshairs ----------------------------------------------------------------------------
    st.subheader("Crosshairs", divider="gray")
    c1, c2, c3, c4 = st.columns(4, vertical_alignment="bottom")
    thickness = c1.slider("Line thickness", 1, 5, 2, key="dn_thickness", bind="query-params")
    random_position = c2.toggle("Random position", value=True, key="dn_random",
                                bind="query-params")
    row = col = 14
    if not random_position:
        row = c3.slider("Row", 0, 27, 14, key="dn_row", bind="query-params")
        col = c4.slider("Column", 0, 27, 14, key="dn_col", bind="query-params")
    cross_clean, cross_labels = gallery_clean, gallery_labels
    if one_digit and not random_position:  # the same digit, the same lines: one column
        cross_clean, cross_labels = gallery_clean[:1], ["your digit"]
    crossed = crosshair(cross_clean, thickness, row, col, random_position=random_position,
                        seed=SEED)
    cross_rows = sweeps.gallery(denoisers, crossed, "crosshaired input")
    gallery_col, table_col = st.columns([3, 2], gap="large")
    with gallery_col:
        st.image(_gallery_png(cross_rows, cross_clean, cross_labels))
    with table_col:
        scores = _crosshair_scores(keys, with_pca, clean, thickness, row, col, random_position)
        st.markdown(f"**PSNR and gain over the crosshaired input**, on {about}")
        st.table(_psnr_frame(scores).style.format("{:+.1f}", subset=["Gain (dB)"])
                 .format("{:.1f}", subset=["PSNR (dB)"])
                 .highlight_max(subset=["Gain (dB)"], props="font-weight: bold; "
                                "background-color: #d9ead3"))

    # 4. Cross-over ------------------------------------------------------------------------------
    st.subheader("Cross-over: does a specialist know the other corruption?", divider="gray")
    gauss_key, cross_key = state.model_for(GAUSS_ROLE), state.model_for(CROSS_ROLE)
    if cross_key is None:
        st.info("This data set has no crosshair specialist (only the MNIST zoo trains one), so "
                "there is no cross-over to show. Switch the data set to MNIST digits in the "
                "sidebar.", icon=":material/info:")
        return
    specialists = []
    for key in (gauss_key, cross_key):
        status = get_model(key)
        if status.model is None:
            if key not in chosen:  # already reported at the top otherwise
                widgets.model_error(key, status.error)
        else:
            specialists.append(key)
    if not specialists:
        st.info("Neither specialist model could be loaded, so there is no cross-over to show.")
        return
    table, inputs = _crossover(tuple(specialists), clean, sigma, thickness, row, col,
                               random_position)
    gauss_name = f"Gaussian noise σ {sigma:.2f}"
    cross_name = f"Crosshair, {thickness} px"
    names = {"gauss": gauss_name, "cross": cross_name}
    trained = {gauss_key: "trained on noise", cross_key: "trained on crosshairs"}
    frame = pd.DataFrame([[table[k]["gauss"], table[k]["cross"]] for k in specialists],
                         index=pd.Index([f"{REGISTRY[k].title} ({trained[k]})" for k in specialists],
                                        name="Model"),
                         columns=[gauss_name, cross_name])
    table_col, text_col = st.columns([3, 2], gap="large")
    with table_col:
        st.table(frame.style.format("{:.1f} dB").highlight_max(
            axis=0, props="font-weight: bold; background-color: #d9ead3"))
        st.caption(f"Mean PSNR on {about}. The corrupted inputs alone: "
                   f"{_db(inputs['gauss'])} (noise), {_db(inputs['cross'])} (crosshair).")
    with text_col:
        winners = sweeps.crossover_winners(table)
        lines = []
        if len(specialists) == 2 and sigma == 0:
            lines.append("With σ = 0 there is no noise to remove: raise the noise sigma above.")
        elif len(specialists) == 2:
            diagonal = winners["gauss"][0] == gauss_key and winners["cross"][0] == cross_key
            if diagonal:
                lines.append(
                    f"**Each specialist wins on its own corruption**, by "
                    f"{winners['gauss'][1]:.1f} dB on noise and {winners['cross'][1]:.1f} dB on "
                    f"crosshairs. A denoising autoencoder learns to undo the corruption it was "
                    f"trained on, not a general idea of *clean*.")
            else:
                lines.append("Here the specialists do **not** each win on their own corruption: "
                             "try stronger noise or a thicker crosshair.")
        for key, foreign in ((gauss_key, "cross"), (cross_key, "gauss")):
            if key in specialists:
                value, base = table[key][foreign], inputs[foreign]
                verdict = "better than" if value > base else "no better than"
                lines.append(f"* {REGISTRY[key].title} on *{names[foreign].lower()}*: "
                             f"{_db(value)}, {verdict} the corrupted input ({_db(base)}).")
        st.markdown("\n\n".join(lines))


galleries(keys, with_pca, clean, gallery_clean, gallery_labels, about, source == SOURCES[0],
          chosen)
