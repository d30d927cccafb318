"""What the wall shows of the class's drawings, computed once per drawing (no Streamlit).

The model runs in one batch over the drawings it has not seen yet, and each drawing's result is
kept by its id in a dict the caller holds (the teacher's session state): a refresh of a wall of
500 drawings with one new drawing runs the model on one image. Results of drawings that left the
wall are dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass

import numpy as np

from ae_models.metrics import mse
from classroom.store import Drawing
from ui.images import to_png_bytes


@dataclass(frozen=True)
class Result:
    """One drawing through the wall's model."""

    code: np.ndarray  # the model's code, flat
    rebuilt: np.ndarray  # (28, 28) reconstruction
    error: float  # mean squared error of the reconstruction


def per_drawing(cache: MutableMapping, tag: str, drawings: Sequence[Drawing],
                compute: Callable[[np.ndarray], list]) -> list:
    """`compute` of each drawing, from `cache[(tag, id)]` or one batch call for the new ones."""
    missing = [d for d in drawings if (tag, d.id) not in cache]
    if missing:
        values = compute(np.stack([d.image for d in missing]).astype(np.float32))
        cache.update({(tag, d.id): value for d, value in zip(missing, values)})
    shown = {(tag, d.id) for d in drawings}
    for stale in [k for k in cache if k[0] == tag and k not in shown]:
        del cache[stale]
    return [cache[(tag, d.id)] for d in drawings]


def reconstructions(model) -> Callable[[np.ndarray], list[Result]]:
    """A batch of images -> a Result each: one encode and one decode call for the whole batch."""
    def compute(batch: np.ndarray) -> list[Result]:
        codes = np.asarray(model.encode(batch)).reshape(len(batch), -1)
        rebuilt = np.asarray(model.decode(codes)).reshape(batch.shape)
        errors = np.atleast_1d(mse(batch, rebuilt))
        return [Result(c, r, float(e)) for c, r, e in zip(codes, rebuilt, errors)]
    return compute


def codes_of(model) -> Callable[[np.ndarray], list[np.ndarray]]:
    """A batch of images -> each one's code (the 3-D view needs no reconstruction)."""
    return lambda batch: list(np.asarray(model.encode(batch)).reshape(len(batch), -1))


def digit_counts(drawings: Sequence[Drawing]) -> dict[int | None, int]:
    """How many drawings each named digit has (None: not said), digits in order, None last."""
    counts = Counter(d.digit for d in drawings)
    return {k: counts[k] for k in sorted(counts, key=lambda k: (k is None, k or 0))}


def by_digit(drawings: Sequence[Drawing]) -> dict[int | None, list[Drawing]]:
    """The drawings grouped by the digit their pupil named (each group newest first)."""
    groups: dict[int | None, list[Drawing]] = {k: [] for k in digit_counts(drawings)}
    for d in sorted(drawings, key=lambda d: -d.created_at):
        groups[d.digit].append(d)
    return groups


def hardest(drawings: Sequence[Drawing], results: Sequence[Result], n: int
            ) -> list[tuple[Drawing, Result]]:
    """The `n` drawings the model rebuilds worst: the ones that fool the autoencoder."""
    ranked = sorted(zip(drawings, results), key=lambda pair: -pair[1].error)
    return ranked[:n]


def drawing_label(drawing: Drawing) -> str:
    """"#12 · Ana · a 7": what the wall writes beside a drawing (plain text; escape to show)."""
    parts = [f"#{drawing.id}"]
    if drawing.nickname:
        parts.append(drawing.nickname)
    if drawing.digit is not None:
        parts.append(f"a {drawing.digit}")
    return " · ".join(parts)


# --- export -----------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str | None) -> str:
    """A pupil's text as a CSV cell a spreadsheet will not run as a formula."""
    text = text or ""
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(drawings: Sequence[Drawing], results: Sequence[Result], model_key: str) -> str:
    """One row per drawing: who, which digit, when, the model's error and its code."""
    width = max((len(r.code) for r in results), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "file", "nickname", "digit", "sent_at_utc", "model", "mse",
                     *[f"z{i + 1}" for i in range(width)]])
    for d, r in zip(drawings, results):
        sent = dt.datetime.fromtimestamp(d.created_at, dt.timezone.utc)
        sent = sent.isoformat(timespec="seconds")
        writer.writerow([d.id, file_name(d), _cell(d.nickname), "" if d.digit is None else d.digit,
                         sent, model_key, f"{r.error:.6f}", *[f"{v:.6f}" for v in r.code]])
    return out.getvalue()


def file_name(drawing: Drawing) -> str:
    """The drawing's PNG in the export: its id only (never a pupil's text in a path)."""
    return f"drawings/drawing-{drawing.id:05d}.png"


def export_zip(drawings: Sequence[Drawing], results: Sequence[Result], model_key: str,
               code: str) -> bytes:
    """A ZIP of every drawing as a 28x28 PNG and `class-<code>.csv` of codes and errors."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"class-{code}.csv", export_csv(drawings, results, model_key))
        for d in drawings:
            archive.writestr(file_name(d), to_png_bytes(d.image))
    return buffer.getvalue()
