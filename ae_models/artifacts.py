"""Where the shipped artefacts live and how they are read and written (cards, manifest, latents).

Training and evaluation write these files; the app only reads them.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

WEIGHTS_ENV = "AE_WEIGHTS_DIR"
DEFAULT_WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"
MODEL_FILES = ("encoder.keras", "decoder.keras")


def weights_root() -> Path:
    """The weights folder; AE_WEIGHTS_DIR lets tests point the loader at a scratch copy."""
    return Path(os.environ.get(WEIGHTS_ENV, DEFAULT_WEIGHTS_DIR))


def weights_dir(key: str) -> Path:
    return weights_root() / key


def rebuild_command(key: str) -> str:
    """The command that writes a model's files again: every "missing or altered" message gives it."""
    return f"python -m ae_models.train {key}"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def compress_keras_file(path: Path) -> None:
    """Rewrite a .keras archive with deflate: Keras stores it uncompressed, and float32 weights
    shrink by about a tenth, which keeps the whole zoo under 30 MB. Keras reads either."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
    if all(info.compress_type == zipfile.ZIP_DEFLATED for info, _ in entries):
        return
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info, data in entries:
            archive.writestr(info.filename, data)
    tmp.replace(path)


def read_json(path: Path) -> Any:
    with open(path) as f:
        return json.load(f)


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=2, sort_keys=False)
        f.write("\n")


def manifest_path() -> Path:
    return weights_root() / "manifest.json"


def read_manifest() -> dict[str, str]:
    path = manifest_path()
    return read_json(path) if path.is_file() else {}


def update_manifest(key: str) -> None:
    """Record the SHA-256 of every file of one model (paths relative to the weights folder)."""
    manifest = read_manifest()
    folder = weights_dir(key)
    for name in list(manifest):
        if name.startswith(f"{key}/"):
            del manifest[name]
    for path in sorted(folder.iterdir()):
        if path.is_file():
            manifest[f"{key}/{path.name}"] = sha256(path)
    write_json(manifest_path(), dict(sorted(manifest.items())))


def read_card(key: str) -> dict[str, Any]:
    return read_json(weights_dir(key) / "card.json")


def read_history(key: str) -> dict[str, list[float]]:
    return read_json(weights_dir(key) / "history.json")


def read_latents(key: str) -> dict[str, np.ndarray]:
    """Reference codes of test digits (float16), labels and the 3-D PCA projection of the codes."""
    with np.load(weights_dir(key) / "latents.npz") as data:
        return {name: data[name] for name in data.files}


def metrics_path(dataset: str = "mnist") -> Path:
    """The evaluation of one dataset's models: metrics.json for MNIST, metrics_<dataset>.json else."""
    return weights_root() / ("metrics.json" if dataset == "mnist" else f"metrics_{dataset}.json")


def read_metrics(dataset: str = "mnist") -> dict[str, Any]:
    path = metrics_path(dataset)
    return read_json(path) if path.is_file() else {}
