"""Latent space 3-D: a 3-number code as a cloud you can rotate, and a probe you steer and decode."""

import streamlit as st

from ui import latent, state, widgets
from ui.figures import latent_scatter_3d
from ui.model_cache import class_names, spec_of

PREFIX = "l3d"
MODEL = state.model_for("ae_3d") or "ae_3d"
PRESENTER_HEIGHT = 560  # px: the cloud under the page title on a 1280x720 screen

widgets.page_header("Latent space 3-D",
                    "With **three numbers** per digit the map becomes a cloud you can rotate. Steer the "
                    "black probe with the sliders and watch the decoder turn its position into a digit.")

widgets.explain("What am I looking at?", r"""
**The bottleneck.** This autoencoder (784 → 256 → 128 → 64 → 12 → **3** → ... → 784) must
rebuild every digit from a code of just three numbers $z = (z_1, z_2, z_3)$. Each test digit is
one dot at its code, coloured by its true class (labels were never used in training).

**Reading the cloud.** Drag to rotate, scroll to zoom. Digits the decoder rebuilds alike sit close
together, so each class forms its own arm or blob. One extra number over the 2-D map gives the
classes room to separate: test MSE drops, and fewer classes overlap.

**Gaps.** A plain autoencoder is only trained to rebuild its training digits,
$\text{loss} = \lVert x - \hat x\rVert^2$; nothing makes the empty space between the arms
meaningful. Move the probe off the cloud and the decoding turns into a smudge or a digit that
is not quite any class. (A VAE's KL penalty fills such gaps: see the 2-D page.)

**Why sliders?** A 3-D plot cannot be clicked to pick a point in space (a click on the screen is
a whole line of depth), so the probe is steered by its three coordinates instead. The sliders
start at your own digit's code.
""")

current = widgets.input_or_example()


@st.fragment
def explorer(current) -> None:
    spec = spec_of(MODEL)
    loaded = latent.model_and_view(MODEL, dims=3)
    if loaded is None:
        return
    model, view = loaded
    user = latent.user_code(model, view, current.image)

    plot_col, side_col = st.columns([3, 2], gap="large")
    with side_col:
        point = latent.probe_and_digit_panel(PREFIX, view, model, current.image, user)
    with plot_col:
        title = f"{spec.title}: {view.shown} test digits"  # page text: it wraps on a phone
        st.markdown(f"**{title}**")
        fig = latent_scatter_3d(view.points, view.labels, class_names(MODEL),
                                user_point=user.point, probe_point=point, revision=MODEL)
        fig.update_layout(height=widgets.by_mode(fig.layout.height, PRESENTER_HEIGHT))
        widgets.scene_chart(fig, key=f"{PREFIX}_chart")
        st.caption("Drag to rotate, scroll to zoom. Gold diamond: your digit; black **x**: the "
                   "probe, decoded on the right.")
        latent.scores_caption(MODEL)
        widgets.download_figure_html(fig, f"latent-3d-{MODEL}.html", key=f"{PREFIX}_export",
                                     title=title)


explorer(current)
