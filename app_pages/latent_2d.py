"""Latent space 2-D: every test digit as a point of a 2-number code; click anywhere to decode it."""

import streamlit as st

from ui import latent, widgets
from ui.model_cache import class_names, spec_of

PREFIX = "l2d"
MAP_KEY = "l2d_map"
GRID_SIZES = [10, 15, 20]
MAP_HEIGHT = 700  # px: the map is the slide; equal axes make it narrow otherwise
PRESENTER_MAP_HEIGHT = 470  # px: under the title and controls of a 1280x720 screen

widgets.page_header("Latent space 2-D",
                    "Squeeze every digit into just **two numbers** and each one becomes a dot on a map. "
                    "Point at any spot, a dot or the empty space between, to see what the decoder "
                    "makes of it.")

widgets.explain("What am I looking at?", r"""
**The bottleneck.** The encoder squeezes the 784 pixels of a digit into a short **code** $z$;
the decoder has to rebuild the whole digit from $z$ alone. Here the code is only two numbers,
$z = (z_1, z_2)$, so training must decide what matters most about a digit.

**Why a 2-D code makes a map.** Two numbers are a position on a plane: each test digit is one dot,
coloured by its true class (the model never saw the labels). Digits the decoder rebuilds alike
sit close together, so classes form clouds. Every spot of the plane is a code, even where no dot
is: the decoder turns it into an image, so you can *walk* between digits. *2-D code* was trained
with a little Gaussian noise added to each input digit (the denoising criterion): two digits that
differ only by noise must get the same code, which draws each class into a tighter cloud.

**Why a plain autoencoder's map has gaps.** It is only asked to rebuild its training digits,
$\text{loss} = \lVert x - \hat x \rVert^2$. Nothing asks the space *between* clouds to mean
anything, so the clouds drift far apart (look at the axis values) and empty regions decode to
smudges. A **VAE** encodes each digit as a small cloud $z = \mu + \sigma\,\varepsilon$ and adds a
penalty $\mathrm{KL}\big(q(z\mid x)\,\Vert\,\mathcal N(0, I)\big)$ that pulls every code towards
the origin: the map becomes compact and gap-free, and almost every spot decodes to a digit.
Compare *2-D code* with *VAE, 2-D latent* and switch on the decoded grid.

**PCA, the linear baseline.** Principal component analysis finds the two directions along which
a cloud of points spreads most: $z = W^\top (x - \mu)$, $\hat x = \mu + W z$. An autoencoder
with no non-linearities learns exactly this; a deep one can bend the map and do better (the line
under the map compares the model's test error with PCA's using as many numbers). For models
with wider codes (32 to 576 numbers) the *PCA view* shows the shadow of their codes on the two
main directions. Decoding a spot of that shadow sets every other direction to its average, so
those decodings are only approximate.
""")

options = latent.latent_2d_options()
c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="bottom")
with c1:
    key = latent.latent_model_picker(options, key=f"{PREFIX}_model")
with c2:
    show_grid = st.toggle("Decoded digits behind the dots", key=f"{PREFIX}_grid",
                          bind="query-params",
                          help="Decode a grid of codes over the whole map and draw it faintly "
                               "behind the dots: what every region of the plane means.")
with c3:
    grid_n = st.select_slider("Grid size", GRID_SIZES, value=15, key=f"{PREFIX}_grid_n",
                              bind="query-params", disabled=not show_grid)
current = widgets.input_or_example()


@st.fragment
def explorer(key: str, show_grid: bool, grid_n: int, current) -> None:
    spec = spec_of(key)
    loaded = latent.model_and_view(key, dims=2)
    if loaded is None:
        return
    model, view = loaded
    if view.pca:
        st.info(f"**PCA view** of a {spec.code_size}-number code: its two main directions "
                f"(PC1, PC2) keep {view.explained:.0%} of its spread. This is a flat slice of a "
                f"wider code, so decodings of clicked points are approximate.",
                icon=":material/layers:")
    user = latent.user_code(model, view, current.image)

    plot_col, side_col = st.columns([3, 2], gap="large")
    with side_col:
        point = latent.probe_and_digit_panel(PREFIX, view, model, current.image, user)
    with plot_col:
        background = None
        if show_grid:
            background = latent.background_grid(key, view.extent, grid_n, view, model)
        # The title is page text: Plotly's one-line title was cut off on a 390-px phone.
        title = f"{spec.title}: {view.shown} test digits"
        st.markdown(f"**{title}**")
        names = class_names(key)
        # Drawn by the browser on a canvas: Plotly's 4,000 SVG points held the page for 2.1 s.
        latent.plane_2d(PREFIX, view, names, user.point, point, background, title=title,
                        height=widgets.by_mode(MAP_HEIGHT, PRESENTER_MAP_HEIGHT), key=MAP_KEY)
        compressed = ("" if view.scale.linear else
                      " The axes are squeezed away from the centre so that both the long arms "
                      "and the tight clusters show: the ticks give the true code values.")
        st.caption("Point anywhere on the map to decode that spot; click to pin it (the black "
                   "**x**). Drag to pan, scroll or the **+** and **−** buttons to zoom, "
                   "double-click to reset; the legend hides and shows classes." + compressed)
        latent.scores_caption(key)
        # The Plotly figure only for the export, made when the button is clicked.
        widgets.download_figure_html(
            lambda: latent.map_2d(view, names, user.point, point, background),
            f"latent-2d-{key}.html", key=f"{PREFIX}_export", title=title)


explorer(key, show_grid, grid_n, current)
