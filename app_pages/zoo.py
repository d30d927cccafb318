"""Model zoo: every model's measurements next to PCA, the targets, and each model's card."""

import streamlit as st

from ae_models.artifacts import rebuild_command
from ae_models.registry import MODELS
from ae_models.targets import count_met
from ui import state, widgets, zoo_tables
from ui.figures import training_curves
from ui.model_cache import card, history, metrics, spec_of, title_of

ROW_PX = 35
TABLE_CONFIG = {
    "Model": st.column_config.TextColumn(pinned=True),
    "Code size": st.column_config.NumberColumn(help="Numbers in the code (the bottleneck)"),
    "Params": st.column_config.NumberColumn(format="localized", help="Encoder + decoder weights"),
    "Test MSE": st.column_config.NumberColumn(format="%.4f", help="On the 10,000 test digits"),
    "PCA MSE": st.column_config.NumberColumn(format="%.4f",
                                             help="PCA with as many components as code numbers"),
    "MSE / PCA": st.column_config.NumberColumn(format="%.2f", help="Below 1: beats PCA"),
    "PSNR (dB)": st.column_config.NumberColumn(format="%.1f"),
    "SSIM": st.column_config.NumberColumn(format="%.3f"),
    "-ELBO (nats)": st.column_config.NumberColumn(format="%.1f", help="VAEs only: lower is better"),
    "Drawings MSE": st.column_config.NumberColumn(
        format="%.4f", help="On 500 canvas-style drawings (thick strokes, off-centre)"),
    "Train time (s)": st.column_config.NumberColumn(format="%.0f"),
}
LAYER_CONFIG = {"Params": st.column_config.NumberColumn(format="localized")}
DENOISE_CONFIG = {name: st.column_config.NumberColumn(format="%+.2f" if "Gain" in name or "vs" in name
                                                      else "%.2f")
                  for name in ("PSNR (dB)", "Gain over input (dB)", "vs best classical (dB)")}

widgets.page_header("Model zoo",
                    "Every shipped model measured on the same 10,000 test digits, and held against "
                    "**PCA**: the best *linear* code of the same size.")

widgets.explain("Bottleneck, code size, and why compare with PCA?", r"""
**The bottleneck.** The code is the narrowest layer of the network. The fewer numbers it has, the
more the encoder must throw away: with 2 numbers a digit comes back as a blurry prototype of its
class, with 196 almost every stroke survives. Read *Test MSE* against *Code size* in the table.

**Why PCA?** PCA keeps a digit's coordinates along the $k$ directions in which the training digits
vary most, $\hat x = \mu + W_k W_k^\top (x - \mu)$. For squared error that is the best any *linear*
code of $k$ numbers can do, and a linear autoencoder trained on MSE ends up spanning exactly that
subspace. So PCA is what you get without non-linear layers: *MSE / PCA* below 1 means the
network's non-linearities bought something, above 1 means it did worse than plain linear algebra.

* **PSNR** $= 10\log_{10}(1/\mathrm{MSE})$ dB, higher is better; **SSIM** compares local structure (1 = identical).
* **-ELBO** (VAEs): reconstruction cross-entropy + KL to the prior, in nats per digit; lower is better.
* **Drawings MSE**: digits drawn like on the canvas (thick, not centred like MNIST): how well a
  model copes with what the class draws.
""")

dataset = state.dataset()
shown = [spec.key for spec in MODELS if spec.dataset == dataset]
all_metrics = metrics(dataset)
cards = {key: card(key) for key in shown}
rows = zoo_tables.zoo_table_rows(all_metrics, cards, shown)

st.header("All models")
if not all_metrics.get("models"):
    flag = "" if dataset == "mnist" else f" --dataset {dataset}"
    st.info("The evaluation of these models is not there yet: PSNR, SSIM, PCA and -ELBO "
            "columns stay blank, test MSE comes from the training cards. Fill it with "
            f"`python -m ae_models.evaluate --all{flag}`.", icon=":material/hourglass_empty:")
no_card = [key for key in shown if cards[key] is None]
if no_card:
    st.warning("No model card for " + ", ".join(f"`{k}`" for k in no_card) + ": train with "
               + ", ".join(f"`{rebuild_command(k)}`" for k in no_card) + ".",
               icon=":material/warning:")
st.dataframe(rows, column_config=TABLE_CONFIG, hide_index=True, height=ROW_PX * (len(rows) + 1) + 3,
             key="zoo_table")
if (figure := zoo_tables.pca_comparison_figure(rows)) is not None:
    widgets.chart(figure, key="zoo_pca_bars")

if found := zoo_tables.targets(all_metrics):
    st.header("Targets")
    count = count_met(found)
    summary = f"**{count.met} of {count.targets}** targets met on the test set"
    if count.aims:
        summary += f"; **{count.aims_met} of {count.aims}** aims met"
    st.markdown(summary + ".")
    for target in found:
        st.markdown(zoo_tables.target_markdown(target))


def model_details(key: str) -> None:
    spec = spec_of(key)
    info, entry = cards[key], zoo_tables.model_metrics(all_metrics, key)
    st.markdown(f"### {spec.title} · `{key}`")
    st.markdown(f"{spec.description}  \nRecipe **{spec.recipe}**, family **{spec.family}**.")
    if spec.twin_of:
        st.caption(f"A measurement twin of `{spec.twin_of}`: not offered on the other pages.")
    if info is None:
        st.warning(f"No model card for `{key}` (weights/{key}/card.json): train it with "
                   f"`{rebuild_command(key)}`.", icon=":material/warning:")

    for col, (name, value) in zip(st.columns(5), zoo_tables.headline_numbers(spec, info, all_metrics)):
        col.metric(name, value)

    notes_col, data_col = st.columns(2, gap="large")
    with notes_col:
        st.markdown("**Departures from the recipe**")
        notes = zoo_tables.model_notes(spec, info)
        st.markdown("\n".join(f"- {n}" for n in notes) if notes else "None: built as described.")
    with data_col:
        st.markdown("**Data and training**")
        st.markdown("\n".join(f"- {name}: **{value}**" for name, value in zoo_tables.data_facts(spec, info)))

    st.markdown("#### Architecture")
    for col, part in zip(st.columns(2, gap="large"), ("encoder", "decoder")):
        with col:
            layers = zoo_tables.architecture_rows(info, part)
            count = zoo_tables.part_params(info, part)
            st.markdown(f"**{part.capitalize()}**" + (f" · {count:,} parameters" if count else ""))
            if layers:
                st.dataframe(layers, column_config=LAYER_CONFIG, hide_index=True,
                             height=ROW_PX * (len(layers) + 1) + 3, key=f"layers_{part}_{key}")
            else:
                st.info(f"No {part} layers recorded in the model card.")

    st.markdown("#### Training")
    curves, rate = zoo_tables.split_history(history(key))
    if not curves:
        st.info(f"No training history for `{key}` (weights/{key}/history.json).")
    else:
        loss = zoo_tables.lookup(info, "training", "loss") or ""
        title = f"Loss per epoch{f' ({loss})' if loss else ''}: dashed = validation"
        left, right = st.columns([3, 2])
        with left:
            widgets.chart(training_curves(curves, title), key=f"curves_{key}")
        if rate:
            with right:
                widgets.chart(zoo_tables.learning_rate_figure(rate), key=f"lr_{key}")

    if denoise := zoo_tables.denoising_rows(all_metrics, key):
        st.markdown("#### Denoising (mean PSNR against the clean test digit)")
        st.dataframe(denoise, column_config=DENOISE_CONFIG, hide_index=True,
                     key=f"denoise_{key}")
    for section, measures in zoo_tables.extra_measures(entry).items():
        st.markdown(f"#### {section}")
        for col, (name, value) in zip(st.columns(len(measures)), measures):
            col.metric(name, value)

st.header("One model in detail")
selected = st.selectbox("Model", shown, index=0, key=state.per_dataset("zoo_model"),
                        format_func=lambda k: f"{title_of(k)} ({k})", bind="query-params")
model_details(selected)
