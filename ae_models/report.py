"""The evaluation as Markdown: the tables the CLI prints and `weights/README.md`.

Everything here is rendered from the metrics files alone, so `tests/test_zoo.py` can check that
the shipped README says exactly what the shipped numbers say.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .artifacts import metrics_path, read_json, weights_root
from .data import DATASETS
from .measures import ACTIVE_KL_NATS, KNN_K, SPARSE_THRESHOLD, level_names
from .registry import resolve
from .targets import count_met

Entry = Mapping[str, Any]


def _fmt(value: Any, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def _mse(value: float) -> str:
    return f"{value:.4f}" if value >= 1e-3 else f"{value:.1e}"


def _level_label(level: str) -> str:
    return "crosshair" if level == "crosshair" else "σ " + level.split("_", 1)[1]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _reconstruction(models: Mapping[str, Entry]) -> str:
    rows = [[f"`{key}`", "x".join(map(str, m["code_shape"])), f"{m['test_mse']:.4f}",
             f"{m['test_bce']:.4f}", f"{m['test_psnr']:.2f}", f"{m['test_ssim']:.3f}",
             _mse(m["pca_test_mse"]), f"{m['mse_over_pca']:.3g}", f"{m['knn_agreement']:.3f}",
             _fmt(m.get("drawings_mse"), ".4f"), _fmt(m.get("synthetic_mse"), ".4f")]
            for key, m in models.items()]
    return ("### Reconstruction of clean test images\n\n"
            + _table(["model", "code", "MSE", "BCE", "PSNR dB", "SSIM", "PCA-k MSE", "MSE / PCA",
                      f"{KNN_K}-NN agree", "drawings MSE", "synthetic MSE"], rows))


def _denoising(models: Mapping[str, Entry], baselines: Entry) -> str:
    levels = level_names()
    rows = [[f"`{key}` ({m['trained_on']})"]
            + [f"{m['denoising_psnr'][lv]:.2f} ({m['gain_over_input_db'][lv]:+.2f})"
               for lv in levels]
            for key, m in models.items()]
    psnr = baselines["denoising_psnr"]
    for name, label in baselines["names"].items():
        rows.append([f"*{label}*"] + [
            f"*{psnr[lv][name]:.2f}*"
            + ("" if name == "input" else f" ({psnr[lv][name] - psnr[lv]['input']:+.2f})")
            for lv in levels])
    rows.append(["**best classical**"]
                + [f"**{baselines['names'][psnr[lv]['best']]}**" for lv in levels])
    return ("### Denoising: mean PSNR in dB against the clean digit (gain over the corrupted "
            "input)\n\n" + _table(["model / method"] + [_level_label(lv) for lv in levels], rows))


def _crossover(models: Mapping[str, Entry], dataset: str) -> str | None:
    """Each denoiser on the corruption it was not trained on: did it learn *its* corruption?"""
    lines = []
    gauss_key, cross_key = resolve("conv_denoise", dataset), resolve("conv_crosshair", dataset)
    if gauss_key in models:
        psnr, gain = models[gauss_key]["denoising_psnr"], models[gauss_key]["gain_over_input_db"]
        margin = models[gauss_key]["margin_over_best_classical_db"]
        lines.append(f"- `{gauss_key}` (trained on Gaussian noise) on crosshairs: "
                     f"{psnr['crosshair']:.2f} dB, {gain['crosshair']:+.2f} dB over the "
                     f"crosshaired input, {margin['crosshair']:+.2f} dB over the best classical.")
    if cross_key in models:
        psnr, gain = models[cross_key]["denoising_psnr"], models[cross_key]["gain_over_input_db"]
        gains = ", ".join(f"σ {lv.split('_')[1]}: {psnr[lv]:.2f} dB ({gain[lv]:+.2f})"
                          for lv in level_names()[:-1])
        lines.append(f"- `{cross_key}` (trained on crosshairs) on Gaussian noise: {gains}.")
    if not lines:
        return None
    return ("Cross-over (each denoiser on the corruption it was not trained on):\n\n"
            + "\n".join(lines))


def _vaes(models: Mapping[str, Entry]) -> str | None:
    rows = [[f"`{key}`", f"{m['vae']['neg_elbo_nats']:.2f}",
             f"{m['vae']['reconstruction_nats']:.2f}", f"{m['vae']['kl_nats']:.2f}",
             f"{m['vae']['active_dims']} / {m['code_size']}",
             ", ".join(f"{v:.2f}" for v in m["vae"]["kl_per_dim_nats"])]
            for key, m in models.items() if "vae" in m]
    if not rows:
        return None
    return ("### Variational autoencoders (test set, nats per image)\n\n"
            + _table(["model", "-ELBO", "reconstruction", "KL",
                      f"dims with KL > {ACTIVE_KL_NATS}", "KL per dimension"], rows))


def _sparsity(models: Mapping[str, Entry]) -> str | None:
    below = SPARSE_THRESHOLD
    rows = [[f"`{key}`", f"{m['sparsity']['mean_activation']:.4f}",
             f"{m['sparsity']['max_activation']:.4f}",
             f"{m['sparsity'][f'share_below_{below}']:.3f}",
             f"{m['sparsity'][f'units_mean_below_{below}']:.3f}",
             f"{m['sparsity']['share_below_5pct_of_image_max']:.3f}",
             f"{m['sparsity']['top10pct_units_l1_share']:.3f}", f"{m['test_mse']:.4f}"]
            for key, m in models.items() if "sparsity" in m]
    if not rows:
        return None
    return ("### Sparsity of the code\n\n"
            + _table(["model", "mean activation", "max activation",
                      f"share of values < {below}", f"units with mean < {below}",
                      "share < 5% of the image's max", "L1 share of top 10% units", "MSE"], rows))


def _verdict(target: Entry) -> str:
    if target.get("kind") == "aim":
        return "aim met" if target["passed"] else "**aim missed**"
    return "pass" if target["passed"] else "**FAIL**"


def _targets(targets: list[Entry]) -> str:
    rows = [[t["description"], _fmt(t["value"], ".4g"), f"{t['op']} {_fmt(t['threshold'], '.4g')}",
             t["detail"], _verdict(t)] for t in targets]
    count = count_met(targets)
    tally = (f"{count.met} of {count.targets} targets met"
             + (f"; {count.aims_met} of {count.aims} aims met." if count.aims else "."))
    header = ["target", "value", "needs", "detail", "result"]
    return f"### Targets\n\n{_table(header, rows)}\n\n{tally}"


def markdown_report(result: Mapping[str, Any]) -> str:
    """The tables printed by the CLI and written into weights/README.md, for one data set."""
    models = {key: entry for key, entry in result["models"].items() if entry.get("status") == "ok"}
    missing = {key: entry for key, entry in result["models"].items()
               if entry.get("status") != "ok"}
    data = result["data"]
    parts = [f"Data: {data['source']}. Test set: {data['test']} images; PCA fitted on the "
             f"{data['train']} training images. Noise seed {data['noise_seed']}, crosshair "
             f"{data['crosshair']}.",
             _reconstruction(models), _denoising(models, result["baselines"]),
             _crossover(models, data.get("dataset", "mnist")), _vaes(models), _sparsity(models),
             _targets(result["targets"])]
    if missing:
        parts.append("### Missing models\n\n" + "\n".join(
            f"- `{key}`: {entry.get('message', 'not evaluated')}"
            for key, entry in missing.items()))
    return "\n\n".join(part.strip("\n") for part in parts if part is not None) + "\n"


def readme_text(results: Mapping[str, Mapping[str, Any]]) -> str:
    """weights/README.md: one section per evaluated data set, in the order given (MNIST first)."""
    text = ("# Shipped model metrics\n\n"
            "Generated by `python -m ae_models.evaluate --all [--dataset D]`; do not edit by hand "
            "(the numbers live in `metrics.json` and `metrics_<dataset>.json`, which "
            "`tests/test_zoo.py` checks the shipped weights against).\n")
    for dataset, result in results.items():
        text += (f"\n## {DATASETS[dataset].label} (evaluated {result['generated']}, "
                 f"`{metrics_path(dataset).name}`)\n\n" + markdown_report(result))
    return text


def shipped_readme_text() -> str:
    """What weights/README.md must say: readme_text of every metrics file that exists."""
    results = {name: read_json(metrics_path(name)) for name in DATASETS
               if metrics_path(name).is_file()}
    return readme_text(results)


def write_readme() -> None:
    """Rewrite weights/README.md from the metrics files."""
    (weights_root() / "README.md").write_text(shipped_readme_text())
