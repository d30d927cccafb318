"""Turn 28x28 float images into pixels a classroom can see from the back row.

MNIST digits are tiny: a browser shrinks or smooths them into grey blurs. Everything here keeps
the pixels honest instead: nearest-neighbour upscaling (each pixel becomes a crisp square),
error heatmaps through a perceptual colormap, tiled grids, and PNG bytes for download buttons.

Pure NumPy + Pillow; no Streamlit, no matplotlib.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

# Eleven evenly spaced stops of matplotlib's "inferno" (black -> purple -> orange -> pale yellow).
# Perceptually uniform and readable in grayscale, so a bright pixel always means a big error.
_INFERNO_STOPS = np.array(
    [
        (0, 0, 4),
        (22, 11, 57),
        (66, 10, 104),
        (106, 23, 110),
        (147, 38, 103),
        (188, 55, 84),
        (221, 81, 58),
        (243, 120, 25),
        (252, 165, 10),
        (246, 215, 70),
        (252, 255, 164),
    ],
    dtype=np.float64,
)


def _build_lut(stops: np.ndarray, size: int = 256) -> np.ndarray:
    """Linearly interpolate colour stops into a (size, 3) uint8 lookup table."""
    positions = np.linspace(0.0, 1.0, len(stops))
    t = np.linspace(0.0, 1.0, size)
    channels = [np.interp(t, positions, stops[:, c]) for c in range(3)]
    return np.round(np.stack(channels, axis=1)).astype(np.uint8)


INFERNO_LUT: np.ndarray = _build_lut(_INFERNO_STOPS)
"""(256, 3) uint8 colormap: row 0 is "no error", row 255 is "maximal error"."""

GRID_BORDER_GREY = 128


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Convert a float image in [0, 1] to uint8 pixels (values outside [0, 1] are clipped).

    uint8 input passes through unchanged, so callers need not care which kind they hold.
    """
    image = np.asarray(image)
    if image.dtype == np.uint8:
        return image
    image = np.nan_to_num(image.astype(np.float32), nan=0.0)
    return np.round(np.clip(image, 0.0, 1.0) * 255.0).astype(np.uint8)


def upscale(image: np.ndarray, scale: int = 8, border: int = 0) -> np.ndarray:
    """Enlarge an image by repeating every pixel into a `scale` x `scale` block (never blurred).

    Accepts a grayscale (H, W) or RGB (H, W, 3) image, float in [0, 1] or uint8, and returns uint8
    of shape (H*scale, W*scale[, 3]). With `border` > 0 a grey frame of that many pixels is added
    on every side, so the result grows by 2*border; it separates a black digit from a dark page.
    """
    if scale < 1:
        raise ValueError(f"scale must be >= 1, got {scale}")
    pixels = to_uint8(image)
    if pixels.ndim not in (2, 3):
        raise ValueError(f"expected an (H, W) or (H, W, 3) image, got shape {pixels.shape}")
    big = np.repeat(np.repeat(pixels, scale, axis=0), scale, axis=1)
    if border > 0:
        pad = ((border, border), (border, border)) + (((0, 0),) if big.ndim == 3 else ())
        big = np.pad(big, pad, mode="constant", constant_values=GRID_BORDER_GREY)
    return big


def colorize(values: np.ndarray, vmax: float = 1.0) -> np.ndarray:
    """Map values in [0, vmax] to RGB uint8 through the inferno lookup table (0 -> first colour)."""
    if vmax <= 0:
        raise ValueError(f"vmax must be positive, got {vmax}")
    scaled = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float64)) / vmax, 0.0, 1.0)
    index = np.round(scaled * (len(INFERNO_LUT) - 1)).astype(np.intp)
    return INFERNO_LUT[index]


def error_heatmap(
    clean: np.ndarray, recon: np.ndarray, scale: int = 8, vmax: float = 1.0
) -> np.ndarray:
    """Show where a reconstruction is wrong: |clean - recon| as an upscaled inferno heatmap.

    Returns RGB uint8 (H*scale, W*scale, 3). The default fixed `vmax=1.0` keeps colours
    comparable between models (the same colour always means the same error); pass a smaller
    vmax to stretch the colours when every error is small.
    """
    clean = np.asarray(clean, dtype=np.float32)
    recon = np.asarray(recon, dtype=np.float32)
    if clean.shape != recon.shape or clean.ndim != 2:
        raise ValueError(
            "clean and recon must be two images of the same (H, W) shape, "
            f"got {clean.shape} and {recon.shape}"
        )
    return upscale(colorize(np.abs(clean - recon), vmax=vmax), scale=scale)


def image_grid(
    images: np.ndarray,
    cols: int | None = None,
    pad: int = 2,
    pad_value: float = 0.3,
) -> np.ndarray:
    """Tile many images into one float image (galleries, manifold grids, latent traversals).

    `images` is either a flat batch (N, H, W), laid out row by row in `cols` columns (default:
    a near-square grid), or an already arranged (R, C, H, W) block, whose layout is kept.
    `pad` pixels of `pad_value` grey separate the tiles (not around the outside, so a manifold
    grid with pad=0 maps exactly onto its latent extent); unused cells are filled with it too.
    Returns float32 of shape (R*H + (R-1)*pad, C*W + (C-1)*pad).
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 4:
        rows, cols = images.shape[:2]
        flat = images.reshape(rows * cols, *images.shape[2:])
    elif images.ndim == 3:
        flat = images
        n = len(flat)
        if n == 0:
            raise ValueError("image_grid needs at least one image")
        cols = cols if cols is not None else math.ceil(math.sqrt(n))
        if cols < 1:
            raise ValueError(f"cols must be >= 1, got {cols}")
        cols = min(cols, n)
        rows = math.ceil(n / cols)
    else:
        raise ValueError(f"expected (N, H, W) or (R, C, H, W) images, got shape {images.shape}")

    h, w = flat.shape[1:]
    grid = np.full(
        (rows * h + (rows - 1) * pad, cols * w + (cols - 1) * pad), pad_value, dtype=np.float32
    )
    for i, tile in enumerate(flat):
        r, c = divmod(i, cols)
        top, left = r * (h + pad), c * (w + pad)
        grid[top : top + h, left : left + w] = tile
    return grid


def to_png_bytes(image_or_rgb: np.ndarray) -> bytes:
    """Encode a grayscale (H, W) or RGB (H, W, 3) image (float in [0, 1] or uint8) as PNG bytes."""
    pixels = to_uint8(image_or_rgb)
    if not (pixels.ndim == 2 or (pixels.ndim == 3 and pixels.shape[2] == 3)):
        raise ValueError(f"expected an (H, W) or (H, W, 3) image, got shape {pixels.shape}")
    return _png(Image.fromarray(np.ascontiguousarray(pixels)))  # 2-D -> "L", (H, W, 3) -> "RGB"


def _png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _as_rgb(image: np.ndarray, scale: int) -> np.ndarray:
    """Upscale one grid cell and give it three channels, so gray digits and heatmaps can mix."""
    big = upscale(image, scale=scale)
    return np.repeat(big[:, :, None], 3, axis=2) if big.ndim == 2 else big


# Pillow's own font (Aileron: no font file to ship or find) has no Greek and few symbols: a
# missing glyph is drawn as a box ("noisy input (σ 0.50)" showed one). Such labels are spelt out.
SPELT_OUT = str.maketrans({"σ": "sigma", "×": "x", "−": "-", "–": "-", "≥": ">=", "≤": "<=",
                           "→": "->", "µ": "u"})


def labelled_grid_png(
    rows: Sequence[Sequence[np.ndarray | None]],
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    scale: int = 4,
    font_size: int = 20,
) -> bytes:
    """Export a result grid (e.g. rows = models, columns = input/noisy/recon) as one labelled PNG.

    Each cell is a grayscale or RGB image (float or uint8, e.g. an `error_heatmap`), upscaled by
    `scale` and centred in its cell; `None` leaves a cell blank. Row labels go on the left,
    column labels on top, in dark text on a white page so the PNG prints and projects well.
    """
    n_cols = _check_grid(rows, row_labels, col_labels)
    row_labels = [text.translate(SPELT_OUT) for text in row_labels]
    col_labels = [text.translate(SPELT_OUT) for text in col_labels]
    cells = [[None if im is None else _as_rgb(im, scale) for im in row] for row in rows]
    present = [c for row in cells for c in row if c is not None]
    if not present:
        raise ValueError("labelled_grid_png needs at least one image")
    cell_h = max(c.shape[0] for c in present)
    cell_w = max(c.shape[1] for c in present)

    font = ImageFont.load_default(size=font_size)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    def text_size(text: str) -> tuple[int, int]:
        left, top, right, bottom = measure.textbbox((0, 0), text, font=font)
        return right - left, bottom - top

    gap = max(4, font_size // 2)
    label_w = max((text_size(t)[0] for t in row_labels), default=0)
    left_margin = label_w + 2 * gap if label_w else gap
    label_h = max((text_size(t)[1] for t in col_labels), default=0)
    top_margin = label_h + 2 * gap if label_h else gap
    col_w = max(cell_w, max((text_size(t)[0] for t in col_labels), default=0)) + gap

    width = left_margin + n_cols * col_w
    height = top_margin + len(rows) * (cell_h + gap)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)

    for c, text in enumerate(col_labels):
        x = left_margin + c * col_w + col_w // 2 - gap // 2
        draw.text((x, gap + label_h // 2), text, fill="black", font=font, anchor="mm")
    for r, row in enumerate(cells):
        top = top_margin + r * (cell_h + gap)
        draw.text((gap, top + cell_h // 2), row_labels[r], fill="black", font=font, anchor="lm")
        for c, cell in enumerate(row):
            if cell is None:
                continue
            x = left_margin + c * col_w + (col_w - gap - cell.shape[1]) // 2
            y = top + (cell_h - cell.shape[0]) // 2
            page.paste(Image.fromarray(np.ascontiguousarray(cell)), (x, y))
    return _png(page)


def _check_grid(rows: Sequence[Sequence[object]], row_labels: Sequence[str],
                col_labels: Sequence[str]) -> int:
    """The grid's number of columns, after checking there is a label for every row and column."""
    n_cols = max((len(r) for r in rows), default=0)
    if len(rows) == 0 or n_cols == 0:
        raise ValueError("labelled_grid_png needs at least one image")
    if len(row_labels) != len(rows):
        raise ValueError(f"{len(rows)} rows but {len(row_labels)} row labels")
    if len(col_labels) != n_cols:
        raise ValueError(f"{n_cols} columns but {len(col_labels)} column labels")
    return n_cols


def code_grid_shape(n: int) -> tuple[int, int]:
    """A near-square (rows, cols) holding n numbers exactly: 32 -> 4x8, 196 -> 14x14, 3 -> 1x3."""
    if n < 1:
        raise ValueError(f"a code has at least one number, got {n}")
    rows = max(d for d in range(1, math.isqrt(n) + 1) if n % d == 0)
    return rows, n // rows


def code_image(code: np.ndarray, code_shape: Sequence[int], size: int = 196) -> np.ndarray:
    """The code as a heat map (RGB uint8) about `size` pixels wide: one coloured cell per number.

    Values are stretched min-to-max (codes are not pixels: they can be negative or above 1), dark
    is low and pale yellow high. A conv code (H, W, C) is drawn as its C little HxW feature maps
    in a grid, separated by thin white gaps; a flat code as a near-square grid of cells.
    """
    values = np.asarray(code, dtype=np.float64).reshape(-1)
    shape = tuple(int(d) for d in code_shape)
    if int(np.prod(shape)) != values.size:
        raise ValueError(f"code of {values.size} numbers does not fit shape {shape}")
    low, high = float(np.min(values)), float(np.max(values))
    scaled = (values - low) / (high - low) if high > low else np.full_like(values, 0.5)
    if len(shape) != 3:
        grid = scaled.reshape(code_grid_shape(values.size))
        return upscale(colorize(grid), max(1, size // max(grid.shape)))
    # (H, W, C) feature maps, flattened channel-last: C maps of HxW in a near-square grid.
    height, width, channels = shape
    rows, cols = code_grid_shape(channels)
    maps = scaled.reshape(shape).transpose(2, 0, 1)
    cell = max(1, size // (max(rows * height, cols * width) + max(rows, cols)))
    gap = max(1, (cell + 1) // 2)
    tile_h, tile_w = height * cell, width * cell
    out = np.full((rows * tile_h + (rows - 1) * gap, cols * tile_w + (cols - 1) * gap, 3), 255,
                  dtype=np.uint8)
    for index, feature_map in enumerate(maps):
        r, c = divmod(index, cols)
        top, left = r * (tile_h + gap), c * (tile_w + gap)
        out[top:top + tile_h, left:left + tile_w] = upscale(colorize(feature_map), cell)
    return out


def app_icon(size: int = 64, colour: str = "#36638F") -> bytes:
    """The favicon, drawn here so the browser never fetches one: with a `:material/...:` page
    icon Streamlit 1.67 loads the picture from fonts.gstatic.com, which a classroom without
    internet cannot reach. An autoencoder's outline: wide, squeezed to a waist, wide again."""
    picture = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    edge, waist, half = size * 0.06, size * 0.40, size / 2
    draw.polygon([(edge, edge), (waist, half - size * 0.1), (waist, half + size * 0.1),
                  (edge, size - edge)], fill=colour)
    draw.polygon([(size - edge, edge), (size - waist, half - size * 0.1),
                  (size - waist, half + size * 0.1), (size - edge, size - edge)], fill=colour)
    draw.rectangle([waist - 1, half - size * 0.1, size - waist + 1, half + size * 0.1], fill=colour)
    return _png(picture)
