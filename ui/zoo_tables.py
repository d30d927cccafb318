"""The Model zoo page's tables, facts and charts (and the Home page's zoo cards), built from the
registry, the model cards and metrics.json.

The shipped artefacts are written by other tools at other times (`card.json` by training,
`metrics.json` by evaluation), so every reader here is defensive: a missing file or key gives an
empty cell (None), never a KeyError. Pure Python/NumPy/Plotly, no Streamlit: unit-tested directly.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from ae_models.data import DATASETS
from ae_models.registry import MODELS, ModelSpec
from ui.figures import metric_bars, training_curves

CORRUPTION_LABELS = {"clean": "clean digits", "gaussian": "Gaussian noise", "crosshair": "crosshairs"}
HISTORY_EXTRAS = ("learning_rate", "lr")  # history keys that are not losses
LEVEL_LABELS = {"crosshair": "crosshair"}

Card = Mapping[str, Any]
Metrics = Mapping[str, Any]


# --- Defensive readers -----------------------------------------------------------------------


def lookup(data: Any, *path: str | int) -> Any:
    """data[p0][p1]... or None as soon as a step is missing or not a container."""
    for part in path:
        if isinstance(data, Mapping):
            data = data.get(part)
        elif isinstance(data, Sequence) and not isinstance(data, str) and isinstance(part, int):
            data = data[part] if -len(data) <= part < len(data) else None
        else:
            return None
        if data is None:
            return None
    return data


def _number(value: Any) -> float | None:
    """A finite float, or None for anything else (missing, text, NaN)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _int(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(round(number))


def model_metrics(metrics: Metrics | None, key: str) -> dict[str, Any]:
    """The evaluation entry of one model, or {} when it is absent or was not evaluated."""
    entry = lookup(metrics, "models", key)
    if not isinstance(entry, Mapping) or entry.get("status", "ok") != "ok":
        return {}
    return dict(entry)


def test_mse(key: str, metrics: Metrics | None, card: Card | None) -> float | None:
    """Test MSE from metrics.json (the official evaluation), else from the training card."""
    value = _number(model_metrics(metrics, key).get("test_mse"))
    return value if value is not None else _number(lookup(card, "test_metrics", "test_mse"))


def pca_mse(spec: ModelSpec, metrics: Metrics | None) -> float | None:
    """PCA's test MSE with as many components as the model has code numbers."""
    value = _number(model_metrics(metrics, spec.key).get("pca_test_mse"))
    if value is None:
        value = _number(lookup(metrics, "baselines", "pca_test_mse", str(spec.code_size)))
    return value


def total_params(card: Card | None) -> int | None:
    """Encoder + decoder parameters, from the card's counts or its architecture tables."""
    counts = lookup(card, "parameters")
    if isinstance(counts, Mapping):
        values = [_int(v) for v in counts.values()]
        if values and all(v is not None for v in values):
            return sum(values)
    layers = [row["Params"] for part in ("encoder", "decoder") for row in architecture_rows(card, part)]
    numbers = [v for v in layers if v is not None]
    return sum(numbers) if numbers else None


def trained_with(card: Card | None) -> str | None:
    """'Keras 3.15.1 / jax on x86_64 16 cores': where the weights came from."""
    info = lookup(card, "trained_with")
    if not isinstance(info, Mapping):
        return None
    stack = " / ".join(str(info[k]) for k in ("keras", "backend") if info.get(k))
    if info.get("keras"):
        stack = f"Keras {stack}"
    device = info.get("device") or info.get("machine")
    parts = [p for p in (stack, f"on {device}" if device else "") if p]
    return " ".join(parts) or None


def code_caption(spec: ModelSpec) -> str:
    """'256 numbers (4x4x16)' or '32 numbers'."""
    noun = "number" if spec.code_size == 1 else "numbers"
    shape = f" ({spec.code_label})" if len(spec.code_shape) > 1 else ""
    return f"{spec.code_size} {noun}{shape}"


# --- Tables ----------------------------------------------------------------------------------

def zoo_table_row(spec: ModelSpec, metrics: Metrics | None, card: Card | None) -> dict[str, Any]:
    """One row of the zoo table (column -> value; None shows as a blank cell)."""
    entry = model_metrics(metrics, spec.key)
    mse = test_mse(spec.key, metrics, card)
    pca = pca_mse(spec, metrics)
    ratio = _number(entry.get("mse_over_pca"))
    if ratio is None and mse is not None and pca:
        ratio = mse / pca
    drawings = _number(entry.get("drawings_mse"))
    if drawings is None:
        drawings = _number(lookup(card, "test_metrics", "drawings_mse"))
    return {
        "Model": spec.title,
        "Key": spec.key,
        "Recipe": spec.recipe,
        "Family": spec.family,
        "Code": spec.code_label,
        "Code size": spec.code_size,
        "Trained on": CORRUPTION_LABELS.get(spec.corruption, spec.corruption),
        "Params": total_params(card),
        "Test MSE": mse,
        "PCA MSE": pca,
        "MSE / PCA": ratio,
        "PSNR (dB)": _number(entry.get("test_psnr")),
        "SSIM": _number(entry.get("test_ssim")),
        "-ELBO (nats)": _number(lookup(entry, "vae", "neg_elbo_nats")),
        "Drawings MSE": drawings,
        "Epochs": _int(lookup(card, "training", "epochs_run")),
        "Train time (s)": _number(lookup(card, "training", "wall_time_s")),
        "Trained with": trained_with(card),
    }


def zoo_table_rows(metrics: Metrics | None, cards: Mapping[str, Card | None],
                   keys: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One row per registry entry (twins included; or those in `keys`), in registry order, whatever
    files exist."""
    return [zoo_table_row(spec, metrics, cards.get(spec.key)) for spec in MODELS
            if keys is None or spec.key in keys]


def architecture_rows(card: Card | None, part: str) -> list[dict[str, Any]]:
    """The encoder's or decoder's layers as table rows: layer, type, output shape, parameters."""
    layers = lookup(card, "architecture", part)
    if not isinstance(layers, Sequence) or isinstance(layers, str):
        return []
    rows = []
    for layer in layers:
        if not isinstance(layer, Mapping):
            continue
        shape = layer.get("output_shape")
        rows.append({
            "Layer": str(layer.get("name", "")),
            "Type": str(layer.get("type", "")),
            "Output shape": None if shape is None else str(shape),
            "Params": _int(layer.get("params")),
        })
    return rows


def part_params(card: Card | None, part: str) -> int | None:
    """Parameters of the encoder or the decoder."""
    value = _int(lookup(card, "parameters", part))
    if value is None:
        numbers = [r["Params"] for r in architecture_rows(card, part) if r["Params"] is not None]
        value = sum(numbers) if numbers else None
    return value


def data_facts(spec: ModelSpec, card: Card | None) -> list[tuple[str, str]]:
    """(label, value) pairs about what the model was trained on and how (only those known)."""
    data = lookup(card, "data") or {}
    training = lookup(card, "training") or {}
    facts = [("Data set", DATASETS[spec.dataset].name),
             ("Trained on", CORRUPTION_LABELS.get(spec.corruption, spec.corruption))]
    split = [f"{_int(data[k]):,} {k}" for k in ("train", "validation", "test")
             if _int(data.get(k)) is not None]
    if split:
        facts.append(("Digits", ", ".join(split)))
    if data.get("source"):
        facts.append(("Source", str(data["source"])))
    settings = {
        "Loss": training.get("loss"),
        "Training loop": training.get("loop"),
        "Batch size": training.get("batch_size"),
        "Learning rate": training.get("learning_rate"),
        "Augmentation": ("shifts of up to 2 px" if training.get("augment") else None),
        "Noise sigma": (f"0 to {training['max_sigma']}" if _number(training.get("max_sigma"))
                        else None),
    }
    facts += [(name, str(value)) for name, value in settings.items() if value not in (None, "")]
    epochs, run, best = (_int(training.get(k)) for k in ("epochs", "epochs_run", "best_epoch"))
    if run is not None:
        text = f"{run}" + (f" of {epochs}" if epochs else "")
        facts.append(("Epochs", text + (f" (best: {best})" if best else "")))
    wall = _number(training.get("wall_time_s"))
    if wall is not None:
        facts.append(("Training time", f"{wall:.0f} s" if wall < 120 else f"{wall / 60:.1f} min"))
    if (device := trained_with(card)) is not None:
        facts.append(("Trained with", device))
    return facts


def model_notes(spec: ModelSpec, card: Card | None) -> list[str]:
    """Departures from the reference recipe: the card's copy (what shipped), else the registry's."""
    notes = lookup(card, "notes")
    if isinstance(notes, Sequence) and not isinstance(notes, str) and notes:
        return [str(n) for n in notes]
    return list(spec.notes)


def split_history(history: Mapping[str, Any] | None) -> tuple[dict[str, list[float]], list[float]]:
    """Loss curves (every numeric series but the learning rate) and the learning-rate series."""
    curves: dict[str, list[float]] = {}
    rate: list[float] = []
    for name, values in (history or {}).items():
        if not isinstance(values, Sequence) or isinstance(values, str) or not values:
            continue
        numbers = [float(v) if _number(v) is not None else float("nan") for v in values]
        if name in HISTORY_EXTRAS:
            rate = numbers
        else:
            curves[name] = numbers
    return curves, rate


def learning_rate_figure(rate: Sequence[float]) -> go.Figure:
    """The learning-rate schedule per epoch (drops show where the plateau scheduler cut it)."""
    fig = training_curves({"learning rate": list(rate)}, title="Learning rate")
    fig.update_layout(height=300, showlegend=False)
    fig.update_yaxes(title_text="learning rate", type="log", exponentformat="power")
    return fig


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level) or "σ " + level.split("_", 1)[-1]


def denoising_rows(metrics: Metrics | None, key: str) -> list[dict[str, Any]]:
    """Per corruption level: the model's PSNR, its gain over the corrupted input and its margin
    over the best classical denoiser measured at that level."""
    entry = model_metrics(metrics, key)
    psnr = entry.get("denoising_psnr")
    if not isinstance(psnr, Mapping):
        return []
    names = lookup(metrics, "baselines", "names") or {}
    rows = []
    for level, value in psnr.items():
        best = lookup(metrics, "baselines", "denoising_psnr", level, "best")
        rows.append({
            "Corruption": level_label(str(level)),
            "PSNR (dB)": _number(value),
            "Gain over input (dB)": _number(lookup(entry, "gain_over_input_db", level)),
            "vs best classical (dB)": _number(lookup(entry, "margin_over_best_classical_db", level)),
            "Best classical": None if best is None else str(names.get(best, best)),
        })
    return rows


def headline_numbers(spec: ModelSpec, card: Card | None,
                     metrics: Metrics | None) -> list[tuple[str, str]]:
    """The few numbers shown as big metrics above a model's card (only those known)."""
    row = zoo_table_row(spec, metrics, card)
    numbers = [("Code", code_caption(spec))]
    formats = (("Parameters", "Params", "{:,}"), ("Test MSE", "Test MSE", "{:.4f}"),
               ("PCA MSE", "PCA MSE", "{:.4f}"), ("-ELBO", "-ELBO (nats)", "{:.1f} nats"))
    numbers += [(label, fmt.format(row[column])) for label, column, fmt in formats
                if row[column] is not None]
    return numbers


def extra_measures(entry: Mapping[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Family-specific measurements from metrics.json: the VAE's ELBO split, the code's sparsity."""
    sections: dict[str, list[tuple[str, str]]] = {}
    vae = entry.get("vae")
    if isinstance(vae, Mapping):
        items = [("-ELBO", vae.get("neg_elbo_nats"), "{:.1f} nats"),
                 ("Reconstruction", vae.get("reconstruction_nats"), "{:.1f} nats"),
                 ("KL to the prior", vae.get("kl_nats"), "{:.1f} nats")]
        found = [(label, fmt.format(v)) for label, v, fmt in items if _number(v) is not None]
        dims, size = _int(vae.get("active_dims")), _int(entry.get("code_size"))
        if dims is not None:
            found.append(("Dimensions in use", f"{dims}" + (f" of {size}" if size else "")))
        if found:
            sections["Variational autoencoder (test set)"] = found
    sparsity = entry.get("sparsity")
    if isinstance(sparsity, Mapping):
        found = []
        for name, value in sparsity.items():
            if _number(value) is None:
                continue
            if name == "mean_activation":
                found.append(("Mean code activation", f"{value:.3f}"))
            elif name.startswith("share_below_"):
                found.append((f"Code values < {name.rsplit('_', 1)[-1]}", f"{value:.0%}"))
            elif name.startswith("units_mean_below_"):
                found.append((f"Units with mean < {name.rsplit('_', 1)[-1]}", f"{value:.0%}"))
        if found:
            sections["Sparsity of the code"] = found
    return sections


# --- Targets ---------------------------------------------------------------------------------


def targets(metrics: Metrics | None) -> list[dict[str, Any]]:
    found = lookup(metrics, "targets")
    if not isinstance(found, Sequence) or isinstance(found, str):
        return []
    return [dict(t) for t in found if isinstance(t, Mapping)]


def _fmt(value: Any) -> str:
    number = _number(value)
    return "—" if number is None else f"{number:.4g}"


def target_markdown(target: Mapping[str, Any]) -> str:
    """One target as a line of Streamlit markdown: a pass/fail badge, what it asks, the numbers."""
    aim = target.get("kind") == "aim"
    badge = (":green-badge[:material/check: pass]" if target.get("passed") and not aim
             else ":green-badge[:material/check: aim met]" if target.get("passed")
             else ":orange-badge[:material/flag: aim missed]" if aim
             else ":red-badge[:material/close: fail]")
    text = html.escape(str(target.get("description", target.get("id", "target"))), quote=False)
    numbers = f"value **{_fmt(target.get('value'))}**"
    if target.get("op") and target.get("threshold") is not None:
        numbers += f", needs {target['op']} {_fmt(target.get('threshold'))}"
    detail = target.get("detail")
    if detail:
        numbers += f" ({html.escape(str(detail), quote=False)})"
    return f"{badge} {text}: {numbers}".replace("$", r"\$")


# --- Charts ----------------------------------------------------------------------------------


def pca_comparison_figure(rows: Sequence[Mapping[str, Any]]) -> go.Figure | None:
    """Each model's test MSE as a multiple of PCA's at the same code size (1 = PCA's line).

    Below 1 the non-linear network beats the best linear code of that size. Falls back to the
    plain test MSE when no PCA numbers exist yet; None when there is nothing to plot at all.
    """
    ratios = [(r["Model"], r["MSE / PCA"]) for r in rows if _number(r.get("MSE / PCA")) is not None]
    if ratios:
        names, values = zip(*ratios)
        fig = metric_bars(names, values, baseline=1.0, baseline_name="PCA, same code size",
                          title="Test MSE relative to PCA with the same code size",
                          y_title="MSE / PCA's MSE (log; < 1 beats PCA)",
                          horizontal=True)
        # Log scale: with 576 numbers PCA is almost exact, so a wide code's ratio is in the
        # hundreds and would flatten every other bar on a linear axis.
        fig.update_xaxes(type="log")
        return fig
    plain = [(r["Model"], r["Test MSE"]) for r in rows if _number(r.get("Test MSE")) is not None]
    if not plain:
        return None
    names, values = zip(*plain)
    return metric_bars(names, values, title="Test MSE", y_title="test MSE (lower is better)",
                       horizontal=True)


def card_facts(spec: ModelSpec, metrics: Metrics | None, card: Card | None) -> str:
    """The short facts of a home-page card, one per line: code size, test MSE, PCA's MSE."""
    lines = [f"Code: **{spec.code_size}** numbers"]
    mse = test_mse(spec.key, metrics, card)
    if mse is not None:
        lines.append(f"Test MSE: **{mse:.4f}**")
        pca = pca_mse(spec, metrics)
        if pca is not None:
            lines.append(f"PCA: {pca:.4f}")
    return "  \n".join(lines)
