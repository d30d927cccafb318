"""Home: what an autoencoder is, in one picture built from a real model, and the zoo at a glance."""

import numpy as np
import streamlit as st

from ae_models.metrics import mse
from ae_models.registry import model_keys
from ui import navigation, state, widgets
from ui.pipeline_picture import pipeline_html
from ui.zoo_tables import card_facts
from ui.model_cache import card, metrics, spec_of, title_of

CARDS_PER_ROW = 4
PRESENTER_SCALE = 8  # input, code and output in one row at 1280x720
PICTURE_DEFAULT = "conv"
LINKS_PER_ROW = 4

widgets.page_header("Autoencoder Lab",
                    "**A network that squeezes a digit into a few numbers and rebuilds it from them "
                    "alone: whatever survives the squeeze is what it learnt about handwriting.**")

widgets.explain("What is an autoencoder?", r"""
Two networks trained together. The **encoder** turns the 784 pixels of a digit into a short
**code**; the **decoder** rebuilds the 784 pixels from that code alone. Training asks only that
the output match the input,

$$\text{loss} = \frac{1}{784}\sum_{i=1}^{784} (x_i - \hat x_i)^2 ,$$

but the code is far too small to copy every pixel, so the pair must learn what digits have in
common (strokes, loops, slants) and keep only what makes *this* digit different.
The middle picture is the code of the digit on the left: one coloured cell per number
(dark = low, yellow = high).
""")

current = widgets.input_or_example("Draw & reconstruct")


@st.fragment
def one_picture(image: np.ndarray, source: str) -> None:
    keys = model_keys(state.dataset(), include_twins=False)
    head, pick = st.columns([3, 1], vertical_alignment="bottom")
    head.header("The whole idea in one picture")
    default = state.model_for(PICTURE_DEFAULT)
    key = pick.selectbox("Model", keys, index=keys.index(default) if default in keys else 0,
                         key=state.per_dataset("home_model"),
                         format_func=lambda k: title_of(k), bind="query-params")
    model = widgets.model_or_error(key)
    if model is None:
        return
    code = model.encode(image)
    output = model.decode(code)
    note = f"{title_of(key)} on {source}: reconstruction MSE {mse(image, output):.4f}"
    scale = widgets.by_mode(widgets.image_scale(), PRESENTER_SCALE)
    st.html(pipeline_html(image, code, output, spec_of(key), scale, note))


def page_links() -> None:
    st.header("Explore")
    pages = [page for page in navigation.PAGES if page is not navigation.HOME]
    for page, cell in zip(pages, widgets.grid_cells(LINKS_PER_ROW)):
        with cell, st.container(border=True):
            st.page_link(page.script, label=f"**{page.title}**", icon=page.icon)
            st.markdown(page.blurb)


def model_card(key: str, all_metrics: dict) -> None:
    """Facts only: loading eleven models here would keep the first page waiting for a minute."""
    spec = spec_of(key)
    st.markdown(f"### {spec.title}")
    st.markdown(spec.description)
    st.markdown(card_facts(spec, all_metrics, card(key)))


def zoo_cards() -> None:
    st.header("The zoo")
    st.caption("Test MSE: mean squared pixel error on "
               "10,000 test digits (lower is better); PCA: the best *linear* code of the same size.")
    keys = model_keys(state.dataset(), include_twins=False)
    all_metrics = metrics(state.dataset())
    for start in range(0, len(keys), CARDS_PER_ROW):
        for col, key in zip(st.columns(CARDS_PER_ROW), keys[start:start + CARDS_PER_ROW]):
            with col, st.container(border=True):
                model_card(key, all_metrics)


# The picture needs TensorFlow and a model (seconds at a cold start): the links and cards below
# it are drawn first, so the first page is usable at once, and the picture fills its place.
picture = st.container()
page_links()
zoo_cards()
with picture:
    one_picture(current.image, current.source)
