"""Autoencoder Lab: draw a digit and watch a zoo of autoencoders take it apart and rebuild it."""

import streamlit as st

from ae_models.data import DATASETS
from ui import lesson_panel, model_cache, navigation, streamlit_fixes
from ui.images import app_icon
from ui.navigation import HOME
from ui.state import DATASET_KEY, PRESENTER_KEY, presenter_mode
from ui.widgets import DEFAULT_MODELS

# Projector screens are 1280x720: larger text, and none of the page's margins wasted.
PRESENTER_CSS = """<style>
html { font-size: 20px; }
header[data-testid="stHeader"] { height: 2.4rem; min-height: 2.4rem; background: transparent; }
.stMainBlockContainer { padding: 2.4rem 1.5rem 1rem 1.5rem; max-width: none; }
h1 { font-size: 2rem !important; padding: 0 0 0.2rem 0 !important; }
</style>"""

# Streamlit colours st.code's syntax tokens from a fixed palette that no theme option reaches;
# on its light code background they measured 2.6-3.8:1 (axe). These keep each hue, at >= 4.8:1.
CODE_TOKEN_CSS = """<style>
[data-testid="stCode"] .token.property, [data-testid="stCode"] .token.attr-name,
[data-testid="stCode"] .token.variable { color: #00708C; }
[data-testid="stCode"] .token.string, [data-testid="stCode"] .token.char,
[data-testid="stCode"] .token.attr-value, [data-testid="stCode"] .token.boolean,
[data-testid="stCode"] .token.constant, [data-testid="stCode"] .token.symbol { color: #0A7A2F; }
[data-testid="stCode"] .token.number, [data-testid="stCode"] .token.regex { color: #137367; }
[data-testid="stCode"] .token.keyword, [data-testid="stCode"] .token.tag,
[data-testid="stCode"] .token.function, [data-testid="stCode"] .token.class-name,
[data-testid="stCode"] .token.selector { color: #1565C0; }
[data-testid="stCode"] .token.operator, [data-testid="stCode"] .token.entity,
[data-testid="stCode"] .token.decorator, [data-testid="stCode"] .token.atrule { color: #A34A00; }
[data-testid="stCode"] .token.url { color: #6B2FB3; }
[data-testid="stCode"] .token.comment, [data-testid="stCode"] .token.punctuation { color: #595959; }
</style>"""

streamlit_fixes.install()  # Keras left alone after each run; no stale fragment reruns

st.set_page_config(page_title="Autoencoder Lab", page_icon=app_icon(), layout="wide")
lesson_panel.open_pending_step()  # a lesson step's settings, before any widget is made

page = st.navigation([st.Page(page.script, title=page.title, icon=page.icon,
                              url_path=page.url_path or None, default=page is HOME)
                      for page in navigation.PAGES])
with st.sidebar:
    st.radio("Data set", list(DATASETS), format_func=lambda name: DATASETS[name].label,
             key=DATASET_KEY, bind="query-params",
             help="Which models every page shows: the digit models, or the ones trained on "
                  "Fashion-MNIST (photos of clothes, shoes and bags).")
    st.toggle("Presenter mode", key=PRESENTER_KEY, bind="query-params",
              help="For a projector at 1280x720: bigger images and text, each page's key figure "
                   "on one screen, explanations and secondary controls hidden. The sidebar folds "
                   "away (reopen it with the arrow at the top left).")
st.html(CODE_TOKEN_CSS)
if presenter_mode():
    # Folds the sidebar when switched on (seen in the presenter screenshots); a link opens folded.
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(PRESENTER_CSS)
lesson_panel.lesson_bar()
page.run()
# Once the first page is drawn, the Draw page's default models load in the background while it
# is read (started earlier, TensorFlow's import delayed that first page by about 2 s).
model_cache.warm_up(DEFAULT_MODELS)
