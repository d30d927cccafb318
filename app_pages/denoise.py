"""Denoising lab: noise sweeps, galleries and the cross-over between the two specialist models."""

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from ae_models import sweeps
from ae_models.corruption import crosshair, gaussian_noise
from ui import denoise_lab as lab
from ui import guess_first, state, widgets
from ui.denoise_lab import PCA_K, SEED, db
from ui.example_images import examples
from ui.figures import psnr_vs_sigma
from ui.images import image_grid, labelled_grid_png
from ui.model_cache import get_model, title_of

PAGE = "app_pages/denoise.py"  # as ui.navigation.PAGES names it
DEFAULT_MODELS = ["conv_denoise", "conv_crosshair", "conv", "dense"]  # roles: see state.model_for
GAUSS_ROLE, CROSS_ROLE = "conv_denoise", "conv_crosshair"
SOURCES = ["Current input", "Test digits"]
BATCH_SIZES = [16, 32, 64]
COPIES = 8  # noise draws of the current input averaged in the sweep and the tables
DRAWS = 4  # gallery columns for the current input (one per noise draw)
GALLERY_DIGITS = 6  # gallery columns for a batch of test digits
HIGHLIGHT = "font-weight: bold; background-color: #d9ead3"  # the best method in a table
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


# --- Small layout helpers ------------------------------------------------------------------------

def _gallery_png(rows: dict[str, np.ndarray], clean: np.ndarray, col_labels: list[str]) -> bytes:
    """The gallery as one labelled picture: a row per method, its PSNR on these digits in the label."""
    scores = sweeps.psnr_table(rows, clean, next(iter(rows)))
    labels = [f"{name}   {db(scores[name]['psnr'])}" for name in rows]
    presenter = state.presenter_mode()
    return labelled_grid_png([list(images) for images in rows.values()], labels, col_labels,
                             scale=5 if presenter else 4, font_size=30 if presenter else 24)


def _gallery_alt(rows: dict[str, np.ndarray], col_labels: list[str]) -> str:
    """The gallery in words: what its rows and columns are (the PSNRs are in the table beside)."""
    return (f"A grid of digits, one row per method ({', '.join(rows)}) with its mean PSNR on "
            f"them; columns: {', '.join(col_labels)}")


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
    guess_first.toggle("dn")
with right:
    chosen = widgets.model_picker(DEFAULT_MODELS, key="dn_models")

if source == SOURCES[0]:
    current = widgets.input_or_example()
    clean = sweeps.repeat_image(current.image, COPIES)  # several noise draws of the one digit
    gallery_clean = clean[:DRAWS]
    gallery_labels = [f"draw {i + 1}" for i in range(DRAWS)]
    about = f"your digit ({current.source}), averaged over {COPIES} noise draws"
    preview, preview_caption = current.image, "The digit"
    preview_alt = f"The digit the sweep corrupts: {current.source}"
else:
    ex = examples(state.dataset())
    clean = ex.images[:n_digits]
    gallery_clean = clean[:GALLERY_DIGITS]
    gallery_labels = [widgets.example_label(label) for label in ex.labels[:GALLERY_DIGITS]]
    about = f"{len(clean)} digits from the {ex.source}"
    preview = image_grid(clean[:16], cols=4)
    preview_caption = f"{min(16, len(clean))} of the {len(clean)} digits"
    preview_alt = f"{preview_caption} the sweep corrupts, in a grid of four columns"

loaded: list[str] = []
for key in chosen:
    status = get_model(key)
    if status.model is None:
        widgets.model_error(key, status.error)
    else:
        loaded.append(key)
keys = tuple(loaded)
dataset = state.dataset()
with_pca = lab.pca(dataset) is not None

# Guess first: with the toggle on (or a lesson's question), the results wait for Reveal.
input_id = hashlib.md5(clean.tobytes()).hexdigest()  # a new digit is a new question
reveal_results = guess_first.gate("dn", PAGE, context=(source, keys, dataset, input_id))

# 1. PSNR against sigma ----------------------------------------------------------------------------
if reveal_results:
    if not state.presenter_mode():  # on a projector the chart's own title says it
        st.header("PSNR against noise level", divider="gray")
    sigmas = sweeps.DEFAULT_SIGMAS
    baseline_curves = lab.baseline_curves(dataset, clean, sigmas, with_pca)
    series = {title_of(k): lab.model_curve(k, clean, sigmas) for k in keys}
    series.update(baseline_curves)
    chart_col, preview_col = st.columns([5, 1], vertical_alignment="center")
    with chart_col:
        sweep_chart = psnr_vs_sigma(sigmas, series, f"Mean PSNR on {about}", dashed=set(baseline_curves))
        sweep_chart.update_layout(height=widgets.by_mode(sweep_chart.layout.height, PRESENTER_CHART_HEIGHT))
        widgets.chart(sweep_chart, key="dn_sweep_chart")
    with preview_col:
        widgets.show_image(preview, preview_caption, scale=4 if preview.shape[0] > 28 else None,
                           alt=preview_alt)
    notes = ["Dashed: no learning involved (the noisy input itself and the classical filters). "
             "At σ = 0 the input *is* the clean digit, so it has no point (infinite PSNR)."]
    if not with_pca:
        notes.append(f"The PCA-{PCA_K} baseline is left out: it is fitted on the training set, "
                     "which is not on this machine.")
    if not keys:
        notes.append("No model chosen (or none could be loaded): only the baselines are shown.")
    st.caption(" ".join(notes))


@dataclass(frozen=True)
class Digits:
    """What sections 2-4 work on: the digits, the few shown in galleries, and their labels."""

    clean: np.ndarray
    gallery: np.ndarray
    labels: list[str]
    about: str  # "your digit (drawing), averaged over 8 noise draws"
    one_digit: bool


@dataclass(frozen=True)
class Crosshair:
    thickness: int
    row: int
    col: int
    random_position: bool


def noise_gallery(denoisers: dict[str, sweeps.Denoiser], digits: Digits) -> float:
    """Section 2: the gallery at one noise level; returns that sigma (the cross-over uses it)."""
    st.header("Gallery at one noise level", divider="gray")
    sigma = st.slider("Noise sigma", 0.0, 1.0, 0.5, 0.05, key="dn_sigma", bind="query-params")
    noisy = gaussian_noise(digits.gallery, sigma, seed=SEED)
    rows = sweeps.gallery(denoisers, noisy, f"noisy input (σ {sigma:.2f})")
    widgets.show_picture(_gallery_png(rows, digits.gallery, digits.labels), None,
                         _gallery_alt(rows, digits.labels))
    st.caption("Each row's label gives its mean PSNR on these columns. The denoising model was "
               "trained on σ up to 0.75: push the slider past it to see it degrade gracefully.")
    return sigma


def crosshair_controls() -> Crosshair:
    c1, c2, c3, c4 = st.columns(4, vertical_alignment="bottom")
    thickness = c1.slider("Line thickness", 1, 5, 2, key="dn_thickness", bind="query-params")
    random_position = c2.toggle("Random position", value=True, key="dn_random",
                                bind="query-params")
    row = col = 14
    if not random_position:
        row = c3.slider("Row", 0, 27, 14, key="dn_row", bind="query-params")
        col = c4.slider("Column", 0, 27, 14, key="dn_col", bind="query-params")
    return Crosshair(thickness, row, col, random_position)


def crosshair_section(denoisers: dict[str, sweeps.Denoiser], keys: tuple[str, ...],
                      with_pca: bool, digits: Digits) -> Crosshair:
    """Section 3: a crosshair gallery beside every method's PSNR gain on all the digits."""
    st.header("Crosshairs", divider="gray")
    cross = crosshair_controls()
    shown, labels = digits.gallery, digits.labels
    if digits.one_digit and not cross.random_position:  # the same digit, the same lines
        shown, labels = digits.gallery[:1], ["your digit"]
    crossed = crosshair(shown, cross.thickness, cross.row, cross.col,
                        random_position=cross.random_position, seed=SEED)
    gallery_col, table_col = st.columns([3, 2], gap="large")
    with gallery_col:
        rows = sweeps.gallery(denoisers, crossed, "crosshaired input")
        widgets.show_picture(_gallery_png(rows, shown, labels), None, _gallery_alt(rows, labels))
    with table_col:
        scores = lab.crosshair_scores(keys, state.dataset(), with_pca, digits.clean,
                                      cross.thickness, cross.row, cross.col, cross.random_position)
        st.markdown(f"**PSNR and gain over the crosshaired input**, on {digits.about}")
        st.table(_psnr_frame(scores).style.format("{:+.1f}", subset=["Gain (dB)"])
                 .format("{:.1f}", subset=["PSNR (dB)"])
                 .highlight_max(subset=["Gain (dB)"], props=HIGHLIGHT))
    return cross


def loaded_specialists(chosen: list[str]) -> list[str] | None:
    """The two specialists that load (errors shown unless the picker's report did), or None
    when this data set has no crosshair specialist."""
    gauss_key, cross_key = state.model_for(GAUSS_ROLE), state.model_for(CROSS_ROLE)
    if cross_key is None:
        return None
    specialists = []
    for key in (gauss_key, cross_key):
        status = get_model(key)
        if status.model is not None:
            specialists.append(key)
        elif key not in chosen:  # already reported at the top otherwise
            widgets.model_error(key, status.error)
    return specialists


def crossover_section(digits: Digits, sigma: float, cross: Crosshair, chosen: list[str]) -> None:
    """Section 4: each specialist on its own corruption and on the other one."""
    st.header("Cross-over: does a specialist know the other corruption?", divider="gray")
    specialists = loaded_specialists(chosen)
    if specialists is None:
        st.info("This data set has no crosshair specialist (only the MNIST zoo trains one), so "
                "there is no cross-over to show. Switch the data set to MNIST digits in the "
                "sidebar.", icon=":material/info:")
        return
    if not specialists:
        st.info("Neither specialist model could be loaded, so there is no cross-over to show.")
        return
    gauss_key, cross_key = state.model_for(GAUSS_ROLE), state.model_for(CROSS_ROLE)
    table, inputs = lab.crossover(tuple(specialists), digits.clean, sigma, cross.thickness,
                                  cross.row, cross.col, cross.random_position)
    names = {"gauss": f"Gaussian noise σ {sigma:.2f}", "cross": f"Crosshair, {cross.thickness} px"}
    trained = {gauss_key: "trained on noise", cross_key: "trained on crosshairs"}
    frame = pd.DataFrame([[table[k]["gauss"], table[k]["cross"]] for k in specialists],
                         index=pd.Index([f"{title_of(k)} ({trained[k]})" for k in specialists],
                                        name="Model"),
                         columns=list(names.values()))
    table_col, text_col = st.columns([3, 2], gap="large")
    with table_col:
        st.table(frame.style.format("{:.1f} dB").highlight_max(axis=0, props=HIGHLIGHT))
        st.caption(f"Mean PSNR on {digits.about}. The corrupted inputs alone: "
                   f"{db(inputs['gauss'])} (noise), {db(inputs['cross'])} (crosshair).")
    with text_col:
        st.markdown("\n\n".join(lab.crossover_verdict(table, inputs, sigma, gauss_key, cross_key,
                                                       names)))


@st.fragment
def galleries(keys: tuple[str, ...], with_pca: bool, digits: Digits, chosen: list[str]) -> None:
    """Sections 2-4: they share the noise level and the crosshair, so they rerun together."""
    denoisers = {**lab.model_denoisers(keys), **lab.baselines(state.dataset(), with_pca)}
    sigma = noise_gallery(denoisers, digits)
    cross = crosshair_section(denoisers, keys, with_pca, digits)
    crossover_section(digits, sigma, cross, chosen)


if reveal_results:
    galleries(keys, with_pca, Digits(clean, gallery_clean, gallery_labels, about,
                                     source == SOURCES[0]), chosen)
