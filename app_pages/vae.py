"""VAE explorer: a variational autoencoder's latent space as a grid, traversals, blends and samples."""

import numpy as np
import streamlit as st

from ae_models import latent_walks
from ui import live_vae, state, widgets
from ui.figures import kl_per_dimension
from ui.images import image_grid, to_uint8, upscale
from ui.example_images import examples
from ui.model_cache import class_name, spec_of, title_of
from ui.vae_explorer import decoded, kl_per_dim

# The 16-D VAE's role falls back to the 2-D one where a data set has no 16-D VAE (Fashion-MNIST).
GRID_MODEL = state.model_for("vae_2d") or "vae_2d"
MODEL = state.model_for("vae") or GRID_MODEL
QUANTILES = (0.05, 0.95)  # the manifold grid spans these prior probabilities
GRID_WIDTH = 660  # pixels: the manifold grid fills about this width whatever n is
PRESENTER_GRID_WIDTH = 500  # pixels: and its height fits under the title at 1280x720
ROW_WIDTH = 760  # pixels: a traversal or interpolation row fills about this width
SPAN = 3.0  # traversals go this many prior standard deviations either way
UNUSED_KL = 0.1  # nats: below this a dimension has collapsed to the prior
SAMPLE_ROWS, SAMPLE_COLS = 4, 8
SECTIONS = ["Manifold grid", "Traversals", "Interpolation", "Samples"]

widgets.page_header("VAE explorer",
                    "A **variational** autoencoder is trained so that its codes look like random draws "
                    "from a bell curve. So *every* code decodes to a plausible digit: you can walk "
                    "through its latent space, blend two digits and invent new ones.")

widgets.explain("What makes an autoencoder variational?", r"""
**A cloud instead of a point.** The encoder gives, for each digit $x$, a mean $\mu$ and a spread
$\sigma$ per latent dimension: a little Gaussian cloud $q(z \mid x)$ of codes. During training a
code is *drawn* from that cloud with the **reparameterisation trick**
$z = \mu + \sigma \cdot \varepsilon$, $\varepsilon \sim \mathcal N(0, I)$: the randomness sits in
$\varepsilon$, so gradients still flow back into $\mu$ and $\sigma$.

**The loss is the (negative) ELBO**, two terms pulling against each other:
$$\text{ELBO} = \underbrace{\mathbb E_{q(z\mid x)}\big[\log p(x \mid z)\big]}_{\text{rebuild the digit}}
\; - \; \underbrace{\mathrm{KL}\big(q(z \mid x)\,\Vert\,p(z)\big)}_{\text{stay close to the prior}},
\qquad p(z) = \mathcal N(0, I).$$
The first term is the reconstruction (cross-entropy between digit and decoding). The second
charges, in nats, for every bit of information a code carries about its digit.

**Why the space becomes continuous.** Each digit's cloud has to overlap the prior, so the clouds
of all digits tile the bell curve without gaps, and the decoder must draw something sensible for
every code it may be handed. That is why the **manifold grid** shows a smooth morph, why
**interpolations** pass through real-looking digits, and why codes drawn from $\mathcal N(0, I)$
give new **samples**. A plain autoencoder has none of this: between its training codes lie
regions it never learnt to decode.

**KL per dimension** is how much the model spends on each latent number. A dimension that is
not worth its KL cost collapses to the prior ($\mu = 0$, $\sigma = 1$, KL $\approx 0$): the
decoder ignores it, and traversing it changes nothing. The traversals list the most used
dimensions first.
""")

current = widgets.input_or_example("Draw & reconstruct")
YOUR_INPUT = "Your drawing" if current.source == "drawing" else f"Your input ({current.source})"


def row_scale(n_tiles: int) -> int:
    """Integer upscale so a row of tiles fills about ROW_WIDTH (crisp pixels, never blurred)."""
    return int(np.clip(ROW_WIDTH // (30 * n_tiles), 2, widgets.image_scale()))


def labelled_row(title: str, detail: str, tiles: np.ndarray, scale: int, alt: str) -> None:
    """One strip of digits with its title beside it, in page text (readable on a projector).

    The title is a heading (a screen reader can jump from row to row); `alt` says what the
    strip shows."""
    label_col, image_col = st.columns([1, 5], vertical_alignment="center")
    label_col.markdown(f"## {title}\n{detail}")
    with image_col:
        widgets.show_picture(upscale(image_grid(tiles, cols=len(tiles), pad=2), scale), None,
                             f"{title}: {alt}, {len(tiles)} digits from left to right")


@st.fragment
def manifold_section() -> None:
    model = widgets.model_or_error(GRID_MODEL)
    if model is None:
        return
    controls, picture = st.columns([1, 2], gap="large")
    with controls:
        n = st.slider("Grid size n (n x n digits)", 5, 25, 15, key="vae_grid_n",
                      bind="query-params")
        code = model.encode(current.image)
        row, col, inside = latent_walks.grid_cell(code, n, *QUANTILES)
        edge = latent_walks.gaussian_quantiles(2, *QUANTILES)[1]
        widgets.note(f"**{title_of(GRID_MODEL)}**: each tile is the decoding of one code "
                     f"$z = (z_1, z_2)$. $z_1$ grows to the **right**, $z_2$ **upwards**, from "
                     f"−{edge:.2f} to +{edge:.2f}: the 5 % to 95 % points of the prior "
                     "$\\mathcal N(0, 1)$, in equal steps of probability.")
        image_col, text_col = st.columns([1, 2], vertical_alignment="center")
        with image_col:
            widgets.show_image(current.image, scale=3, alt=YOUR_INPUT)
        where = (f"in the **gold frame** (row {row + 1}, column {col + 1})" if inside else
                 "beyond the edge: the **gold frame** marks the nearest tile")
        text_col.markdown(f"{YOUR_INPUT}: **z = ({code[0]:+.2f}, {code[1]:+.2f})**, "
                          f"{where}.")
    with picture:
        codes = latent_walks.manifold_grid_codes(n, *QUANTILES)
        tiles = decoded(GRID_MODEL, codes).reshape(n, n, 28, 28)
        cell = latent_walks.tile_size(n, widgets.by_mode(GRID_WIDTH, PRESENTER_GRID_WIDTH))
        pixels = latent_walks.nearest_resize(to_uint8(image_grid(tiles, pad=0)), n * cell, n * cell)
        widgets.show_picture(
            latent_walks.mark_cell(pixels, row, col, cell),
            f"{n} x {n} = {n * n} decodings · z1 → right, z2 → up",
            f"A {n} by {n} grid of digits decoded from codes spread evenly over the VAE's 2-D "
            f"latent space, morphing from one digit into the next; a gold frame marks the tile "
            f"nearest to your input's code")


@st.fragment
def traversal_section() -> None:
    model = widgets.model_or_error(MODEL)
    if model is None:
        return
    size = spec_of(MODEL).code_size
    kl, kl_source = kl_per_dim(MODEL)
    order = latent_walks.dims_by_kl(kl)
    controls, rows = st.columns([1, 2.4], gap="large")
    with controls:
        start_from = st.radio("Start from", ["Your input", "A prior sample"], horizontal=True,
                              key="vae_trav_start", bind="query-params")
        k = st.slider("Rows: the most used dimensions", 1, size, min(8, size),
                      key=state.per_dataset("vae_trav_k"), bind="query-params")
        n_steps = st.slider("Steps per row", 5, 13, 9, step=2, key="vae_trav_steps",
                            bind="query-params")
        if start_from == "Your input":
            start, start_caption = model.encode(current.image), "Start: your input, decoded"
        else:
            seed = int(st.number_input("Prior sample seed", 0, 9999, 0, key="vae_trav_seed",
                                       bind="query-params"))
            start = latent_walks.prior_samples(1, size, seed)[0]
            start_caption = f"Start: a code drawn from N(0, I) (seed {seed})"
        widgets.show_image(decoded(MODEL, start[None])[0], start_caption, scale=4)
        widgets.chart(kl_per_dimension(kl, title="KL per dimension", active_threshold=UNUSED_KL),
                      key="vae_kl_chart")
        st.caption(f"Average KL in nats over {kl_source}; grey bars: unused dimensions.")
    with rows:
        widgets.note(f"**{title_of(MODEL)}**: each row moves **one** of the {size} numbers of the "
                     f"code from −{SPAN:g} to +{SPAN:g} standard deviations (left to right) and "
                     "keeps the others; the middle column is the start.")
        if live_vae.live_traversal(MODEL, start, order, kl, SPAN, UNUSED_KL,
                                   state.per_dataset("vae_trav_k"), "vae_trav_steps", k, n_steps):
            return  # the browser draws the rows, and redraws them while the sliders move
        dims = order[:k]
        codes = latent_walks.traversal_codes(start, dims, n_steps, SPAN)
        images = decoded(MODEL, codes.reshape(-1, size)).reshape(len(dims), n_steps, 28, 28)
        scale = row_scale(n_steps)
        for d, strip in zip(dims, images):
            unused = " · *unused*" if kl[d] < UNUSED_KL else ""
            labelled_row(f"z{d + 1}", f"KL {kl[d]:.2f} nats{unused}", strip, scale,
                         f"the decoding as z{d + 1} goes from −{SPAN:g} to +{SPAN:g}")


@st.fragment
def interpolation_section() -> None:
    model = widgets.model_or_error(MODEL)
    if model is None:
        return
    dataset = spec_of(MODEL).dataset
    ex = examples(dataset)
    controls, rows = st.columns([1, 2.4], gap="large")
    with controls:
        digit = st.selectbox("Blend into an example of", list(range(10)), index=8,
                             key=state.per_dataset("vae_interp_digit"), bind="query-params",
                             format_func=lambda label: class_name(dataset, label))
        n = st.slider("Steps", 5, 15, 9, key="vae_interp_steps", bind="query-params")
        spherical = False
        if not state.presenter_mode():
            spherical = st.toggle("Curved path (spherical)", key="vae_interp_spherical",
                                  bind="query-params",
                                  help="Follow a great circle between the two codes instead of "
                                       "a straight line: keeps the code's length typical.")
        matches = np.flatnonzero(ex.labels == digit)
        target = ex.images[matches[0] if len(matches) else 0]
        a_col, b_col = st.columns(2)
        with a_col:
            widgets.show_image(current.image, "A: your input", scale=4)
        with b_col:
            widgets.show_image(target, f"B: an example {class_name(dataset, digit)}", scale=4)
    with rows:
        code_a, code_b = model.encode(current.image), model.encode(target)
        widgets.note(f"From **A** (left) to **B** (right) in {n} steps. Through the latent space "
                     "every step is a digit; the pixel blend is just two images fading into "
                     "each other.")
        if live_vae.live_interpolation(MODEL, code_a, code_b, current.image, target, n,
                                       spherical, "vae_interp_steps",
                                       f"Through the latent space: {title_of(MODEL)}"):
            return  # the browser draws both strips, and redraws them while Steps moves
        codes = latent_walks.interpolate_codes(code_a, code_b, n, spherical)
        scale = row_scale(n)
        labelled_row("Through the latent space", title_of(MODEL), decoded(MODEL, codes), scale,
                     "A decoded at each step of the way to B")
        labelled_row("Straight pixel blend", "for contrast",
                     latent_walks.pixel_blend(current.image, target, n), scale,
                     "A's pixels fading into B's")


def _next_sample_seed() -> None:
    st.session_state["vae_sample_seed"] = int(st.session_state.get("vae_sample_seed", 0)) + 1


@st.fragment
def samples_section() -> None:
    controls, picture = st.columns([1, 2.4], gap="large")
    with controls:
        key = st.radio("Model", list(dict.fromkeys([MODEL, GRID_MODEL])), format_func=title_of,
                       horizontal=True, key=state.per_dataset("vae_sample_model"),
                       bind="query-params")
        st.button("Resample", icon=":material/casino:", on_click=_next_sample_seed,
                  key="vae_resample", type="primary", width="stretch")
        seed = int(st.number_input("Seed", 0, 1_000_000, 0, key="vae_sample_seed",
                                   bind="query-params"))
        widgets.note(f"Each digit is the decoding of a code drawn at random from the prior "
                     f"$\\mathcal N(0, I)$: {spec_of(key).code_size} random numbers, no input "
                     "at all. The model has never seen these digits.")
    with picture:
        if widgets.model_or_error(key) is None:
            return
        codes = latent_walks.prior_samples(SAMPLE_ROWS * SAMPLE_COLS, spec_of(key).code_size, seed)
        images = decoded(key, codes)
        widgets.show_picture(
            upscale(image_grid(images, cols=SAMPLE_COLS, pad=2), row_scale(SAMPLE_COLS)),
            f"{len(images)} samples of {title_of(key)} (seed {seed})",
            f"{len(images)} new digits, {SAMPLE_ROWS} rows of {SAMPLE_COLS}, each decoded from a "
            f"random code")


tabs = st.tabs(SECTIONS, key="vae_section", bind="query-params")
for tab, section in zip(tabs, [manifold_section, traversal_section, interpolation_section,
                               samples_section]):
    with tab:
        if tab.open:
            section()
