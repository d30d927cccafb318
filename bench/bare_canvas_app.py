"""The floor for the stroke benchmark: the same canvas and four images, with no model behind them.

    python -m bench.browser_bench stroke --floor        # the app, then this app, the same way
    python -m bench.browser_bench stroke --app bench/bare_canvas_app.py    # this app alone
    streamlit run bench/bare_canvas_app.py --server.port 8600              # or by hand, then
    python -m bench.browser_bench stroke --url http://127.0.0.1:8600

Each "Reconstruction" is the drawing itself shrunk to 28x28 and blown back up, so the browser and
Streamlit do the same work per stroke as on the Draw page (encode the canvas, rerun a fragment,
send four new images) while the Python side costs almost nothing. What the Draw page takes on
top of this app is the part our code can change; the rest is this machine.
"""

import numpy as np
import streamlit as st
from PIL import Image
from streamlit_drawable_canvas import st_canvas

MODELS = ["dense", "conv", "conv_denoise", "vae"]


@st.fragment
def playground() -> None:
    result = st_canvas(stroke_width=22, stroke_color="#FFFFFF", background_color="#000000",
                       height=280, width=280, drawing_mode="freedraw", return_image_data=True,
                       key="canvas")
    if result is None or result.image_data is None:
        return
    small = Image.fromarray(np.asarray(result.image_data)[..., :3].astype(np.uint8)).convert("L")
    small = small.resize((28, 28), Image.Resampling.BOX)
    big = small.resize((196, 196), Image.Resampling.NEAREST)
    for column, name in zip(st.columns(len(MODELS)), MODELS):
        column.image(big, caption=f"{name} · Reconstruction")


def draw_page() -> None:
    st.title("Bare canvas")
    playground()


def home_page() -> None:
    st.title("Bare canvas: open /draw")


# The benchmarks open /draw, as on the real app (a default page answers only at /).
st.navigation([st.Page(home_page, title="Home", default=True),
               st.Page(draw_page, title="Draw", url_path="draw")], position="hidden").run()
