"""The class's drawings on the latent pictures, and the wall's tiles (no Streamlit).

The test-set cloud is drawn by `ui.figures` (the same map as the latent pages); this module only
adds the class's drawings on top, as one trace whose points are the drawings in order, so a click
on a marker names its drawing. Hover texts are HTML-escaped: Plotly reads tags in them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.figures import DIGIT_COLORS
from ui.images import to_png_bytes, upscale

CLASS_TRACE = "Class drawings"
UNSAID_COLOR = "#FFFFFF"  # a drawing whose digit was not named: white, outlined like the others


def marker_colors(digits: Sequence[int | None]) -> list[str]:
    """Each drawing in the colour of the digit its pupil named (the cloud's colours)."""
    return [UNSAID_COLOR if d is None else DIGIT_COLORS[int(d) % len(DIGIT_COLORS)]
            for d in digits]


def _hover(labels: Sequence[str]) -> list[str]:
    return [html.escape(label) for label in labels]


def add_drawings_2d(fig: go.Figure, points: np.ndarray, digits: Sequence[int | None],
                    labels: Sequence[str]) -> int:
    """The drawings as big outlined diamonds at `points` (where the map draws them); returns
    the trace's index (a click's `curve_number`)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    fig.add_trace(go.Scatter(
        x=points[:, 0], y=points[:, 1], mode="markers", name=CLASS_TRACE,
        marker={"symbol": "diamond", "size": 17, "color": marker_colors(digits),
                "line": {"width": 2.5, "color": "black"}},
        text=_hover(labels), hovertemplate="%{text}<extra></extra>"))
    return len(fig.data) - 1


def add_drawings_3d(fig: go.Figure, points: np.ndarray, digits: Sequence[int | None],
                    labels: Sequence[str]) -> None:
    """The drawings in the 3-D code space, as outlined diamonds over the small cloud markers."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    fig.add_trace(go.Scatter3d(
        x=points[:, 0], y=points[:, 1], z=points[:, 2], mode="markers", name=CLASS_TRACE,
        marker={"symbol": "diamond", "size": 9, "color": marker_colors(digits),
                "line": {"width": 2, "color": "black"}},
        text=_hover(labels), hovertemplate="%{text}<extra></extra>"))


def tile_png(images: Sequence[np.ndarray], scale: int, gap: int = 2) -> bytes:
    """Images side by side (a drawing, its reconstruction, an RGB error map...), upscaled
    without blur, as one PNG."""
    tiles = [upscale(image, scale) for image in images]
    tiles = [t if t.ndim == 3 else np.repeat(t[:, :, None], 3, axis=2) for t in tiles]
    spacer = np.full((tiles[0].shape[0], gap, 3), 96, np.uint8)
    row = [part for tile in tiles for part in (tile, spacer)][:-1]
    return to_png_bytes(np.hstack(row))
