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
import sys
import time
from typing import Any

from .artifacts import metrics_path, read_json, weights_root, write_json
from .data import DATASETS, DatasetUnavailable
from .measures import KNN_K, evaluate_models, prepare_data
from .registry import REGISTRY, model_keys
from .report import markdown_report, write_readme
from .targets import check_targets


def merge_previous(result: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """Keep earlier models' entries when only some were re-evaluated on the same data."""
    same_data = all(previous.get("data", {}).get(k) == result["data"][k]
                    for k in ("source", "train", "test"))
    if not same_data:
        return result
    merged = {k: v for k, v in previous.get("models", {}).items() if k in REGISTRY}
    merged.update(result["models"])
    result["models"] = {k: merged[k] for k in REGISTRY if k in merged}
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help=f"models to evaluate: {', '.join(REGISTRY)}")
    parser.add_argument("--all", action="store_true",
                        help="every model of the dataset (with twins)")
    parser.add_argument("--dataset", default="mnist", choices=list(DATASETS))
    parser.add_argument("--data-dir", help="folder with the IDX files (else $AE_DATA_DIR, ...)")
    parser.add_argument("--limit", type=int, metavar="N",
                        help="only the first N test digits (a quick look: nothing is written)")
    parser.add_argument("--report-only", action="store_true",
                        help="re-check the targets and rewrite README.md from metrics.json, "
                             "without evaluating anything")
    return parser


def _models_to_evaluate(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[str]:
    """The registry keys asked for, or a usage error that says what is wrong."""
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
    return keys


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _write(result: dict[str, Any], dataset: str) -> None:
    """Judge the targets, print the report and write metrics.json and weights/README.md."""
    result["targets"] = check_targets(result["models"], result["baselines"], dataset)
    print(markdown_report(result))
    write_json(metrics_path(dataset), result)
    write_readme()


def main(argv: list[str] | None = None) -> int:
    """The evaluation CLI (see the module docstring); returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    path = metrics_path(args.dataset)
    if args.report_only:
        if not path.is_file():
            parser.error(f"{path} does not exist; run with --all first")
        _write(read_json(path), args.dataset)
        return 0
    keys = _models_to_evaluate(parser, args)
    start = time.time()
    try:
        data = prepare_data(args.dataset, args.data_dir, args.limit)
    except DatasetUnavailable as exc:
        _log(f"Cannot evaluate: {exc}")
        return 2
    _log(f"data ready in {time.time() - start:.1f}s: {len(data.x_test)} test images, "
         f"{data.source}")
    result = evaluate_models(keys, data, _log)
    if not args.all and path.is_file():
        result = merge_previous(result, read_json(path))
    if args.limit is not None:
        result["targets"] = check_targets(result["models"], result["baselines"], args.dataset)
        print(markdown_report(result))
        _log("--limit: a quick look on a subset; metrics.json and README.md were not written.")
    else:
        _write(result, args.dataset)
        _log(f"wrote {path} and {weights_root() / 'README.md'}")
    missing = [key for key, entry in result["models"].items() if entry.get("status") != "ok"]
    if missing:
        _log(f"MISSING models (not evaluated): {', '.join(missing)}; train them with "
             f"`python -m ae_models.train NAME`.")
    _log(f"total {time.time() - start:.1f}s wall, {time.process_time():.1f}s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
