"""Train it live: a small autoencoder learns in front of the class, epoch by epoch."""

import streamlit as st

from ae_models.live_training import CODE_SIZES, PREVIEW, LiveSettings, train_live
from ui import state, widgets
from ui.figures import training_curves
from ui.images import image_grid, upscale
from ui.example_images import training_images

TRAIN_SIZES = [1000, 3000, 5000]

widgets.page_header("Train it live",
                    "Watch an autoencoder **learn**: a small dense network starts from random weights "
                    "and, epoch after epoch, its reconstructions turn from grey fog into digits.")

widgets.explain("What happens when I press Train?", r"""
The network is 784 → 256 → **code** → 256 → 784 (the *Shallow dense* recipe). Its weights start
random, so its first outputs are grey fog. Each **epoch** it sees every training image once, in
batches of 64: it rebuilds them, measures the error
$\text{loss} = \frac{1}{784}\sum_i (x_i - \hat x_i)^2$, and nudges every weight a little
downhill (the Adam optimiser, a form of gradient descent).

The **validation loss** is measured on images the network never trains on: if it stops falling
while the training loss keeps going down, the network has started memorising.

* A **smaller code** (2 numbers) rebuilds blurrier prototypes; 32 numbers keep most strokes.
* With **noise**, each training image is corrupted afresh and the network must give back the clean
  one: a *denoising* autoencoder.

Your model stays in your browser session only: pick **Your model (trained live)** on the
*Draw & reconstruct* page to compare it with the shipped ones.
""")

dataset = state.dataset()
controls, progress_col = st.columns([1, 2], gap="large")
with controls:
    code_size = st.select_slider("Code size (numbers)", CODE_SIZES, value=8, key="live_code",
                                 bind="query-params")
    noise = st.slider("Training noise sigma (0: plain autoencoder)", 0.0, 0.75, 0.0, 0.05,
                      key="live_noise", bind="query-params")
    train_size = st.select_slider("Training images", TRAIN_SIZES, value=3000, key="live_n",
                                  bind="query-params")
    epochs = st.slider("Epochs", 3, 20, 10, key="live_epochs", bind="query-params")
    start = st.button("Train", icon=":material/play_arrow:", type="primary", width="stretch",
                      key="live_train")

images = training_images(dataset, train_size)
settings = LiveSettings(code_size=code_size, noise_sigma=noise, train_size=len(images.train),
                        epochs=epochs)
with controls:
    st.caption(f"Training on {len(images.train):,} images from the {images.source}; validation on "
               f"{len(images.val):,} others.")

with progress_col:
    bar = st.progress(0.0, text="Press **Train** to start from random weights.")
    chart_slot = st.empty()
    preview_slot = st.empty()


def show_preview(reconstructions, caption: str) -> None:
    """Top row: the validation images; bottom row: the network's current reconstructions."""
    rows = image_grid([*images.val[:PREVIEW], *reconstructions], cols=PREVIEW, pad=2)
    with preview_slot:
        widgets.show_picture(upscale(rows, 4), caption,
                             f"Top row: {PREVIEW} validation images; bottom row: the network's "
                             "reconstructions of them")


def show_curves(reports) -> None:
    curves = {"loss": [r.loss for r in reports], "val_loss": [r.val_loss for r in reports]}
    figure = training_curves(curves, "MSE per epoch: dashed = validation")
    figure.update_layout(height=320, margin={"b": 40})
    with chart_slot.container():
        widgets.chart(figure, key=f"live_curve_{len(reports)}")


def on_epoch(report) -> None:
    bar.progress(report.epoch / report.epochs,
                 text=f"Epoch {report.epoch} of {report.epochs} · validation MSE "
                      f"{report.val_loss:.4f} · {report.seconds:.1f} s")
    show_curves(reports_so_far := [*st.session_state.get("live_reports", []), report])
    st.session_state["live_reports"] = reports_so_far
    show_preview(report.preview, f"Top: validation images · bottom: reconstructions after epoch "
                                 f"{report.epoch}")


if start:
    st.session_state["live_reports"] = []
    model, reports = train_live(settings, images.train, images.val, on_epoch, dataset)
    state.set_live_model(model)
    st.session_state["live_summary"] = (f"Trained in {reports[-1].seconds:.1f} s: validation MSE "
                                        f"{reports[-1].val_loss:.4f} after {len(reports)} epochs.")
elif reports := st.session_state.get("live_reports"):
    last = reports[-1]
    bar.progress(1.0, text=f"Done: {last.epochs} epochs, validation MSE {last.val_loss:.4f}")
    show_curves(reports)
    show_preview(last.preview, "Top: validation images · bottom: your model's reconstructions")

if (live := state.live_model()) is not None:
    with progress_col:
        st.success(f"{st.session_state.get('live_summary', '')} {live.spec.description} "
                   "Compare it with the shipped models on the Draw page.",
                   icon=":material/check_circle:")
        st.page_link("app_pages/draw.py", label="Compare it on *Draw & reconstruct*",
                     icon=":material/draw:")
