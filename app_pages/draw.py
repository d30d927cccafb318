"""Draw & reconstruct: one input, corrupted if you like, rebuilt by every chosen model side by side."""

import hashlib

import numpy as np
import streamlit as st

from ae_models.corruption import CorruptionSettings, apply_corruption
from ae_models.metrics import bce, mse, psnr, ssim
from ui import class_panel, guess_first, live_draw, model_cache, state, widgets
from ui.images import code_image, error_heatmap, labelled_grid_png, to_png_bytes
from ui.model_cache import spec_of

widgets.page_header("Draw & reconstruct",
                    "Draw a digit. Each autoencoder squeezes it through its **code** and rebuilds it: "
                    "what survives the squeeze is what the model learnt.")

widgets.explain("What am I looking at?", r"""
An **autoencoder** is two networks: an *encoder* that turns the 784 pixels into a short **code**
(the bottleneck) and a *decoder* that rebuilds the image from the code alone. Training only asks
for the output to match the input, so the code must keep what matters about digits.

* **MSE** (mean squared error) $= \frac{1}{784}\sum_i (x_i - \hat x_i)^2$: lower is better.
* **PSNR** $= 10 \log_{10}(1 / \mathrm{MSE})$ in dB: higher is better; +3 dB halves the error.
* **SSIM** compares local structure (1 = identical).
* The **error map** shows where the rebuilt digit differs: dark is right, bright is wrong.

A **denoising** autoencoder is shown a corrupted digit and asked for the clean one, so it learns
what digits look like rather than copying pixels. Try Gaussian noise or a crosshair below.
""")


PRESENTER_COLUMNS = 4  # model tiles per row at 1280x720
PRESENTER_SCALE = 7  # 196 px tiles: four fit beside the canvas
CONTROLS = "draw"  # the corruption controls' key prefix (and their URL keys)
PAGE = "app_pages/draw.py"
SCORES = {"mse": mse, "bce": bce, "psnr": psnr, "ssim": ssim}  # as ae_models.metrics.image_metrics


# On a phone the columns stack: the canvas, then the pictures, then the settings (not the
# settings between the canvas and the pictures), and a shorter heading, so that a pupil sees
# the canvas and the first reconstructions on one screen. A class's join form comes first.
PHONE_CSS = """<style>
@media (max-width: 640px) {
  h1 { font-size: 1.9rem !important; }
  [data-testid="stHorizontalBlock"]:has(.st-key-draw_pictures) { flex-wrap: wrap !important; row-gap: 0.75rem; }
  [data-testid="stHorizontalBlock"]:has(.st-key-draw_pictures) > [data-testid="stColumn"],
  [data-testid="stHorizontalBlock"]:has(.st-key-draw_pictures) > [data-testid="stColumn"]
    > [data-testid="stVerticalBlock"] { display: contents; }
  *:has(> .st-key-draw_input) { order: 1; flex: 0 0 100%; }
  *:has(> .st-key-draw_pictures) { order: 2; flex: 0 0 100%; }
  *:has(> .st-key-draw_settings) { order: 3; flex: 0 0 100%; }
  /* a join link's name form before the canvas: the first thing a pupil must do */
  .st-key-draw_input > :has(.st-key-class_panel [data-testid="stForm"]) { order: -1; }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-pen_width)
    { flex-wrap: nowrap; }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-pen_width)
    > [data-testid="stColumn"] { min-width: 0; }
}
</style>"""


@st.fragment
def playground() -> None:
    """Input, corruption and results rerun together on a stroke; the rest of the page does not."""
    if state.presenter_mode():
        presenter_view()
    else:
        full_view()


def corruption_controls() -> CorruptionSettings:
    with st.container(key=f"{CONTROLS}_panel"):  # the live tiles follow its sliders
        return widgets.corruption_controls(CONTROLS)


def full_view() -> None:
    """Controls on the left; a row per model with its error map, scores and code on the right."""
    left, right = st.columns([1, 2], gap="large")
    with left:
        with st.container(key="draw_input"):
            current = widgets.input_picker()
            class_panel.pupil_panel(current)
        with st.container(key="draw_settings"):
            settings = corruption_controls()
            chosen = widgets.model_picker()
            guess_first.toggle(CONTROLS)
    with right.container(key="draw_pictures"):
        if not chosen:
            st.info("Choose at least one model to compare.")
            return
        if not results_revealed(current, chosen):
            return
        inputs_box = st.container()
        results = results_to_draw("full", chosen, current, settings, inputs_box)
        if results is None:
            return
        with inputs_box:
            c1, c2, _ = st.columns([1, 1, 2])
            with c1:
                widgets.input_summary(current)
            with c2:
                if settings.kind != "none":
                    widgets.show_image(apply_corruption(current.image, settings), "Corrupted input")
        for key in chosen:
            result_row(key, current.image, results[key])
        exports(current.image, settings, chosen)


def presenter_view() -> None:
    """One projector screen: the canvas on the left; the input, its corruption and the corruption
    controls on top; below them a tile per model with its scores in one line."""
    left, right = st.columns([1, 2.7], gap="medium")
    with left:
        current = widgets.input_picker()
        class_panel.pupil_panel(current)
        with st.popover("Models to compare", icon=":material/tune:", width="stretch"):
            chosen = widgets.model_picker()
        guess_first.toggle(CONTROLS)
    with right:
        inputs_box, controls_col = st.columns([2, 2.2])
        with controls_col:
            settings = corruption_controls()
        if not chosen:
            st.info("Choose at least one model to compare (*Models to compare*, on the left).")
            return
        if not results_revealed(current, chosen):
            return
        results = results_to_draw("presenter", chosen, current, settings, inputs_box)
        if results is None:
            return
        with inputs_box:
            input_col, corrupted_col = st.columns(2)
            with input_col:
                tile("Input", current.image, "What the models see")
            if settings.kind != "none":
                with corrupted_col:
                    tile("Corrupted", apply_corruption(current.image, settings), "What they are given")
        for key, cell in zip(chosen, widgets.grid_cells(PRESENTER_COLUMNS)):
            with cell:
                model_tile(key, results[key])
        exports(current.image, settings, chosen)


def results_revealed(current, chosen: list[str]) -> bool:
    """Guess first (the page's toggle, or a lesson's question): the results wait for Reveal, and
    each new drawing asks again."""
    drawing = None if current is None else hashlib.md5(current.image.tobytes()).hexdigest()
    return guess_first.gate(CONTROLS, PAGE, context=(drawing, tuple(chosen)))


def results_to_draw(layout: str, chosen: list[str], current, settings: CorruptionSettings,
                    inputs_box) -> dict | None:
    """The server's results when the page must draw them itself; None when the browser shows
    them, live or the server's (the exports are added here), or nothing is drawn yet (said
    here). While the browser runs the models, the server runs none: they were half of a
    stroke's cost."""
    browser = live_draw.browser_models(chosen)
    browser_runs = live_draw.browser_runs(browser)
    results = server = None
    if current is not None and not browser_runs:
        corrupted = apply_corruption(current.image, settings)
        results = server_results(chosen, current.image, corrupted)
        if live_draw.browser_paints():
            server = live_draw.server_pictures(results, corrupted)
    live_pictures(layout, browser, current, settings, inputs_box, server)
    if browser_runs or server is not None:
        if current is not None:
            exports(current.image, settings, chosen)
        return None
    if current is None:
        st.info(widgets.nothing_yet(), icon=":material/draw:")  # the browser says it once it runs
    return results


def live_pictures(layout: str, browser: live_draw.BrowserModels, current, settings,
                  inputs_box, server: dict | None = None) -> None:
    """Mount the browser's pictures, live or `server`'s (inputs in `inputs_box`, models here)."""
    with inputs_box:
        caption = "What the models see" if layout == "presenter" else (
            "What the models see (28x28, drawing)" if current is None
            else f"What the models see (28x28, {current.source})")
        live_draw.live_inputs(layout, caption)
    # With Guess first on, a stroke must not show the next drawing's results before Reveal.
    guessing = st.session_state.get(f"{CONTROLS}_guess_first")
    canvas = None if guessing else f"canvas_{st.session_state.get('canvas_version', 0)}"
    live_draw.live_models(browser, None if current is None else current.image, settings,
                          layout, CONTROLS, canvas, state.dataset() == "mnist", server,
                          widgets.nothing_yet())


def server_results(chosen: list[str], image: np.ndarray, corrupted: np.ndarray) -> dict:
    """Each model's (code, reconstruction, scores) for the input `image`, given `corrupted`,
    None where the model is unavailable (its error card is shown here)."""
    coded = {key: reconstruct(key, corrupted) for key in chosen}
    done = [key for key, result in coded.items() if result is not None]
    # Every model's scores in one go: SSIM is then one TensorFlow call, not one per model
    # (about 0.9 ms each of a stroke's script run, profiled in the server).
    rebuilt = np.stack([coded[key][1] for key in done]) if done else np.zeros((0, 28, 28))
    clean = np.broadcast_to(image, rebuilt.shape)
    scores = {name: metric(clean, rebuilt) for name, metric in SCORES.items()}
    return {key: None if key not in done else
            (*coded[key], {name: float(values[done.index(key)]) for name, values in scores.items()})
            for key in chosen}


def tile(title: str, image, caption: str) -> None:
    st.markdown(f"**{title}**")
    widgets.show_image(image, caption, scale=PRESENTER_SCALE)


def model_tile(key: str, result) -> None:
    """A model's reconstruction with its scores as the caption (nothing when unavailable)."""
    st.markdown(f"**{spec_of(key).title}**")
    if result is None:
        return
    _, rebuilt, scores = result
    widgets.show_image(rebuilt, f"PSNR {scores['psnr']:.1f} dB · SSIM {scores['ssim']:.2f}",
                       scale=PRESENTER_SCALE)


def exports(clean, settings: CorruptionSettings, chosen: list[str]) -> None:
    """The 28x28 input and the whole result grid as PNG files, for slides and handouts."""
    st.divider()
    c1, c2 = st.columns(2)
    with c1:
        widgets.download("Download the 28x28 input (PNG)", lambda: to_png_bytes(clean),
                         "input-28x28.png", "image/png", key="export_input")
    if not chosen:
        return

    def grid() -> bytes:  # made only when the button is clicked (the models the server has)
        corrupted = apply_corruption(clean, settings)
        models = {key: model_cache.get_model(key).model for key in chosen}
        rebuilt = {key: model.reconstruct(corrupted) for key, model in models.items() if model}
        if not rebuilt:
            return to_png_bytes(corrupted)
        rows = [[corrupted, image, error_heatmap(clean, image, scale=1)] for image in rebuilt.values()]
        return labelled_grid_png(rows, [spec_of(k).title for k in rebuilt],
                                 ["Input", "Reconstruction", "Error"], scale=6)

    with c2:
        widgets.download("Download the result grid (PNG)", grid, "reconstructions.png", "image/png",
                         key="export_grid")


def reconstruct(key: str, corrupted):
    """(code, reconstruction), or None after an error card."""
    model = widgets.model_or_error(key)
    if model is None:
        return None
    return model.code_and_image(corrupted)


def result_row(key: str, clean, result) -> None:
    """One model's row: reconstruction, error map, scores and code (its title alone when the
    model is unavailable: the error card is above)."""
    spec = spec_of(key)
    st.header(f"{spec.title}  ·  code {spec.code_label}", divider="gray")
    if result is None:
        return
    code, rebuilt, scores = result
    img_col, err_col, metric_col, code_col = st.columns([1, 1, 1.3, 2.2])
    with img_col:
        widgets.show_image(rebuilt, "Reconstruction")
    with err_col:
        widgets.show_heatmap(clean, rebuilt, "Error map")
    with metric_col:
        st.metric("MSE", f"{scores['mse']:.4f}")
        st.metric("PSNR", f"{scores['psnr']:.1f} dB")
        st.metric("SSIM", f"{scores['ssim']:.3f}")
    with code_col:
        if spec.code_size <= 3:
            st.markdown("**Code**: " + ", ".join(f"z{i + 1} = {v:+.2f}" for i, v in enumerate(code)))
        else:
            # An image, not a chart: a Plotly figure per model cost ~100 ms of every stroke.
            widgets.show_picture(code_image(code, spec.code_shape, size=widgets.image_scale() * 28),
                                 f"Its code: {spec.code_size} numbers (dark low, yellow high)",
                                 alt=f"The code's {spec.code_size} numbers as coloured cells, "
                                     "dark low, yellow high")


st.html(PHONE_CSS)
playground()
