"""Datasets: the real MNIST / Fashion-MNIST where they can be found, and digits we draw ourselves.

The real sets are looked for in a fixed order so a teacher's offline laptop, CI and a user's
machine with internet all work; the synthetic digits let tests and smoke training run anywhere.
"""

from __future__ import annotations

import gzip
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

DATA_DIR_ENV = "AE_DATA_DIR"
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


@dataclass(frozen=True)
class DatasetInfo:
    """What the app knows of one data set: its name, where to look for it, what its classes are."""

    name: str  # "MNIST": in captions and reports
    things: str  # "digits": what its images show
    folder: str  # its sub-folder under a data directory
    debian_dir: Path  # where Debian's package puts it
    class_names: tuple[str, ...]

    @property
    def label(self) -> str:
        """"MNIST digits": the sidebar's words for it."""
        return f"{self.name} {self.things}"


# The one table of data sets: the sidebar, the CLIs' choices, the loader and the pages read it.
DATASETS: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo("MNIST", "digits", "mnist", Path("/usr/share/datasets/mnist"),
                         tuple(str(d) for d in range(10))),
    "fashion_mnist": DatasetInfo(
        "Fashion-MNIST", "clothes", "fashion-mnist", Path("/usr/share/datasets/fashion-mnist"),
        ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")),
}


class DatasetUnavailable(RuntimeError):
    """No source had the data set; the message lists every place that was tried."""


@dataclass(frozen=True)
class Dataset:
    name: str
    x_train: np.ndarray  # uint8 (N, 28, 28)
    y_train: np.ndarray  # uint8 (N,)
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    @property
    def class_names(self) -> list[str]:
        return list(DATASETS[self.name].class_names)


def read_idx(path: Path) -> np.ndarray:
    """Parse one IDX file (optionally gzipped): the format MNIST has shipped in since 1998."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path} is not an unsigned-byte IDX file")
    shape = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape).copy()


def _find_idx(folder: Path, stem: str) -> Path | None:
    for candidate in (folder / f"{stem}.gz", folder / stem):
        if candidate.is_file():
            return candidate
    return None


def _load_idx_folder(folder: Path) -> dict[str, np.ndarray] | None:
    paths = {key: _find_idx(folder, stem) for key, stem in IDX_FILES.items()}
    if any(p is None for p in paths.values()):
        return None
    return {key: read_idx(p) for key, p in paths.items()}  # type: ignore[arg-type]


def _candidate_folders(name: str, data_dir: str | os.PathLike | None) -> list[tuple[Path, str]]:
    """Where to look, in order, each with the words that `Dataset.source` records for it.

    The words say which loader source the data came from, never the folder: cards and metrics
    are shipped, and a path of the machine they were made on means nothing anywhere else.
    """
    info = DATASETS[name]
    from_data_dir = f"{info.name}, from a data directory ({DATA_DIR_ENV} / --data-dir)"
    folders: list[tuple[Path, str]] = []
    for root in (data_dir, os.environ.get(DATA_DIR_ENV)):
        if root:
            folders += [(Path(root) / info.folder, from_data_dir), (Path(root), from_data_dir)]
    folders.append((info.debian_dir, f"{info.name}, from Debian's datasets folder "
                                     f"(a dataset-* package)"))
    return folders


def load_dataset(name: str = "mnist", data_dir: str | os.PathLike | None = None,
                 allow_download: bool = True) -> Dataset:
    """Load MNIST or Fashion-MNIST as uint8 arrays, trying each source in turn."""
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    tried: list[str] = []
    for folder, source in _candidate_folders(name, data_dir):
        arrays = _load_idx_folder(folder)
        if arrays is not None:
            return Dataset(name=name, source=source, **arrays)
        tried.append(f"{folder} (no IDX files)")
    if allow_download:
        try:
            import keras

            loader = getattr(keras.datasets, name)
            (x_train, y_train), (x_test, y_test) = loader.load_data()
            return Dataset(name, x_train, y_train.astype(np.uint8), x_test,
                           y_test.astype(np.uint8),
                           source=f"{DATASETS[name].name}, downloaded by keras.datasets")
        except Exception as exc:  # offline, proxy, broken cache...
            tried.append(f"keras.datasets.{name} ({type(exc).__name__}: {exc})")
    raise DatasetUnavailable(
        f"Could not find the {name} data set. Tried: " + "; ".join(tried)
        + f". Set {DATA_DIR_ENV} to a folder holding the four IDX .gz files"
        + (" (or install Debian's dataset-fashion-mnist)" if name == "fashion_mnist" else "")
        + "."
    )


def dataset_available(name: str = "mnist", data_dir: str | os.PathLike | None = None) -> bool:
    """True when a local copy exists (no download is attempted)."""
    return any(_load_idx_folder(folder) is not None
               for folder, _ in _candidate_folders(name, data_dir) if folder.is_dir())


# --- Digits we draw ourselves -------------------------------------------------------------

# Pen strokes for each digit in a unit box (x right, y down): how a person draws it on a canvas.
_STROKES: dict[int, list[list[tuple[float, float]]]] = {
    0: [[(0.5, 0.0), (0.2, 0.15), (0.1, 0.5), (0.2, 0.85), (0.5, 1.0), (0.8, 0.85), (0.9, 0.5),
         (0.8, 0.15), (0.5, 0.0)]],
    1: [[(0.35, 0.2), (0.55, 0.0), (0.55, 1.0)]],
    2: [[(0.15, 0.25), (0.3, 0.05), (0.6, 0.0), (0.85, 0.2), (0.8, 0.45), (0.15, 1.0), (0.9, 1.0)]],
    3: [[(0.15, 0.1), (0.5, 0.0), (0.8, 0.15), (0.75, 0.4), (0.45, 0.5), (0.8, 0.6), (0.85, 0.85),
         (0.5, 1.0), (0.15, 0.9)]],
    4: [[(0.65, 1.0), (0.65, 0.0), (0.1, 0.7), (0.9, 0.7)]],
    5: [[(0.85, 0.0), (0.25, 0.0), (0.2, 0.45), (0.55, 0.4), (0.85, 0.6), (0.8, 0.9), (0.5, 1.0),
         (0.15, 0.9)]],
    6: [[(0.75, 0.0), (0.35, 0.25), (0.15, 0.65), (0.3, 0.95), (0.6, 1.0), (0.85, 0.75), (0.7, 0.5),
         (0.4, 0.5), (0.2, 0.7)]],
    7: [[(0.1, 0.0), (0.9, 0.0), (0.4, 1.0)]],
    8: [[(0.5, 0.5), (0.2, 0.3), (0.3, 0.05), (0.7, 0.05), (0.8, 0.3), (0.5, 0.5), (0.15, 0.75),
         (0.3, 1.0), (0.7, 1.0), (0.85, 0.75), (0.5, 0.5)]],
    9: [[(0.85, 0.3), (0.6, 0.0), (0.25, 0.05), (0.15, 0.3), (0.4, 0.5), (0.85, 0.3), (0.75, 1.0)]],
}
_FONT_CANDIDATES = (
    "DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf",
    "LiberationSans-Regular.ttf", "Arial.ttf",
)


def _fonts() -> list:
    fonts = []
    for name in _FONT_CANDIDATES:
        for folder in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation", ""):
            try:
                fonts.append(ImageFont.truetype(str(Path(folder) / name) if folder else name, 180))
                break
            except OSError:
                continue
    if not fonts:  # Pillow >= 10.1 ships a scalable default font
        fonts.append(ImageFont.load_default(size=180))
    return fonts


def draw_stroke_digit(digit: int, rng: np.random.Generator, size: int = 280,
                      width: float | None = None) -> np.ndarray:
    """Draw one digit with round pen strokes on a size x size canvas, as a user would.

    Returns an RGBA uint8 array like the drawing canvas sends: white ink, transparent elsewhere.
    """
    canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(canvas)
    width = float(width if width is not None else rng.uniform(0.06, 0.1) * size)
    box_h = rng.uniform(0.45, 0.75) * size
    box_w = box_h * rng.uniform(0.55, 0.85)
    x0 = rng.uniform(0.05 * size, size - box_w - 0.05 * size)
    y0 = rng.uniform(0.05 * size, size - box_h - 0.05 * size)
    slant = rng.uniform(-0.25, 0.25)
    for stroke in _STROKES[digit]:
        pts = []
        for x, y in stroke:
            jx, jy = rng.normal(0, 0.03, size=2)
            px = x0 + (x + jx + slant * (0.5 - y)) * box_w
            py = y0 + (y + jy) * box_h
            pts.append((float(px), float(py)))
        pen.line(pts, fill=(255, 255, 255, 255), width=int(width), joint="curve")
        r = width / 2
        for px, py in (pts[0], pts[-1]):
            pen.ellipse((px - r, py - r, px + r, py + r), fill=(255, 255, 255, 255))
    return np.asarray(canvas)


def _font_digit(digit: int, rng: np.random.Generator, font) -> np.ndarray:
    glyph = Image.new("L", (280, 280), 0)
    pen = ImageDraw.Draw(glyph)
    pen.text((140, 140), str(digit), fill=255, font=font, anchor="mm",
             stroke_width=int(rng.integers(0, 9)), stroke_fill=255)
    angle = float(rng.uniform(-15, 15))
    shear = float(rng.uniform(-0.25, 0.25))
    glyph = glyph.transform(glyph.size, Image.Transform.AFFINE,
                            (1, shear, -shear * 140, 0, 1, 0), resample=Image.Resampling.BILINEAR)
    return np.asarray(glyph.rotate(angle, resample=Image.Resampling.BILINEAR))


def _to_mnist(raw: np.ndarray) -> np.ndarray:
    from .preprocess import preprocess_array

    result = preprocess_array(raw)
    if result.image is None:  # cannot happen for drawn digits; keep the shape honest anyway
        return np.zeros((28, 28), np.uint8)
    return np.round(result.image * 255).astype(np.uint8)


def synthetic_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """MNIST-like digits (uint8, white on black, 28x28, centred) from fonts and pen strokes.

    For tests and smoke training on machines without the real data set.
    """
    rng = np.random.default_rng(seed)
    fonts = _fonts()
    labels = rng.integers(0, 10, size=n).astype(np.uint8)
    images = np.empty((n, 28, 28), np.uint8)
    for i, digit in enumerate(labels):
        if rng.random() < 0.5:
            raw = _font_digit(int(digit), rng, fonts[int(rng.integers(len(fonts)))])
        else:
            raw = draw_stroke_digit(int(digit), rng)
        images[i] = _to_mnist(raw)
    return images, labels


def canvas_style_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Digits drawn the way people draw on the app's canvas (thick round strokes), preprocessed.

    A held-out test set for "does the model cope with drawings, not just MNIST?".
    """
    rng = np.random.default_rng(seed)
    labels = np.arange(n, dtype=np.uint8) % 10
    images = np.stack([_to_mnist(draw_stroke_digit(int(d), rng)) for d in labels])
    return images, labels
