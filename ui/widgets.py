"""Streamlit widgets shared by the pages: input picker, corruption and model controls, image tiles."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ae_models.corruption import CorruptionSettings
from ae_models.preprocess import InputError, preprocess_array, preprocess_bytes
from ae_models.registry import LIVE_KEY, model_keys
from ui import state
from ui.images import error_heatmap, upscale
from ui import model_cache
from ui.example_images import examples

CANVAS_SIZE = 280
UPLOAD_TYPES = ["png", "jpg", "jpeg", "bmp", "gif", "webp"]
INPUT_MODES = ["Draw", "Upload", "Example"]
LINKED = "query-params"  # settings live in the URL, so a link reopens the same view
# The canvas's own toolbar (undo, redo...) appears 2.65rem above it on hover: give it a band of
# its own, or it covers the Clear button above the canvas.
CANVAS_TOOLBAR_BAND = "<style>.st-key-{key} {{ margin-top: 2.6rem; }}</style>"
CHART_CONFIG = {"displayModeBar": False}
# Plotly scales a 3-D scene to its plot's height: in a tall, narrow plot (a phone's) the cube's
# sides and axis labels fall outside. There the plot's box is cut to about its width (+ legend).
SCENE_BOX_ON_A_PHONE = """<style>@media (max-width: 640px) {{
  [data-testid="stLayoutWrapper"]:has(> .st-key-{box}) {{
    flex-basis: calc(100vw + 60px) !important; height: calc(100vw + 60px) !important; }}
}}</style>"""


def by_mode(normal, presenter):
    """`presenter` in presenter mode, else `normal`: a size that must fit one 1280x720 screen."""
    return presenter if state.presenter_mode() else normal


def image_scale() -> int:
    """Pixels per MNIST pixel: larger in presenter mode, for the back of the room."""
    return by_mode(7, 10)


def alt_text(caption: str | None, what: str = "a 28x28-pixel picture, enlarged") -> str:
    """What a screen reader says for an image: Streamlit 1.67 never reads the caption as alt text
    (an image without `alt` has no accessible name at all), so name the kind of picture."""
    return f"{caption}: {what}" if caption else what[0].upper() + what[1:]


def show_picture(pixels: np.ndarray, caption: str | None, alt: str) -> None:
    """Ready-made pixels (a grid, a strip, a gallery) as a PNG: JPEG would smear the pixels."""
    st.image(pixels, caption=caption, alt=alt, output_format="PNG")


def show_image(image: np.ndarray, caption: str | None = None, scale: int | None = None,
               alt: str | None = None) -> None:
    """A 28x28 image (or an RGB heat map) upscaled with nearest neighbour: sharp pixels, never
    blurred. `alt` says what it shows (default: the caption and the kind of picture)."""
    pixels = image if image.ndim == 3 else upscale(image, scale or image_scale())
    show_picture(pixels, caption, alt or alt_text(caption))


def show_heatmap(clean: np.ndarray, other: np.ndarray, caption: str = "Error") -> None:
    show_picture(error_heatmap(clean, other, scale=image_scale()), caption,
                 alt_text(caption, "where the two pictures differ, the brighter the more"))


def page_header(title: str, lead: str) -> None:
    """The page's title and one-line lead; in presenter mode the speaker says the lead instead."""
    st.title(title)
    note(lead)


def grid_cells(columns: int) -> Iterator:
    """Cells of a grid, row after row, made only as they are used (no empty rows)."""
    while True:
        yield from st.columns(columns)


def note(text: str) -> None:
    """A sentence about the figure beside it; in presenter mode the speaker says it instead."""
    if not state.presenter_mode():
        st.markdown(text)


def explain(title: str, body: str) -> None:
    """A collapsed explanation; hidden altogether in presenter mode."""
    if not state.presenter_mode():
        with st.expander(title, expanded=False):
            st.markdown(body)


def model_error(key: str, message: str) -> None:
    st.error(f"**{model_cache.spec_of(key).title}** is unavailable. {message}", icon=":material/error:")


def model_or_error(key: str):
    """The loaded model, or None after putting its error card (with the rebuild command) here."""
    status = model_cache.get_model(key)  # looked up on the module: tests replace it
    if status.model is None:
        model_error(key, status.error)
    return status.model


def _clear_canvas() -> None:
    """A new canvas key gives an empty canvas; a callback runs before the rerun, so no st.rerun."""
    st.session_state["canvas_version"] = st.session_state.get("canvas_version", 0) + 1
    st.session_state.pop("canvas_digest", None)
    if (current := state.current_input()) and current.source == "drawing":
        state.clear_input()


def _canvas_input() -> None:
    from streamlit_drawable_canvas import st_canvas  # needs a running app: import here

    version = st.session_state.setdefault("canvas_version", 0)
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    stroke = left.slider("Pen width", 8, 40, 22, key="pen_width")
    right.button("Clear", icon=":material/delete:", width="stretch", on_click=_clear_canvas)
    st.html(CANVAS_TOOLBAR_BAND.format(key=f"canvas_{version}"))
    result = st_canvas(stroke_width=stroke, stroke_color="#FFFFFF", background_color="#000000",
                       height=CANVAS_SIZE, width=CANVAS_SIZE, drawing_mode="freedraw",
                       return_image_data=True, key=f"canvas_{version}")
    data = None if result is None else result.image_data
    if data is None:  # a fresh canvas (e.g. back from another page) has sent nothing yet
        if (current := state.current_input()) and current.source == "drawing":
            st.caption("Your last drawing is still the input (on the right): draw to replace it.")
        return
    digest = hashlib.md5(np.ascontiguousarray(data).tobytes()).hexdigest()
    if digest == st.session_state.get("canvas_digest"):
        return  # nothing new: keep whatever the current input is (an upload, an example...)
    st.session_state["canvas_digest"] = digest
    processed = preprocess_array(data, center=state.dataset() == "mnist")
    if processed.image is None:
        if (current := state.current_input()) and current.source == "drawing":
            state.clear_input()
    else:
        state.set_input(processed.image, "drawing")


def _thing() -> str:
    return "a digit" if state.dataset() == "mnist" else "a piece of clothing"


def _upload_input() -> None:
    digits = state.dataset() == "mnist"
    upload = st.file_uploader(f"An image of {_thing()} (PNG, JPEG, BMP, GIF, WebP)",
                              type=UPLOAD_TYPES, key="upload")
    center = st.toggle("Crop and centre by mass (as MNIST digits are)", value=digits,
                       key=state.per_dataset("upload_center"),
                       help="On for digits. Off keeps the whole picture, scaled to fit 28x28: "
                            "how Fashion-MNIST photos are framed.")
    if upload is None:
        return
    try:
        processed = preprocess_bytes(upload.getvalue(), center=center)
    except InputError as exc:
        st.error(f"**{upload.name}**: {exc}", icon=":material/broken_image:")
        return
    if processed.message:
        (st.warning if processed.image is None else st.info)(processed.message)
    if processed.image is not None:
        state.set_input(processed.image, f"upload: {upload.name}")


def example_label(label: int) -> str:
    """"a 7" or "an Ankle boot": an example's class in the chosen data set's words."""
    name = model_cache.class_name(state.dataset(), label)
    return f"{'an' if name[0].lower() in 'aeiou8' else 'a'} {name}"


def _example_input() -> None:
    ex = examples(state.dataset())
    index = st.number_input(f"Example number (from the {ex.source})", 0, len(ex.images) - 1, 0,
                            key="example_index")
    if st.button("Use this example", icon=":material/check:") or state.current_input() is None:
        label = int(ex.labels[index])
        state.set_input(ex.images[index], f"example #{index} ({example_label(label)})", label)


def input_picker() -> state.CurrentInput | None:
    """Draw, upload or pick an example; the result becomes the session's current input."""
    mode = st.segmented_control("Input", INPUT_MODES, default="Draw", key="input_mode",
                                label_visibility="collapsed")
    if mode == "Upload":
        _upload_input()
    elif mode == "Example":
        _example_input()
    else:
        _canvas_input()
    return state.current_input()


def nothing_yet() -> str:
    """What to do while there is no input, in the words of the input mode the user is in."""
    if st.session_state.get("input_mode") == "Upload":
        return f"Nothing uploaded yet: upload an image of {_thing()} (or choose Example)."
    return f"Nothing drawn yet: draw {_thing()} on the black canvas (or choose Example)."


def input_summary(current: state.CurrentInput | None) -> None:
    """The 28x28 version the models actually see, or a hint when there is nothing yet."""
    if current is None:
        st.info("Nothing drawn yet: draw a digit on the Draw page (or pick an example there).",
                icon=":material/draw:")
        return
    show_image(current.image, f"What the models see (28x28, {current.source})")


def input_or_example(page_hint: str = "Draw & reconstruct") -> state.CurrentInput:
    """The current input, or the first example (saying so) so a page always has something to show."""
    current = state.current_input()
    if current is None:
        first = examples(state.dataset())
        label = int(first.labels[0])
        st.caption(f"No drawing yet, so this page uses an example ({example_label(label)}). "
                   f"Draw your own on the *{page_hint}* page.")
        return state.CurrentInput(first.images[0], "example #0", label)
    return current


def corruption_controls(key: str = "corrupt") -> CorruptionSettings:
    """None / Gaussian / crosshair / both, with their parameters and a seed."""
    kinds = {"None": "none", "Gaussian noise": "gaussian", "Crosshair": "crosshair", "Both": "both"}
    choice = st.segmented_control("Corruption", list(kinds), default="None", key=f"{key}_kind",
                                  bind=LINKED)
    kind = kinds.get(choice or "None", "none")
    sigma, thickness, row, col, intensity, random_pos = 0.5, 2, 14, 14, 1.0, False
    if kind in ("gaussian", "both"):
        sigma = st.slider("Noise sigma", 0.0, 1.0, 0.5, 0.05, key=f"{key}_sigma", bind=LINKED)
    if kind in ("crosshair", "both"):
        c1, c2 = st.columns(2)
        thickness = c1.slider("Line thickness", 1, 5, 2, key=f"{key}_thickness", bind=LINKED)
        intensity = c2.slider("Line brightness", 0.1, 1.0, 1.0, 0.1, key=f"{key}_intensity", bind=LINKED)
        random_pos = st.toggle("Random position", key=f"{key}_random", bind=LINKED)
        if not random_pos:
            row = c1.slider("Row", 0, 27, 14, key=f"{key}_row", bind=LINKED)
            col = c2.slider("Column", 0, 27, 14, key=f"{key}_col", bind=LINKED)
    seed = 0
    if kind != "none" and not state.presenter_mode():
        seed = int(st.number_input("Seed", 0, 9999, 0, key=f"{key}_seed", bind=LINKED))
    return CorruptionSettings(kind=kind, sigma=sigma, thickness=thickness, row=row, col=col,
                              intensity=intensity, random_position=random_pos, seed=seed)


DEFAULT_MODELS = ["dense", "conv", "conv_denoise", "vae"]


def model_picker(default: list[str] | None = None, key: str = "models",
                 options: list[str] | None = None) -> list[str]:
    """Choose models of the chosen data set to compare; measurement twins are not offered.

    `default` names roles (MNIST keys): each becomes the model playing it on the data set.
    """
    options = options or model_keys(state.dataset(), include_twins=False)
    roles = default or DEFAULT_MODELS
    default = [k for k in map(state.model_for, roles) if k in options] or options[:2]
    live = state.live_model()
    if live is not None and live.spec.dataset == state.dataset():
        options = [*options, LIVE_KEY]  # this session's own model, from "Train it live"
    return st.multiselect("Models to compare", options, default=default,
                          key=state.per_dataset(key), bind=LINKED,
                          format_func=lambda k: f"{model_cache.spec_of(k).title} ({k})")


def download(label: str, make: Callable[[], bytes | str], file_name: str, mime: str, key: str) -> None:
    """A download button whose file is only made when clicked (no cost on every stroke)."""
    st.download_button(label, data=make, file_name=file_name, mime=mime, key=key,
                       on_click="ignore", icon=":material/download:")


def download_figure_html(fig, file_name: str, key: str, title: str | None = None) -> None:
    """The Plotly figure (or a function making it, where that is dear) as a standalone HTML
    file (plotly.js inside: opens offline), with `title` put back on it where the page shows
    the title as text."""
    def html() -> str:
        made = fig() if callable(fig) else fig
        if title is not None:
            made = go.Figure(made).update_layout(title_text=title)
        return made.to_html(include_plotlyjs=True, full_html=True)

    download("Download the plot (HTML)", html, file_name, "text/html", key)


def chart(fig: go.Figure, key: str) -> None:
    """A Plotly chart with its title as page text above it, where it wraps: Plotly does not wrap
    a title, and a long one was cut off at a phone's width. The title is taken off `fig`."""
    title = fig.layout.title.text
    if title:
        st.markdown(f"**{title}**".replace("$", r"\$"))
        fig.update_layout(title_text=None, margin={"t": 40})
    st.plotly_chart(fig, key=key, config=CHART_CONFIG)


def scene_chart(fig: go.Figure, key: str) -> None:
    """A rotatable 3-D figure at its own height, or about as tall as it is wide on a phone, so
    the whole cube shows (the server does not know the screen's width; the browser's CSS does)."""
    box = f"{key}_box"
    st.html(SCENE_BOX_ON_A_PHONE.format(box=box))
    with st.container(key=box, height=int(fig.layout.height or 450), border=False):
        st.plotly_chart(fig, key=key, theme=None, height="stretch", config=CHART_CONFIG)
