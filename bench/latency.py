"""Interactive latency: `Autoencoder.reconstruct` on one image vs `keras.Model.predict`, per model.

    python -m bench.latency                 # print a Markdown table
    python -m bench.latency --write         # ... and put it in bench/RESULTS.md ("## Latency")
    python -m bench.latency --models conv vae --calls 100

`reconstruct` is what every page calls on each drawing (fixed-signature tf.functions); `predict`
is the obvious alternative, timed on the same composed network (encoder then decoder; a VAE's
decoder fed the mean code). Both are timed in the same process, one image per call, after warm-up;
the median is reported. Targets: <= 5 ms per call on 2 cores and >= 10x faster than `predict`.
`--write` records the slowest model and the smallest speed-up as current figures only when every
model was measured (no `--models`, none skipped).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time

import numpy as np

from bench.common import Figure, load_average, machine_name, percentile, record

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
TITLE = "Latency"
TARGET_MS = 5.0
TARGET_SPEEDUP = 10.0
SLOWEST = "Slowest model's reconstruct of one image, median"
LEAST_SPEEDUP = "Smallest speed-up of reconstruct over keras predict"


def timed(fn, calls: int) -> list[float]:
    """Per-call wall times in milliseconds."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench_model(key: str, image: np.ndarray, calls: int, predict_calls: int) -> dict:
    import keras

    from ae_models.loading import load

    model = load(key)
    enc, dec = model.encoder, model.decoder
    code = enc.outputs[0]  # a VAE's mean; the code itself otherwise
    composed = keras.Model(enc.inputs, dec(code), name=f"{key}_composed")
    batch = image[None, :, :, None]

    for _ in range(20):  # trace the tf.functions, warm the caches
        fast = model.reconstruct(image)
    for _ in range(3):
        slow = composed.predict(batch, verbose=0)[0, ..., 0]
    fast_ms = timed(lambda: model.reconstruct(image), calls)
    slow_ms = timed(lambda: composed.predict(batch, verbose=0), predict_calls)
    return {
        "key": key,
        "code": model.spec.code_label,
        "reconstruct_ms": statistics.median(fast_ms),
        "reconstruct_p90_ms": percentile(fast_ms, 90),
        "predict_ms": statistics.median(slow_ms),
        "max_abs_diff": float(np.max(np.abs(fast - slow))),
    }


def markdown(rows: list[dict], skipped: list[str], args, started: dt.datetime, note: str) -> str:
    import keras
    import tensorflow as tf

    lines = [
        f"`python -m bench.latency{' --models ' + ' '.join(args.models) if args.models else ''}`, "
        f"{started:%Y-%m-%d %H:%M}. Machine: {machine_name()}, {load_average()}. "
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}, Python {platform.python_version()}.",
        "",
        f"One 28x28 image per call, median of {args.calls} `Autoencoder.reconstruct` calls and of "
        f"{args.predict_calls} `keras.Model.predict` calls on the same composed network (encoder then "
        "decoder), after warm-up, in one process. Targets: reconstruct <= "
        f"{TARGET_MS:g} ms and >= {TARGET_SPEEDUP:g}x faster than predict.",
        "",
        "| model | code | reconstruct ms (median) | reconstruct ms (p90) | predict ms (median) "
        "| speed-up | targets met |",
        "|---|---|---:|---:|---:|---:|:---:|",
    ]
    for r in rows:
        speedup = r["predict_ms"] / r["reconstruct_ms"]
        ok = r["reconstruct_ms"] <= TARGET_MS and speedup >= TARGET_SPEEDUP
        lines.append(f"| {r['key']} | {r['code']} | {r['reconstruct_ms']:.2f} | "
                     f"{r['reconstruct_p90_ms']:.2f} | {r['predict_ms']:.1f} | {speedup:.0f}x | "
                     f"{'yes' if ok else '**no**'} |")
    if rows:
        worst = max(r["reconstruct_ms"] for r in rows)
        least = min(r["predict_ms"] / r["reconstruct_ms"] for r in rows)
        lines += ["", f"Slowest reconstruct: {worst:.2f} ms; smallest speed-up: {least:.0f}x. "
                      f"Largest difference between the two outputs: "
                      f"{max(r['max_abs_diff'] for r in rows):.1e}."]
    if skipped:
        lines += ["", "Not measured (no loadable weights): " + ", ".join(skipped) + "."]
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def figures(rows: list[dict]) -> list[Figure]:
    """The two current figures: the slowest model's median and the smallest speed-up."""
    worst = max(rows, key=lambda r: r["reconstruct_ms"])
    least = min(rows, key=lambda r: r["predict_ms"] / r["reconstruct_ms"])
    speedup = least["predict_ms"] / least["reconstruct_ms"]
    return [Figure(SLOWEST, f"≤ {TARGET_MS:g} ms",
                   f"{worst['reconstruct_ms']:.2f} ms ({worst['key']})"),
            Figure(LEAST_SPEEDUP, f"≥ {TARGET_SPEEDUP:g}x", f"{speedup:.0f}x ({least['key']})")]


def main(argv: list[str] | None = None) -> int:
    from ae_models.registry import REGISTRY, model_keys

    parser = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="*", help=f"default: all of {', '.join(REGISTRY)}")
    parser.add_argument("--calls", type=int, default=200, help="timed reconstruct calls (200)")
    parser.add_argument("--predict-calls", type=int, default=30, help="timed predict calls (30)")
    parser.add_argument("--write", action="store_true", help="update the section in bench/RESULTS.md")
    parser.add_argument("--note", default="", help="a line to add under the table (e.g. machine load)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a model misses a target")
    args = parser.parse_args(argv)

    from ae_models.data import synthetic_digits
    from ae_models.loading import ModelLoadError

    keys = args.models or model_keys(dataset=None)
    image = synthetic_digits(1, seed=0)[0][0].astype(np.float32) / 255.0
    started = dt.datetime.now()
    rows, skipped = [], []
    for key in keys:
        try:
            row = bench_model(key, image, args.calls, args.predict_calls)
        except ModelLoadError as exc:
            print(f"[{key}] skipped: {exc}", file=sys.stderr)
            skipped.append(key)
            continue
        rows.append(row)
        print(f"[{key}] reconstruct {row['reconstruct_ms']:.2f} ms, predict {row['predict_ms']:.1f} ms",
              file=sys.stderr, flush=True)
    text = markdown(rows, skipped, args, started, args.note)
    print(text)
    if args.write:
        whole_zoo = rows and not args.models and not skipped
        record(TITLE, text, figures(rows) if whole_zoo else [])
    missed = [r["key"] for r in rows
              if r["reconstruct_ms"] > TARGET_MS or r["predict_ms"] / r["reconstruct_ms"] < TARGET_SPEEDUP]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
