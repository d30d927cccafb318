"""How a 2-D latent map draws its axes: straight, or compressed far from the centre.

A plain autoencoder's 2-D codes are heavy-tailed: on the shipped `ae_2d` the 1s reach z2 = 80
while six other classes fit in a few units around the origin, so a linear map shows one long
cloud and a crowded corner. Where the codes spread that unevenly, each axis is drawn on an
asinh scale, d = w * asinh(z / w): linear within about w of the centre, logarithmic beyond, so
every class gets room and nothing is cut off. Tick labels give the true code values; the page
converts every pointer position back with `from_display` before it decodes. Pure NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Full spread over the middle half's spread beyond which an axis is compressed: about 5.5 for
# 10,000 Gaussian codes (a VAE's), 8 and 13 on ae_2d's two axes.
HEAVY_TAIL = 7.5
TICKS = (1, 2, 5)


@dataclass(frozen=True)
class MapScale:
    """Per-axis asinh width `w` (None: that axis is linear)."""

    widths: tuple[float | None, ...]

    @property
    def linear(self) -> bool:
        return all(w is None for w in self.widths)

    def to_display(self, points: np.ndarray) -> np.ndarray:
        """Code (or PCA) coordinates -> where they are drawn."""
        return self._each_axis(points, np.arcsinh)

    def from_display(self, shown: np.ndarray) -> np.ndarray:
        """Where the pointer is on the drawing -> the code coordinates it stands for."""
        return self._each_axis(shown, np.sinh)

    def _each_axis(self, values: np.ndarray, curve) -> np.ndarray:
        out = np.array(values, dtype=np.float64)
        for axis, width in enumerate(self.widths):
            if width is not None:
                out[..., axis] = width * curve(out[..., axis] / width)
        return out

    def ticks(self, axis: int, low: float, high: float) -> tuple[list[float], list[str]] | None:
        """Tick positions (drawn) and labels (true values) for a compressed axis, else None."""
        width = self.widths[axis]
        if width is None:
            return None
        candidates = sorted({m * 10.0 ** e for e in range(-3, 6) for m in TICKS})
        span = float(self._drawn(axis, high) - self._drawn(axis, low))
        kept = [0.0] if low <= 0 <= high else []
        for sign in (1.0, -1.0):  # outward from 0, at least 5 % of the axis apart
            last = 0.0
            for value in (sign * c for c in candidates):
                place = self._drawn(axis, value)
                if low <= value <= high and abs(place - last) >= 0.05 * span:
                    kept.append(value)
                    last = place
        kept.sort()
        return [self._drawn(axis, v) for v in kept], [f"{v:g}" for v in kept]

    def _drawn(self, axis: int, value: float) -> float:
        width = self.widths[axis]
        return value if width is None else float(width * np.arcsinh(value / width))


def map_scale(points: np.ndarray) -> MapScale:
    """Compress an axis whose codes spread far wider than their middle half does."""
    points = np.asarray(points, dtype=np.float64)
    widths = []
    for axis in points.T:
        low, q1, q3, high = np.percentile(axis, [0, 25, 75, 100])
        middle = max(q3 - q1, 1e-9)
        widths.append(float(middle) if (high - low) / middle > HEAVY_TAIL else None)
    return MapScale(tuple(widths))
