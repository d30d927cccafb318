"""Benchmarks of Autoencoder Lab; figures and history in bench/RESULTS.md.

Run each one as a module from the repository root (so `bench` and `tests` import as packages,
with no sys.path edits), inside the activated venv:

    python -m bench.latency [--models conv vae] [--calls 200] [--write]
    python -m bench.script_run [--repeats 30] [--write]
    python -m bench.browser_bench stroke|cold-start|memory|train-live [--floor] [--write]
    python -m bench.browser_bench stroke --fallback --floor    # the server path vs the bare app
    python -m bench.protocol_bench concurrency|soak [--sessions ...] [--path live] [--browser] [--write]
    python -m bench.protocol_client [--url URL] [--strokes 3] [--live]
    python -m bench.machine_timers [--write]
    python -m bench.browser_models [--backends wasm cpu webgl] [--models vae_2d] [--write]
    python -m bench.live_bench [--pages latent draw] [--loads 5] [--drags 3] [--url URL] [--write]
    python -m bench.class_store_bench [--drawings 500] [--processes 1 2 4] [--pg-url URL] [--write]
    python -m bench.class_wall_bench refresh|class [--pupils 60] [--write]
    streamlit run bench/bare_canvas_app.py     # the floor: same canvas, no models

`--write` replaces the bench's section of bench/RESULTS.md and its rows of the table of
current figures that opens the file (bench/common.py).
"""
