"""Evaluation CLI: `python -m ae_models.evaluate [--all | NAMES...] [--data-dir D] [--limit N]`.

Measures every shipped model on the official test set next to the classical baselines it has to
beat (PCA with the same code size; a median filter, a blur and PCA-32 for denoising), checks the
issue's targets, prints Markdown tables and writes `weights/metrics.json` and `weights/README.md`.
The app's pages and the zoo tests read metrics.json, so shipped numbers and shipped weights can
never drift apart unnoticed.

Naming models evaluates only those and merges them into an existing metrics.json; `--limit N`
(the first N test digits) is a quick look and writes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import baselines as bl
from . import metrics as mt
from .artifacts import metrics_path as metrics_file, read_json, weights_root, write_json
from .corruption import crosshair, gaussian_noise
from .data import DATASETS, DatasetUnavailable, canvas_style_digits, load_dataset, synthetic_digits
from .registry import REGISTRY, ModelSpec, get_spec, model_keys, resolve

BATCH = 500  # images per model call: bounded memory, no model.predict overhead
METRIC_CHUNK = 2000  # images per metric call (SSIM runs through TensorFlow)
NOISE_SIGMAS = (0.25, 0.5, 0.75)
NOISE_SEED = 2024
CROSSHAIR_SETTINGS = {"thickness": 2, "random_position": True, "seed": 2025}
ELBO_SEED = 0
KNN_K = 10
DENOISE_PCA_K = 32
REFERENCE_PCA_KS = (2, 3, 16, 32, 64)  # the reference's measured PCA figures, for comparison
SPARSE_THRESHOLD = 0.05
ACTIVE_KL_NATS = 0.1  # a VAE latent dimension with less KL than this carries no information
DRAWINGS = {"n": 500, "seed": 2026}
SYNTHETIC = {"n": 500, "seed": 2027}
SYNTHETIC_SMALL = 200  # synthetic_digits(200, seed=2027): what tests/test_zoo.py regenerates
FIRST_TEST = 1000  # the first test digits, what tests/test_zoo.py reproduces on real MNIST
BASELINE_NAMES = {
    "input": "corrupted input",
    "median_3x3": "3x3 median filter",
    "gaussian_blur_1": "Gaussian blur, sigma 1",
    f"pca_{DENOISE_PCA_K}": f"PCA-{DENOISE_PCA_K} projection",
}


def level_names() -> list[str]:
    """The corruption levels every model and baseline is measured at, in table order."""
    return [f"gaussian_{s}" for s in NOISE_SIGMAS] + ["crosshair"]


def _level_label(level: str) -> str:
    return "crosshair" if level == "crosshair" else "σ " + level.split("_", 1)[1]


@dataclass
class EvalData:
    """Everything measured on, built once per run so every model sees the very same pixels."""

    x_train: np.ndarray  # float32 (N, 28, 28): PCA is fitted on it
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    dataset: str = "mnist"
    corrupted: dict[str, np.ndarray] = field(default_factory=dict)
    drawings: np.ndarray | None = None
    synthetic: np.ndarray | None = None
    synthetic_small: np.ndarray | None = None


def _to_float(images: np.ndarray) -> np.ndarray:
    return images.astype(np.float32) / np.float32(255.0)


def prepare_data(dataset: str, data_dir: str | None, limit: int | None) -> EvalData:
    """Real test digits, their corrupted copies (fixed seeds) and the off-MNIST digit sets."""
    data = load_dataset(dataset, data_dir)
    n = len(data.x_test) if limit is None else min(limit, len(data.x_test))
    x_test = _to_float(data.x_test[:n])
    ev = EvalData(_to_float(data.x_train), x_test, data.y_test[:n].astype(np.int64), data.source,
                  dataset)
    for sigma in NOISE_SIGMAS:
        ev.corrupted[f"gaussian_{sigma}"] = gaussian_noise(x_test, sigma, seed=NOISE_SEED)
    ev.corrupted["crosshair"] = crosshair(x_test, **CROSSHAIR_SETTINGS)
    if dataset != "mnist":  # drawn and font digits are a yardstick for digit models only
        return ev
    ev.drawings = _to_float(canvas_style_digits(DRAWINGS["n"], seed=DRAWINGS["seed"])[0])
    ev.synthetic = _to_float(synthetic_digits(SYNTHETIC["n"], seed=SYNTHETIC["seed"])[0])
    ev.synthetic_small = _to_float(synthetic_digits(SYNTHETIC_SMALL, seed=SYNTHETIC["seed"])[0])
    return ev


def batched(fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
            batch_size: int = BATCH) -> np.ndarray:
    """Apply fn to x in slices: the memory of one batch, the speed of a compiled call."""
    return np.concatenate([fn(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])


def per_image(fn: Callable, clean: np.ndarray, other: np.ndarray) -> np.ndarray:
    """A per-image metric over a large batch, in chunks (bounded temporaries)."""
    return np.concatenate([np.atleast_1d(fn(clean[i:i + METRIC_CHUNK], other[i:i + METRIC_CHUNK]))
                           for i in range(0, len(clean), METRIC_CHUNK)])


def mean_psnr(clean: np.ndarray, other: np.ndarray) -> float:
    return float(np.mean(per_image(mt.psnr, clean, other)))


def _sig(x: float, digits: int = 6) -> float:
    """Round to significant digits: readable JSON, far below any tolerance that reads it."""
    return float(f"{float(x):.{digits}g}")


# --- Baselines ------------------------------------------------------------------------------


@dataclass
class PCA:
    mean: np.ndarray
    axes: np.ndarray  # (D, D), rows by decreasing variance

    def reconstruct(self, images: np.ndarray, k: int) -> np.ndarray:
        return bl.pca_reconstruct(images, self.mean, self.axes[:k])


def classical_baselines(ev: EvalData, pca: PCA, pca_ks: list[int]) -> dict[str, Any]:
    """PCA test MSE at every needed k, and the classical denoisers at every corruption level."""
    pca_mse = {str(k): _sig(np.mean((pca.reconstruct(ev.x_test, k) - ev.x_test) ** 2))
               for k in sorted(set(pca_ks))}
    denoising: dict[str, dict[str, Any]] = {}
    for level, noisy in ev.corrupted.items():
        outputs = {
            "input": noisy,
            "median_3x3": bl.median_filter_3x3(noisy),
            "gaussian_blur_1": bl.gaussian_blur(noisy, sigma=1.0),
            f"pca_{DENOISE_PCA_K}": pca.reconstruct(noisy, DENOISE_PCA_K),
        }
        row: dict[str, Any] = {name: _sig(mean_psnr(ev.x_test, out), 5)
                               for name, out in outputs.items()}
        best = max((name for name in outputs if name != "input"), key=lambda name: row[name])
        row["best"] = best
        row["best_psnr"] = row[best]
        denoising[level] = row
    return {"pca_test_mse": pca_mse, "denoising_psnr": denoising,
            "names": dict(BASELINE_NAMES)}


# --- One model ------------------------------------------------------------------------------


def evaluate_model(model: Any, ev: EvalData, pca: PCA, baselines: dict[str, Any]) -> dict[str, Any]:
    """All measurements of one loaded model (see the module docstring for what and why)."""
    spec: ModelSpec = model.spec
    x = ev.x_test
    if spec.is_vae:  # the mean code, and the log-variance the KL needs, in one encoder pass
        parts = [model.encode_distribution(x[i:i + BATCH]) for i in range(0, len(x), BATCH)]
        codes = np.concatenate([p[0] for p in parts])
        log_var = np.concatenate([p[1] for p in parts])
    else:
        codes = batched(model.encode, x)
    recon = batched(model.decode, codes)
    pca_mse = float(baselines["pca_test_mse"][str(spec.code_size)])
    entry: dict[str, Any] = {
        "status": "ok",
        "title": spec.title,
        "family": spec.family,
        "code_size": spec.code_size,
        "code_shape": list(spec.code_shape),
        "trained_on": spec.corruption,
        "test_mse": _sig(np.mean(per_image(mt.mse, x, recon))),
        "test_bce": _sig(np.mean(per_image(mt.bce, x, recon))),
        "test_psnr": _sig(np.mean(per_image(mt.psnr, x, recon)), 5),
        "test_ssim": _sig(np.mean(per_image(mt.ssim, x, recon)), 5),
        f"test_mse_first_{FIRST_TEST}": _sig(np.mean((recon[:FIRST_TEST] - x[:FIRST_TEST]) ** 2)),
        "pca_k": spec.code_size,
        "pca_test_mse": pca_mse,
    }
    entry["mse_over_pca"] = _sig(entry["test_mse"] / pca_mse, 4)

    denoising, gains, margins = {}, {}, {}
    for level, noisy in ev.corrupted.items():
        value = mean_psnr(x, batched(model.reconstruct, noisy))
        row = baselines["denoising_psnr"][level]
        denoising[level] = _sig(value, 5)
        gains[level] = _sig(value - row["input"], 4)
        margins[level] = _sig(value - row["best_psnr"], 4)
    entry["denoising_psnr"] = denoising
    entry["gain_over_input_db"] = gains
    entry["margin_over_best_classical_db"] = margins

    entry["knn_agreement"] = _sig(bl.knn_label_agreement(codes, ev.y_test, k=KNN_K), 4)
    for name, images in (("drawings_mse", ev.drawings), ("synthetic_mse", ev.synthetic),
                         (f"synthetic_mse_{SYNTHETIC_SMALL}", ev.synthetic_small)):
        if images is not None:
            entry[name] = _sig(np.mean((batched(model.reconstruct, images) - images) ** 2))

    if spec.is_vae:
        entry["vae"] = vae_measures(model, x, codes, log_var)
    if spec.family == "sparse":
        entry["sparsity"] = sparsity_measures(codes)
    return entry


def vae_measures(model: Any, x: np.ndarray, mean: np.ndarray, log_var: np.ndarray) -> dict[str, Any]:
    """Negative ELBO (one posterior sample, fixed seed) and how the KL spreads over latent dims.

    A dimension whose KL stays near 0 is ignored by the decoder (posterior collapse); the split
    shows how many of the latent dimensions the VAE actually uses.
    """
    from .vae import elbo_terms

    terms = elbo_terms(model.encoder, model.decoder, x[..., None], seed=ELBO_SEED, batch_size=BATCH)
    kl_per_dim = np.mean(-0.5 * (1.0 + log_var - mean ** 2 - np.exp(log_var)), axis=0)
    rec, kl = float(np.mean(terms["reconstruction"])), float(np.mean(terms["kl"]))
    return {
        "neg_elbo_nats": _sig(rec + kl, 5),
        "reconstruction_nats": _sig(rec, 5),
        "kl_nats": _sig(kl, 4),
        "kl_per_dim_nats": [_sig(v, 4) for v in kl_per_dim],
        "active_dims": int(np.sum(kl_per_dim > ACTIVE_KL_NATS)),
        "elbo_seed": ELBO_SEED,
    }


def sparsity_measures(codes: np.ndarray) -> dict[str, float]:
    """How much of the code is switched off: the point of the L1 penalty.

    The absolute figures (mean, share under 0.05) can be met by shrinking every unit at once,
    which the next layer undoes; the scale-free ones (share under 5% of the image's largest
    unit, share of the L1 mass in the top 10% of units) show whether a few units carry the code.
    """
    c = np.asarray(codes, dtype=np.float64)
    ordered = np.sort(c, axis=1)[:, ::-1]
    top = max(1, c.shape[1] // 10)
    total = np.maximum(ordered.sum(axis=1), 1e-12)
    peak = np.maximum(ordered[:, 0:1], 1e-12)
    return {
        "mean_activation": _sig(np.mean(c), 4),
        f"share_below_{SPARSE_THRESHOLD}": _sig(np.mean(c < SPARSE_THRESHOLD), 4),
        f"units_mean_below_{SPARSE_THRESHOLD}": _sig(np.mean(c.mean(axis=0) < SPARSE_THRESHOLD), 4),
        "max_activation": _sig(np.max(c), 4),
        "share_below_5pct_of_image_max": _sig(np.mean(c / peak < 0.05), 4),
        "top10pct_units_l1_share": _sig(np.mean(ordered[:, :top].sum(axis=1) / total), 4),
    }


# --- Targets --------------------------------------------------------------------------------

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": lambda a, b: a <= b, "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b, ">": lambda a, b: a > b,
}


def _target(tid: str, model: str, description: str, value: float | None, op: str,
            threshold: float | None, detail: str = "", needs: tuple[str, ...] = (),
            kind: str = "target") -> dict[str, Any]:
    """One acceptance check with its numbers; a missing input fails it and says which model.

    `kind` "aim" marks a goal the issue asks to report and aim at, not a hard target: it is shown
    (met or missed) but does not count in "N of M targets met".
    """
    ok = value is not None and threshold is not None and _OPS[op](value, threshold)
    if value is None or threshold is None:
        absent = [k for k, v in ((model, value), *((n, threshold) for n in needs)) if v is None]
        detail = f"not evaluated: {', '.join(dict.fromkeys(absent))} missing or not measured"
    return {"id": tid, "model": model, "description": description,
            "value": None if value is None else _sig(value, 5), "op": op,
            "threshold": None if threshold is None else _sig(threshold, 5),
            "passed": bool(ok), "detail": detail, "kind": kind}


ELBO_LIMITS = {"vae_2d": 160.0, "vae": 108.0}  # nats, MNIST only (clothes cost more nats)


def check_targets(models: dict[str, dict[str, Any]], baselines: dict[str, Any],
                  dataset: str = "mnist") -> list[dict[str, Any]]:
    """The issue's acceptance targets, each with its numbers, so a reader sees by how much.

    Targets name models by role (the MNIST key); on another dataset each applies to the model
    that plays that role there, and is left out where no model does.
    """
    def key_of(role: str) -> str | None:
        return resolve(role, dataset)

    def get(key: str | None, *path: str) -> Any:
        entry = models.get(key) if key else None
        if not entry or entry.get("status") != "ok":
            return None
        for part in path:
            entry = entry.get(part) if isinstance(entry, dict) else None
        return entry

    pca = {int(k): v for k, v in baselines["pca_test_mse"].items()}
    den = baselines["denoising_psnr"]
    targets = []

    for role, k, factor in (("ae_2d", 2, 0.8), ("ae_3d", 3, 0.8), ("dense", 32, 0.75)):
        if (key := key_of(role)) is None:
            continue
        value = get(key, "test_mse")
        targets.append(_target(
            f"{key}_mse_vs_pca{k}", key, f"{key} test MSE <= {factor} x PCA-{k} ({pca[k]:.4f})",
            value, "<=", factor * pca[k],
            "" if value is None else f"{value / pca[k]:.3f} x PCA-{k}"))
    if (key := key_of("vae_2d")) is not None:
        value = get(key, "test_mse")
        targets.append(_target(f"{key}_mse_vs_pca2", key, f"{key} test MSE < PCA-2 ({pca[2]:.4f})",
                               value, "<", pca[2],
                               "" if value is None else f"{value / pca[2]:.3f} x PCA-2"))
    if dataset == "mnist":
        for key, limit in ELBO_LIMITS.items():
            targets.append(_target(f"{key}_neg_elbo", key, f"{key} -ELBO <= {limit:g} nats per image",
                                   get(key, "vae", "neg_elbo_nats"), "<=", limit))

    if (key := key_of("conv_denoise")) is not None:
        for sigma in NOISE_SIGMAS:
            level = f"gaussian_{sigma}"
            best, best_psnr = den[level]["best"], den[level]["best_psnr"]
            need = 5.0 if sigma == 0.5 else 0.0
            value = get(key, "denoising_psnr", level)
            margin = "" if value is None else f"margin {value - best_psnr:+.2f} dB over {best}"
            description = (f"{key} PSNR at σ {sigma} >= best classical ({best}, "
                           f"{best_psnr:.2f} dB) + 5 dB" if need else
                           f"{key} still good at σ {sigma}: beats the best classical "
                           f"({best}, {best_psnr:.2f} dB)")
            if need and dataset != "mnist":
                # The +5 dB margin was set for MNIST digits. On another data set the target is
                # to beat the classical filters, and the MNIST margin is reported as an aim.
                targets.append(_target(f"{key}_sigma_{sigma}", key,
                                       f"{key} PSNR at σ {sigma} beats the best classical "
                                       f"({best}, {best_psnr:.2f} dB)", value, ">", best_psnr,
                                       margin))
                targets.append(_target(f"{key}_sigma_{sigma}_plus5", key, description + " (aim)",
                                       value, ">=", best_psnr + need, margin, kind="aim"))
                continue
            targets.append(_target(f"{key}_sigma_{sigma}", key, description, value,
                                   ">=" if need else ">", best_psnr + need, margin))

    if (key := key_of("conv_crosshair")) is not None:
        gain = get(key, "gain_over_input_db", "crosshair")
        targets.append(_target(f"{key}_gain", key,
                               f"{key} PSNR gain over the crosshaired input >= 8 dB",
                               gain, ">=", 8.0))

    if (key := key_of("sparse")) is not None and (twin := key_of("sparse_twin")) is not None:
        twin_act = get(twin, "sparsity", "mean_activation")
        act = get(key, "sparsity", "mean_activation")
        targets.append(_target(f"{key}_activation", key,
                               f"{key} mean code activation <= 0.6 x {twin}", act, "<=",
                               None if twin_act is None else 0.6 * twin_act,
                               "" if act is None or not twin_act else f"{act / twin_act:.3f} x twin",
                               needs=(twin,)))
        twin_mse, mse = get(twin, "test_mse"), get(key, "test_mse")
        targets.append(_target(f"{key}_mse", key, f"{key} test MSE <= 1.5 x {twin}", mse, "<=",
                               None if twin_mse is None else 1.5 * twin_mse,
                               "" if mse is None or not twin_mse else f"{mse / twin_mse:.3f} x twin",
                               needs=(twin,)))
    for role in ("ae_2d", "vae_2d"):
        if (key := key_of(role)) is not None:
            targets.append(_target(f"{key}_knn", key,
                                   f"{key} {KNN_K}-NN label agreement >= 0.75 (aim)",
                                   get(key, "knn_agreement"), ">=", 0.75, kind="aim"))
    return targets


# --- Reports --------------------------------------------------------------------------------


def _fmt(value: Any, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def _mse(value: float) -> str:
    return f"{value:.4f}" if value >= 1e-3 else f"{value:.1e}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def markdown_report(result: dict[str, Any]) -> str:
    """The tables printed by the CLI and written into weights/README.md."""
    models = {k: v for k, v in result["models"].items() if v.get("status") == "ok"}
    missing = {k: v for k, v in result["models"].items() if v.get("status") != "ok"}
    base = result["baselines"]
    levels = level_names()
    data = result["data"]
    dataset = data.get("dataset", "mnist")
    parts = [f"Test set: {data['test']} images from `{data['source']}`; PCA fitted on the "
             f"{data['train']} training images. Noise seed {data['noise_seed']}, crosshair "
             f"{data['crosshair']}."]

    parts.append("### Reconstruction of clean test images\n")
    rows = []
    for key, m in models.items():
        rows.append([f"`{key}`", "x".join(map(str, m["code_shape"])), f"{m['test_mse']:.4f}",
                     f"{m['test_bce']:.4f}", f"{m['test_psnr']:.2f}", f"{m['test_ssim']:.3f}",
                     _mse(m["pca_test_mse"]), f"{m['mse_over_pca']:.3g}",
                     f"{m['knn_agreement']:.3f}", _fmt(m.get("drawings_mse"), ".4f"),
                     _fmt(m.get("synthetic_mse"), ".4f")])
    parts.append(_table(["model", "code", "MSE", "BCE", "PSNR dB", "SSIM", "PCA-k MSE",
                         "MSE / PCA", f"{KNN_K}-NN agree", "drawings MSE", "synthetic MSE"], rows))

    parts.append("### Denoising: mean PSNR in dB against the clean digit (gain over the corrupted "
                 "input)\n")
    rows = []
    for key, m in models.items():
        rows.append([f"`{key}` ({m['trained_on']})"] + [
            f"{m['denoising_psnr'][lv]:.2f} ({m['gain_over_input_db'][lv]:+.2f})" for lv in levels])
    den = base["denoising_psnr"]
    for name, label in base["names"].items():
        rows.append([f"*{label}*"] + [
            f"*{den[lv][name]:.2f}*" + ("" if name == "input" else
                                        f" ({den[lv][name] - den[lv]['input']:+.2f})")
            for lv in levels])
    rows.append(["**best classical**"] + [f"**{base['names'][den[lv]['best']]}**" for lv in levels])
    parts.append(_table(["model / method"] + [_level_label(lv) for lv in levels], rows))

    cross = []
    gauss_key, cross_key = resolve("conv_denoise", dataset), resolve("conv_crosshair", dataset)
    if gauss_key in models:
        m = models[gauss_key]
        cross.append(f"- `{gauss_key}` (trained on Gaussian noise) on crosshairs: "
                     f"{m['denoising_psnr']['crosshair']:.2f} dB, "
                     f"{m['gain_over_input_db']['crosshair']:+.2f} dB over the crosshaired input, "
                     f"{m['margin_over_best_classical_db']['crosshair']:+.2f} dB over the best "
                     f"classical.")
    if cross_key in models:
        m = models[cross_key]
        gains = ", ".join(f"σ {lv.split('_')[1]}: {m['denoising_psnr'][lv]:.2f} dB "
                          f"({m['gain_over_input_db'][lv]:+.2f})" for lv in levels[:-1])
        cross.append(f"- `{cross_key}` (trained on crosshairs) on Gaussian noise: {gains}.")
    if cross:
        parts.append("Cross-over (each denoiser on the corruption it was not trained on):\n\n"
                     + "\n".join(cross))

    vaes = {k: m for k, m in models.items() if "vae" in m}
    if vaes:
        parts.append("### Variational autoencoders (test set, nats per image)\n")
        rows = [[f"`{k}`", f"{m['vae']['neg_elbo_nats']:.2f}", f"{m['vae']['reconstruction_nats']:.2f}",
                 f"{m['vae']['kl_nats']:.2f}",
                 f"{m['vae']['active_dims']} / {m['code_size']}",
                 ", ".join(f"{v:.2f}" for v in m["vae"]["kl_per_dim_nats"])]
                for k, m in vaes.items()]
        parts.append(_table(["model", "-ELBO", "reconstruction", "KL",
                             f"dims with KL > {ACTIVE_KL_NATS}", "KL per dimension"], rows))

    sparse = {k: m for k, m in models.items() if "sparsity" in m}
    if sparse:
        parts.append("### Sparsity of the code\n")
        rows = [[f"`{k}`", f"{m['sparsity']['mean_activation']:.4f}",
                 f"{m['sparsity']['max_activation']:.4f}",
                 f"{m['sparsity'][f'share_below_{SPARSE_THRESHOLD}']:.3f}",
                 f"{m['sparsity'][f'units_mean_below_{SPARSE_THRESHOLD}']:.3f}",
                 f"{m['sparsity']['share_below_5pct_of_image_max']:.3f}",
                 f"{m['sparsity']['top10pct_units_l1_share']:.3f}",
                 f"{m['test_mse']:.4f}"] for k, m in sparse.items()]
        parts.append(_table(["model", "mean activation", "max activation",
                             f"share of values < {SPARSE_THRESHOLD}",
                             f"units with mean < {SPARSE_THRESHOLD}",
                             "share < 5% of the image's max", "L1 share of top 10% units",
                             "MSE"], rows))

    parts.append("### Targets\n")
    rows = [[t["description"], _fmt(t["value"], ".4g"), f"{t['op']} {_fmt(t['threshold'], '.4g')}",
             t["detail"], ("pass" if t["passed"] else "**FAIL**") if t.get("kind") != "aim"
             else ("aim met" if t["passed"] else "**aim missed**")] for t in result["targets"]]
    hard = [t for t in result["targets"] if t.get("kind") != "aim"]
    aims = [t for t in result["targets"] if t.get("kind") == "aim"]
    passed = sum(t["passed"] for t in hard)
    parts.append(_table(["target", "value", "needs", "detail", "result"], rows))
    aims_met = sum(t["passed"] for t in aims)
    parts.append(f"{passed} of {len(hard)} targets met"
                 + (f"; {aims_met} of {len(aims)} aims met." if aims else "."))

    if missing:
        parts.append("### Missing models\n")
        parts.append("\n".join(f"- `{k}`: {m.get('message', 'not evaluated')}"
                               for k, m in missing.items()))
    return "\n\n".join(p.strip("\n") for p in parts) + "\n"


def readme_text(results: dict[str, dict[str, Any]]) -> str:
    """weights/README.md: one section per evaluated dataset (MNIST first)."""
    text = ("# Shipped model metrics\n\n"
            "Generated by `python -m ae_models.evaluate --all [--dataset D]`; do not edit by hand "
            "(the numbers live in `metrics.json` and `metrics_<dataset>.json`, which "
            "`tests/test_zoo.py` checks the shipped weights against).\n")
    for dataset, result in results.items():
        text += (f"\n## {DATASETS[dataset].label} (evaluated {result['generated']}, "
                 f"`{metrics_file(dataset).name}`)\n\n" + markdown_report(result))
    return text


def write_readme() -> None:
    results = {name: read_json(metrics_file(name)) for name in DATASETS
               if metrics_file(name).is_file()}
    (weights_root() / "README.md").write_text(readme_text(results))


# --- CLI ------------------------------------------------------------------------------------


def _load_model(key: str) -> tuple[Any, str | None]:
    from .loading import ModelLoadError, load

    try:
        return load(key), None
    except ModelLoadError as exc:
        return None, str(exc)


def run(keys: list[str], ev: EvalData, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Evaluate the given registry keys on prepared data; returns the metrics.json structure."""
    start = time.time()
    pca = PCA(*bl.pca_basis(ev.x_train))
    log(f"PCA basis fitted on {len(ev.x_train)} digits in {time.time() - start:.1f}s")
    pca_ks = list(REFERENCE_PCA_KS) + [spec.code_size for spec in REGISTRY.values()]
    baselines = classical_baselines(ev, pca, pca_ks)
    log(f"baselines done at {time.time() - start:.1f}s")
    models: dict[str, dict[str, Any]] = {}
    for key in keys:
        t0, c0 = time.time(), time.process_time()
        model, problem = _load_model(key)
        if model is None:
            log(f"[{key}] MISSING: {problem}")
            models[key] = {"status": "missing", "title": get_spec(key).title, "message": problem}
            continue
        models[key] = evaluate_model(model, ev, pca, baselines)
        log(f"[{key}] evaluated in {time.time() - t0:.1f}s wall, {time.process_time() - c0:.1f}s CPU: "
            f"MSE {models[key]['test_mse']:.4f}")
    return {
        "generated": dt.date.today().isoformat(),
        "data": {
            "dataset": ev.dataset, "source": ev.source, "train": len(ev.x_train), "test": len(ev.x_test),
            "noise_sigmas": list(NOISE_SIGMAS), "noise_seed": NOISE_SEED,
            "crosshair": dict(CROSSHAIR_SETTINGS), "elbo_seed": ELBO_SEED, "knn_k": KNN_K,
            "drawings": dict(DRAWINGS), "synthetic": dict(SYNTHETIC),
            "synthetic_small": {"n": SYNTHETIC_SMALL, "seed": SYNTHETIC["seed"]},
            "first_test": FIRST_TEST,
        },
        "baselines": baselines,
        "models": models,
        "targets": [],
    }


def merge_previous(result: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """Keep earlier models' entries when only some were re-evaluated on the same data."""
    same_data = all(previous.get("data", {}).get(k) == result["data"][k]
                    for k in ("source", "train", "test"))
    if not same_data:
        return result
    merged = {k: v for k, v in previous.get("models", {}).items() if k in REGISTRY}
    merged.update(result["models"])
    order = [k for k in REGISTRY if k in merged]
    result["models"] = {k: merged[k] for k in order}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help=f"models to evaluate: {', '.join(REGISTRY)}")
    parser.add_argument("--all", action="store_true", help="every model of the dataset (with twins)")
    parser.add_argument("--dataset", default="mnist", choices=list(DATASETS))
    parser.add_argument("--data-dir", help="folder with the IDX files (else $AE_DATA_DIR, ...)")
    parser.add_argument("--limit", type=int, metavar="N",
                        help="only the first N test digits (a quick look: nothing is written)")
    parser.add_argument("--report-only", action="store_true",
                        help="re-check the targets and rewrite README.md from metrics.json, "
                             "without evaluating anything")
    args = parser.parse_args(argv)
    metrics_path = metrics_file(args.dataset)
    if args.report_only:
        if not metrics_path.is_file():
            parser.error(f"{metrics_path} does not exist; run with --all first")
        result = read_json(metrics_path)
        result["targets"] = check_targets(result["models"], result["baselines"], args.dataset)
        print(markdown_report(result))
        write_json(metrics_path, result)
        write_readme()
        return 0
    if args.all and args.names:
        parser.error("pass --all or model names, not both")
    keys = model_keys(args.dataset) if args.all else args.names
    if not keys:
        parser.error(f"no models registered for {args.dataset}" if args.all
                     else "name at least one model, or pass --all")
    for key in keys:
        if key not in REGISTRY:
            parser.error(f"unknown model {key!r}; known: {', '.join(REGISTRY)}")
    if args.limit is not None and args.limit < KNN_K + 1:
        parser.error(f"--limit must be at least {KNN_K + 1}")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    start = time.time()
    try:
        ev = prepare_data(args.dataset, args.data_dir, args.limit)
    except DatasetUnavailable as exc:
        log(f"Cannot evaluate: {exc}")
        return 2
    log(f"data ready in {time.time() - start:.1f}s: {len(ev.x_test)} test digits from {ev.source}")
    result = run(keys, ev, log)
    if not args.all and metrics_path.is_file():
        result = merge_previous(result, read_json(metrics_path))
    result["targets"] = check_targets(result["models"], result["baselines"], args.dataset)
    print(markdown_report(result))
    if args.limit is not None:
        log("--limit: a quick look on a subset; metrics.json and README.md were not written.")
    else:
        write_json(metrics_path, result)
        write_readme()
        log(f"wrote {metrics_path} and {weights_root() / 'README.md'}")
    missing = [k for k, m in result["models"].items() if m.get("status") != "ok"]
    if missing:
        log(f"MISSING models (not evaluated): {', '.join(missing)}; train them with "
            f"`python -m ae_models.train NAME`.")
    log(f"total {time.time() - start:.1f}s wall, {time.process_time():.1f}s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
