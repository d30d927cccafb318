"""The acceptance targets as one table, the one function that judges them, and their tally.

Each row asks one measure of one model to pass a bound. The model is named by its role (its
MNIST key); on another data set the row judges the model that plays that role there, and is left
out where no model does. A bound is a plain number, or a number applied to a reference measured
on the same test images: PCA's MSE with k components (times), a twin model's same measure
(times), or the best classical denoiser's PSNR at one noise level (plus, in dB).

An *aim* is a goal to report and work towards: shown, met or missed, but not counted in
"N of M targets met".

Only the registry is imported: the Model zoo page counts verdicts with `count_met` and must
stay free of TensorFlow and SciPy.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from .arrays import significant
from .registry import resolve

COMPARISONS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt}


@dataclass(frozen=True)
class Reference:
    """What a relative bound is applied to: `name` is a number of PCA components ("2"), a model
    role ("sparse_twin") or a corruption level ("gaussian_0.5")."""

    kind: Literal["pca", "model", "classical"]
    name: str


@dataclass(frozen=True)
class Target:
    """One row of the table. `id` and `description` are templates: {key} is the judged model's
    key, {bound} the row's number, {reference} and {reference_name} what the bound applies to."""

    id: str
    role: str
    measure: tuple[str, ...]  # the path of the value in the model's metrics.json entry
    op: Literal["<=", "<", ">=", ">"]
    bound: float
    description: str
    reference: Reference | None = None
    aim: bool = False
    datasets: Literal["all", "mnist", "not mnist"] = "all"


def _pca(k: int) -> Reference:
    return Reference("pca", str(k))


def _best_classical(level: str) -> Reference:
    return Reference("classical", level)


_BEATS_CLASSICAL = "beats the best classical ({reference_name}, {reference:.2f} dB)"
_PLUS_5_DB = ("{key} PSNR at σ 0.5 >= best classical ({reference_name}, {reference:.2f} dB) "
              "+ {bound:g} dB")
_PSNR_AT_HALF = ("denoising_psnr", "gaussian_0.5")

TARGETS: tuple[Target, ...] = (
    Target("{key}_mse_vs_pca2", "ae_2d", ("test_mse",), "<=", 0.8,
           "{key} test MSE <= {bound:g} x {reference_name} ({reference:.4f})", _pca(2)),
    Target("{key}_mse_vs_pca3", "ae_3d", ("test_mse",), "<=", 0.8,
           "{key} test MSE <= {bound:g} x {reference_name} ({reference:.4f})", _pca(3)),
    Target("{key}_mse_vs_pca32", "dense", ("test_mse",), "<=", 0.75,
           "{key} test MSE <= {bound:g} x {reference_name} ({reference:.4f})", _pca(32)),
    Target("{key}_mse_vs_pca2", "vae_2d", ("test_mse",), "<", 1.0,
           "{key} test MSE < {reference_name} ({reference:.4f})", _pca(2)),
    # Nats per image on MNIST only: clothes carry more detail, so they cost more nats.
    Target("{key}_neg_elbo", "vae_2d", ("vae", "neg_elbo_nats"), "<=", 160.0,
           "{key} -ELBO <= {bound:g} nats per image", datasets="mnist"),
    Target("{key}_neg_elbo", "vae", ("vae", "neg_elbo_nats"), "<=", 108.0,
           "{key} -ELBO <= {bound:g} nats per image", datasets="mnist"),
    Target("{key}_sigma_0.25", "conv_denoise", ("denoising_psnr", "gaussian_0.25"), ">", 0.0,
           "{key} still good at σ 0.25: " + _BEATS_CLASSICAL, _best_classical("gaussian_0.25")),
    # The +5 dB margin was set for MNIST digits. On another data set the target is to beat the
    # classical filters, and the MNIST margin is reported as an aim.
    Target("{key}_sigma_0.5", "conv_denoise", _PSNR_AT_HALF, ">=", 5.0, _PLUS_5_DB,
           _best_classical("gaussian_0.5"), datasets="mnist"),
    Target("{key}_sigma_0.5", "conv_denoise", _PSNR_AT_HALF, ">", 0.0,
           "{key} PSNR at σ 0.5 " + _BEATS_CLASSICAL, _best_classical("gaussian_0.5"),
           datasets="not mnist"),
    Target("{key}_sigma_0.5_plus5", "conv_denoise", _PSNR_AT_HALF, ">=", 5.0,
           _PLUS_5_DB + " (aim)", _best_classical("gaussian_0.5"), aim=True,
           datasets="not mnist"),
    Target("{key}_sigma_0.75", "conv_denoise", ("denoising_psnr", "gaussian_0.75"), ">", 0.0,
           "{key} still good at σ 0.75: " + _BEATS_CLASSICAL, _best_classical("gaussian_0.75")),
    Target("{key}_gain", "conv_crosshair", ("gain_over_input_db", "crosshair"), ">=", 8.0,
           "{key} PSNR gain over the crosshaired input >= {bound:g} dB"),
    Target("{key}_activation", "sparse", ("sparsity", "mean_activation"), "<=", 0.6,
           "{key} mean code activation <= {bound:g} x {reference_name}",
           Reference("model", "sparse_twin")),
    Target("{key}_mse", "sparse", ("test_mse",), "<=", 1.5,
           "{key} test MSE <= {bound:g} x {reference_name}", Reference("model", "sparse_twin")),
    Target("{key}_knn", "ae_2d", ("knn_agreement",), ">=", 0.75,
           "{key} 10-NN label agreement >= {bound:g} (aim)", aim=True),
    Target("{key}_knn", "vae_2d", ("knn_agreement",), ">=", 0.75,
           "{key} 10-NN label agreement >= {bound:g} (aim)", aim=True),
)

# How far a measured value is from its reference, shown next to the verdict.
_DETAILS = {"pca": "{ratio:.3f} x {reference_name}", "model": "{ratio:.3f} x twin",
            "classical": "margin {margin:+.2f} dB over {reference_name}"}


def measured(models: Mapping[str, Any], key: str | None, path: tuple[str, ...]) -> Any:
    """models[key][path...] of an evaluated model, or None when it is missing or not measured."""
    entry = models.get(key) if key else None
    if not entry or entry.get("status") != "ok":
        return None
    for part in path:
        entry = entry.get(part) if isinstance(entry, Mapping) else None
    return entry


def _reference(target: Target, models: Mapping[str, Any], baselines: Mapping[str, Any],
               dataset: str) -> tuple[float | None, str] | None:
    """(value, name) of what the row's bound applies to; None when that model is not on the
    data set (the row is then left out)."""
    ref = target.reference
    if ref is None:
        return None, ""
    if ref.kind == "pca":
        return float(baselines["pca_test_mse"][ref.name]), f"PCA-{ref.name}"
    if ref.kind == "classical":
        best = baselines["denoising_psnr"][ref.name]
        return best["best_psnr"], best["best"]
    key = resolve(ref.name, dataset)
    return None if key is None else (measured(models, key, target.measure), key)


def _threshold(target: Target, ref_value: float | None) -> float | None:
    """The number the value is compared with: the bound, or the bound applied to its reference
    (a margin in dB adds to a PSNR, a factor multiplies an MSE or an activation)."""
    if target.reference is None:
        return target.bound
    if ref_value is None:
        return None
    if target.reference.kind == "classical":
        return ref_value + target.bound
    return target.bound * ref_value


def judge(target: Target, models: Mapping[str, Any], baselines: Mapping[str, Any],
          dataset: str) -> dict[str, Any] | None:
    """One row's verdict with its numbers (so a reader sees by how much), or None where the row
    does not apply. A missing model fails its targets and the detail says which one."""
    key = resolve(target.role, dataset)
    applies = {"all": True, "mnist": dataset == "mnist", "not mnist": dataset != "mnist"}
    reference = _reference(target, models, baselines, dataset)
    if key is None or not applies[target.datasets] or reference is None:
        return None
    ref_value, ref_name = reference
    value = measured(models, key, target.measure)
    threshold = _threshold(target, ref_value)
    names = {"key": key, "bound": target.bound, "reference_name": ref_name,
             "reference": float("nan") if ref_value is None else ref_value}
    passed = value is not None and threshold is not None
    detail = ""
    if not passed:
        absent = [name for name, v in ((key, value), (ref_name, threshold)) if v is None]
        detail = f"not evaluated: {', '.join(dict.fromkeys(absent))} missing or not measured"
    else:
        passed = COMPARISONS[target.op](value, threshold)
        if target.reference is not None and ref_value:
            detail = _DETAILS[target.reference.kind].format(
                ratio=value / ref_value, margin=value - ref_value, **names)
    return {"id": target.id.format(**names), "model": key,
            "description": target.description.format(**names),
            "value": None if value is None else significant(value, 5), "op": target.op,
            "threshold": None if threshold is None else significant(threshold, 5),
            "passed": bool(passed), "detail": detail, "kind": "aim" if target.aim else "target"}


def check_targets(models: Mapping[str, Any], baselines: Mapping[str, Any],
                  dataset: str = "mnist") -> list[dict[str, Any]]:
    """Every row of TARGETS that applies on `dataset`, judged on its measured numbers."""
    verdicts = (judge(target, models, baselines, dataset) for target in TARGETS)
    return [verdict for verdict in verdicts if verdict is not None]


class TargetCount(NamedTuple):
    """How many targets and aims a list of verdicts meets."""

    met: int
    targets: int
    aims_met: int
    aims: int


def count_met(verdicts: Iterable[Mapping[str, Any]]) -> TargetCount:
    """Met targets and met aims: the one tally behind weights/README.md and the Model zoo page.
    Reads verdicts defensively (a missing `passed` counts as not met), as the page's are from a
    file written at another time."""
    verdicts = list(verdicts)
    aims = [v for v in verdicts if v.get("kind") == "aim"]
    targets = [v for v in verdicts if v.get("kind") != "aim"]
    return TargetCount(sum(bool(v.get("passed")) for v in targets), len(targets),
                       sum(bool(v.get("passed")) for v in aims), len(aims))
