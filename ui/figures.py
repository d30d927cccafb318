"""Plotly figures for the Autoencoder Lab, built from plain NumPy arrays.

Every builder takes arrays and returns a `plotly.graph_objects.Figure`; the pages decide where
to show it. Styling is tuned for a projector: large fonts, thick lines and markers, a white
background and colour-blind-friendly colours. No Streamlit import, so all of it is unit-tested.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from ae_models.map_scale import MapScale
from ui.images import to_uint8

# Petroff's ten-colour sequence (M. A. Petroff, "Accessible Color Sequences for Data
# Visualization", 2021; matplotlib's "petroff10"), picked under minimum-distance constraints for
# simulated colour-vision deficiencies. Tableau 10, used before, put 2 (red) and 4 (green) 0.8
# apart in CAM02-UCS for a deuteranope (indistinguishable); here no pair comes closer than 14.5
# for any of the three deficiencies (tests/test_colours.py keeps it so).
DIGIT_COLORS: tuple[str, ...] = (
    "#3F90DA",  # 0 blue
    "#FFA90E",  # 1 orange
    "#BD1F01",  # 2 red
    "#94A4A2",  # 3 grey-green
    "#832DB6",  # 4 purple
    "#A96B59",  # 5 brown
    "#E76300",  # 6 dark orange
    "#B9AC70",  # 7 khaki
    "#717581",  # 8 slate
    "#92DADD",  # 9 light cyan
)
# Colour is never the only cue: on the 2-D map each class has its own marker shape (in the legend
# too), and on both maps a few points of each class carry the class name as text. The probe's "x"
# and the user's star are not among these shapes.
CLASS_SYMBOLS: tuple[str, ...] = ("circle", "square", "diamond", "triangle-up", "triangle-down",
                                  "pentagon", "hexagram", "cross", "hourglass", "star-diamond")
LABELS_PER_CLASS = 4  # a digit written on the map this often: enough to find its cloud and its
# arms, few enough to leave the dots readable on a 390-px phone; a longer name (Fashion-MNIST's
# "Ankle boot") only once, or ten of them cover the map
LABEL_NEAR, LABEL_APART = 0.15, 0.6  # in standard deviations of the whole map: a neighbour for
# the density, and how far apart two names of one class stay
CLASS_LABEL_FONT = {"size": 16, "color": "#111111", "weight": 700}
MARKER_OUTLINE = {"width": 0.5, "color": "rgba(0, 0, 0, 0.45)"}  # pale classes on white (2-D)
MAP_MARKER = {"size": 7, "opacity": 0.75, "line": MARKER_OUTLINE}  # a test digit on the 2-D map
DEFAULT_CLASS_NAMES: tuple[str, ...] = tuple(str(i) for i in range(10))

BAR_COLOR = "#36638F"  # one-series bars: the theme's primary blue, whose white labels read at 6.3:1

USER_POINT_NAME = "Your drawing"
PROBE_POINT_NAME = "Probe"
USER_POINT_COLOR = "#FFD400"  # gold star with a black outline: stands out on every class colour
USER_MARKER = {"symbol": "star", "size": 22, "color": USER_POINT_COLOR,
               "line": {"width": 2.5, "color": "black"}}
PROBE_MARKER = {"symbol": "x", "size": 20, "color": "black",
                "line": {"width": 2, "color": "white"}}

BASE_FONT_SIZE = 18
TITLE_FONT_SIZE = 22
LEGEND_FONT_SIZE = 18
LINE_WIDTH = 3
LINE_MARKER_SIZE = 9
# A line chart's legend as rows above the plot, not a column beside it: on a phone the column
# took half the width.
LEGEND_ABOVE = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}


def _style(fig: go.Figure, title: str, height: int, **layout: object) -> go.Figure:
    """Apply the shared projector-friendly look: white template, big fonts, readable legend."""
    fig.update_layout(
        template="plotly_white",
        title={"text": title, "font": {"size": TITLE_FONT_SIZE}},
        font={"size": BASE_FONT_SIZE, "color": "#111111"},
        legend={"font": {"size": LEGEND_FONT_SIZE}, "itemsizing": "constant"},
        hoverlabel={"font": {"size": 16}},
        height=height,
        margin={"l": 70, "r": 30, "t": 70 if title else 30, "b": 60},
    )
    if layout:
        fig.update_layout(**layout)
    return fig


def class_name(label: int, class_names: Sequence[str]) -> str:
    """A class's name (its number where the names run out)."""
    return class_names[label] if 0 <= label < len(class_names) else str(label)


def _luminance(colour: str) -> float:
    """WCAG's relative luminance of a "#RRGGBB" colour."""
    channels = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(channels <= 0.03928, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two "#RRGGBB" colours, 1 to 21 (text needs 4.5)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_color_on(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (a class colour as a badge's
    background: black on 2's red or 4's purple measured 3.4:1 and 3.0:1)."""
    return max(("#000000", "#FFFFFF"), key=lambda text: contrast(text, colour))


def digit_color(label: int) -> str:
    """A class's colour (the same on every map and legend)."""
    return DIGIT_COLORS[int(label) % len(DIGIT_COLORS)]


def class_symbol(label: int) -> str:
    """A class's marker shape on the 2-D map (Plotly's name for it)."""
    return CLASS_SYMBOLS[int(label) % len(CLASS_SYMBOLS)]


def _check_codes(codes: np.ndarray, labels: np.ndarray, dims: int) -> tuple[np.ndarray, np.ndarray]:
    """Validate a (N, dims) batch of codes against its (N,) labels."""
    codes = np.asarray(codes, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64).reshape(-1)
    if codes.ndim != 2 or codes.shape[1] != dims:
        raise ValueError(f"expected codes of shape (N, {dims}), got {codes.shape}")
    if len(codes) != len(labels):
        raise ValueError(f"{len(codes)} codes but {len(labels)} labels")
    return codes, labels


def _check_point(
    point: Sequence[float] | np.ndarray | None, dims: int, name: str
) -> np.ndarray | None:
    if point is None:
        return None
    point = np.asarray(point, dtype=np.float64).reshape(-1)
    if point.shape != (dims,):
        raise ValueError(f"{name} must have {dims} coordinates, got shape {point.shape}")
    return point


def background_source(image: np.ndarray, invert: bool = True) -> Image.Image:
    """PIL image of a map's background; by default inverted to dark ink on white paper."""
    pixels = to_uint8(image)
    if invert:
        pixels = 255 - pixels
    return Image.fromarray(np.ascontiguousarray(pixels))


def _axes(points: np.ndarray) -> dict[str, np.ndarray]:
    """Plotly's x / y (/ z) keyword arguments for an (N, 2) or (N, 3) array of points."""
    return dict(zip("xyz", points.T))


def _class_clouds(trace: type, codes: np.ndarray, labels: np.ndarray, names: Sequence[str],
                  marker: dict[str, object], hover: str, text: np.ndarray | None = None,
                  symbols: bool = False) -> list:
    """One trace per class, in its colour (with `symbols`, also its own marker shape);
    `customdata` maps a clicked point back to its row; `text` (optional) is each point's hover
    text. Then, on top, each class's name written on a few of its points (`class_names_on_map`)."""
    clouds, written = [], []
    for label in np.unique(labels):
        index = np.flatnonzero(labels == label)
        name = class_name(int(label), names)
        style = {**marker, "color": digit_color(label)}
        if symbols:
            style["symbol"] = class_symbol(label)
        clouds.append(trace(**_axes(codes[index]), mode="markers", name=name, customdata=index,
                            legendgroup=name, marker=style,
                            text=None if text is None else text[index],
                            hovertemplate=f"class {name}{hover}<extra></extra>"))
        written.append(class_names_on_map(trace, codes[name_rows(codes, index, name)], name))
    return clouds + written


def labelled_rows(points: np.ndarray, rows: np.ndarray, count: int = LABELS_PER_CLASS
                  ) -> np.ndarray:
    """Up to `count` of a class's `rows` (of `points`) to write its name on: the first where its
    cloud is densest, each next the densest point not near those already taken, as long as it
    is a third as dense (a few strays inside another class's cloud get no name)."""
    rows = rows[np.linspace(0, len(rows) - 1, min(len(rows), 800)).round().astype(np.intp)]
    own = points[rows] / (points.std(axis=0) + 1e-12)  # one scale for every class of the map
    apart = np.linalg.norm(own[:, None] - own[None], axis=-1)  # 800 rows at most: 5 MB
    density = (apart < LABEL_NEAR).sum(axis=1)
    free, taken = np.ones(len(rows), bool), []
    while free.any() and len(taken) < count:
        best = np.flatnonzero(free)[np.argmax(density[free])]
        if taken and 3 * density[best] < density[taken[0]]:
            break
        taken.append(best)
        free &= apart[best] >= LABEL_APART
    return rows[taken]


def name_rows(points: np.ndarray, rows: np.ndarray, name: str) -> np.ndarray:
    """The rows of a class (`rows` of `points`) to write its `name` on: a digit a few times, a
    longer name (Fashion-MNIST's "Ankle boot") once, or ten of them cover the map."""
    return labelled_rows(points, rows, LABELS_PER_CLASS if len(name) <= 2 else 1)


def class_names_on_map(trace: type, points: np.ndarray, name: str):
    """The class name as text at `points`, in the class's legend group (hidden with it); no
    hover, so it never hides the dot under it from a click."""
    font = dict(CLASS_LABEL_FONT)
    if trace is go.Scatter:  # a white halo keeps the name readable over dots of every colour
        font["shadow"] = "0 0 3px #ffffff, 0 0 2px #ffffff"
    else:  # WebGL draws 3-D text smaller, and without a halo
        font["size"] = round(font["size"] * 1.4)
    return trace(**_axes(points), mode="text", text=[name] * len(points), textfont=font,
                 name=f"{name} (names)", legendgroup=name, showlegend=False, hoverinfo="skip")


def _true_values(points: np.ndarray, axis_titles: Sequence[str]) -> np.ndarray:
    """Hover text with the code values of points drawn on a compressed scale."""
    return np.array([f"{axis_titles[0]}={x:.2f}<br>{axis_titles[1]}={y:.2f}" for x, y in points])


def true_bounds(codes: np.ndarray, extent: tuple[float, float, float, float] | None
                ) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest code values the map shows, per axis (the grid's too)."""
    low, high = codes.min(axis=0), codes.max(axis=0)
    if extent is not None:
        corners = np.reshape(extent, (2, 2))
        low, high = np.minimum(low, corners[:, 0]), np.maximum(high, corners[:, 1])
    return low, high


def _compressed_axes(scale: MapScale, low: np.ndarray, high: np.ndarray,
                     axes: tuple[dict, dict]) -> None:
    """Ticks at round code values, drawn where the asinh scale puts them."""
    for axis, layout in enumerate(axes):
        if (ticks := scale.ticks(axis, float(low[axis]), float(high[axis]))) is not None:
            layout.update(tickmode="array", tickvals=ticks[0], ticktext=ticks[1])


def _point(trace: type, point: np.ndarray, name: str, marker: dict[str, object],
           **extra: object):
    return trace(**_axes(point[None]), mode="markers", name=name, marker=marker, **extra)


def _probe_and_star(fig: go.Figure, probe: np.ndarray | None, user: np.ndarray | None,
                    hover: dict[str, str]) -> None:
    """The probe's black x, then the user's gold star on top of everything."""
    if probe is not None:
        fig.add_trace(_point(go.Scatter, probe, PROBE_POINT_NAME, PROBE_MARKER,
                             hovertemplate=f"probe<br>{hover['probe']}<extra></extra>"))
    if user is not None:
        fig.add_trace(_point(go.Scatter, user, USER_POINT_NAME, USER_MARKER,
                             hovertemplate=f"your drawing<br>{hover['your drawing']}<extra></extra>"))


def _background_image(fig: go.Figure, background: np.ndarray,
                      extent: tuple[float, float, float, float], invert: bool) -> None:
    """`background` stretched over `extent` = (xmin, xmax, ymin, ymax), row 0 at the top."""
    xmin, xmax, ymin, ymax = (float(v) for v in extent)
    fig.add_layout_image(source=background_source(background, invert), xref="x", yref="y",
                         x=xmin, y=ymax, sizex=xmax - xmin, sizey=ymax - ymin, xanchor="left",
                         yanchor="top", sizing="stretch", opacity=0.35, layer="below")


def fitted_range(points: np.ndarray) -> tuple[list[float], list[float]]:
    """x and y ranges that hold every point, plus a 2 % margin (autorange ignores images)."""
    low, high = points.min(axis=0), points.max(axis=0)
    margin = 0.02 * (high - low)
    return [low[0] - margin[0], high[0] + margin[0]], [low[1] - margin[1], high[1] + margin[1]]


def latent_scatter_2d(
    codes: np.ndarray,
    labels: np.ndarray,
    class_names: Sequence[str] | None = None,
    user_point: Sequence[float] | np.ndarray | None = None,
    probe_point: Sequence[float] | np.ndarray | None = None,
    background: np.ndarray | None = None,
    background_extent: tuple[float, float, float, float] | None = None,
    title: str = "",
    axis_titles: tuple[str, str] = ("z1", "z2"),
    background_invert: bool = True,
    scale: MapScale | None = None,
    revision: str | None = None,
) -> go.Figure:
    """Map of a 2-D latent space: one coloured cloud per class, plus the user's drawing on top.

    SVG `go.Scatter` (not Scattergl): Streamlit's click selection needs it. `customdata` is each
    point's row in `codes`. `background` (e.g. an `image_grid` of decoded digits) is stretched
    over `background_extent` = (xmin, xmax, ymin, ymax), inverted by default (dark digits on
    white). With a non-linear `scale` (`ae_models.map_scale`) points stay in code coordinates,
    drawn where the scale puts them; ticks and hover texts give code values. The teacher's
    zoom and pan survive reruns until `revision` (default: the title) changes.

    The two halves, `latent_map_2d` (the clouds: the costly part, the same on every rerun) and
    `mark_latent_map_2d` (probe, star, background), let a page cache the first.
    """
    fig = latent_map_2d(codes, labels, class_names, title=title, axis_titles=axis_titles,
                        scale=scale, revision=revision, extent=background_extent)
    return mark_latent_map_2d(fig, user_point, probe_point, background, background_extent,
                              axis_titles=axis_titles, background_invert=background_invert,
                              scale=scale)


def latent_map_2d(
    codes: np.ndarray,
    labels: np.ndarray,
    class_names: Sequence[str] | None = None,
    title: str = "",
    axis_titles: tuple[str, str] = ("z1", "z2"),
    scale: MapScale | None = None,
    revision: str | None = None,
    extent: tuple[float, float, float, float] | None = None,
) -> go.Figure:
    """The class clouds of `latent_scatter_2d`, its axes and its look; `extent` (code values)
    widens the compressed axes' ticks to a background grid's corners. About 150 ms for 4,000
    points (names placed on the densest spots, 4,000 hover texts): a page builds it once per
    model and adds the per-run marks to a copy."""
    codes, labels = _check_codes(codes, labels, 2)
    names = tuple(class_names) if class_names is not None else DEFAULT_CLASS_NAMES
    xy_hover, text = f"{axis_titles[0]}=%{{x:.2f}}<br>{axis_titles[1]}=%{{y:.2f}}", None
    xaxis: dict[str, object] = {"title": {"text": axis_titles[0]}, "zeroline": False}
    yaxis: dict[str, object] = {"title": {"text": axis_titles[1]}, "zeroline": False}
    if scale is not None and not scale.linear:
        text, xy_hover = _true_values(codes, axis_titles), "%{text}"
        _compressed_axes(scale, *true_bounds(codes, extent), (xaxis, yaxis))
        codes = scale.to_display(codes)
    if extent is not None:  # the background's corners, where the map draws them
        corners = np.reshape(extent, (2, 2)).T
        corners = corners if scale is None else scale.to_display(corners)
        xaxis["range"], yaxis["range"] = fitted_range(np.vstack([codes, corners]))
    fig = go.Figure(_class_clouds(go.Scatter, codes, labels, names,
                                  MAP_MARKER, f"<br>{xy_hover}", text,
                                  symbols=True))
    # No equal aspect ratio: a plain autoencoder's codes often spread far more along one axis,
    # and a locked ratio squeezed such a map into a thin strip that nobody could read.
    return _style(fig, title, height=600, xaxis=xaxis, yaxis=yaxis, clickmode="event+select",
                  dragmode="pan", hovermode="closest",
                  # Keep the teacher's zoom/pan while the drawing changes; a new model resets it.
                  uirevision=revision or title or "latent-2d")


def _widen_to(fig: go.Figure, points: list[np.ndarray]) -> None:
    """Widen a map's fixed axis ranges to hold `points` (the probe and the star), if need be."""
    if fig.layout.xaxis.range is None or fig.layout.yaxis.range is None:
        raise ValueError("a background needs a map built with its extent (latent_map_2d)")
    xrange, yrange = widened_range(fig.layout.xaxis.range, fig.layout.yaxis.range, points)
    fig.update_layout(xaxis_range=xrange, yaxis_range=yrange)


def widened_range(xrange: Sequence[float], yrange: Sequence[float], points: list[np.ndarray]
                  ) -> tuple[list[float], list[float]]:
    """x and y ranges that also hold `points` (the probe and the star): the same when they do,
    else fitted around both (`fitted_range`)."""
    (x0, x1), (y0, y1) = xrange, yrange
    if all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points):
        return [x0, x1], [y0, y1]
    return fitted_range(np.vstack([[[x0, y0], [x1, y1]], *points]))


def mark_latent_map_2d(
    fig: go.Figure,
    user_point: Sequence[float] | np.ndarray | None = None,
    probe_point: Sequence[float] | np.ndarray | None = None,
    background: np.ndarray | None = None,
    background_extent: tuple[float, float, float, float] | None = None,
    axis_titles: tuple[str, str] = ("z1", "z2"),
    background_invert: bool = True,
    scale: MapScale | None = None,
) -> go.Figure:
    """Add the per-run marks to a `latent_map_2d` figure, in place (give it a copy of a cached
    one): the probe's x, the user's star, and a background image over `background_extent`."""
    user = _check_point(user_point, 2, "user_point")
    probe = _check_point(probe_point, 2, "probe_point")
    if background is not None and background_extent is None:
        raise ValueError("a background needs background_extent=(xmin, xmax, ymin, ymax)")
    xy_hover = f"{axis_titles[0]}=%{{x:.2f}}<br>{axis_titles[1]}=%{{y:.2f}}"
    hover = {"probe": xy_hover, "your drawing": xy_hover}
    if scale is not None and not scale.linear:
        hover = {name: _true_values(p[None], axis_titles)[0] for name, p in
                 (("probe", probe), ("your drawing", user)) if p is not None}
        user, probe = (None if p is None else scale.to_display(p) for p in (user, probe))
        if background_extent is not None:
            corners = scale.to_display(np.reshape(background_extent, (2, 2)).T)
            background_extent = (*corners[:, 0], *corners[:, 1])
    if background is not None:
        _background_image(fig, background, background_extent, background_invert)
        _widen_to(fig, [p for p in (user, probe) if p is not None])
    _probe_and_star(fig, probe, user, hover)
    return fig


# Plotly's default eye (1.25, 1.25, 1.25) sits so close that, in a plot taller than it is wide
# (a column beside the decoded digit), the cube's left axis labels are cut off.
CAMERA_EYE_3D = {"x": 1.6, "y": 1.6, "z": 1.35}


def latent_scatter_3d(
    codes: np.ndarray,
    labels: np.ndarray,
    class_names: Sequence[str] | None = None,
    user_point: Sequence[float] | np.ndarray | None = None,
    probe_point: Sequence[float] | np.ndarray | None = None,
    title: str = "",
    revision: str | None = None,
) -> go.Figure:
    """Rotatable 3-D latent space: a small-marker cloud per class, the user's code a big diamond.
    The viewer's rotation survives reruns until `revision` (default: the title) changes."""
    codes, labels = _check_codes(codes, labels, 3)
    names = tuple(class_names) if class_names is not None else DEFAULT_CLASS_NAMES
    user = _check_point(user_point, 3, "user_point")
    probe = _check_point(probe_point, 3, "probe_point")

    fig = go.Figure(_class_clouds(go.Scatter3d, codes, labels, names,
                                  {"size": 3, "opacity": 0.8}, ""))
    if probe is not None:
        fig.add_trace(_point(go.Scatter3d, probe, PROBE_POINT_NAME,
                             {"symbol": "x", "size": 12, "color": "black"}))
    if user is not None:
        fig.add_trace(_point(go.Scatter3d, user, USER_POINT_NAME,
                             {"symbol": "diamond", "size": 14, "color": USER_POINT_COLOR,
                              "line": {"width": 3, "color": "black"}}))

    def axis(name: str) -> dict[str, object]:
        return {"title": {"text": name, "font": {"size": BASE_FONT_SIZE}}, "tickfont": {"size": 14}}

    return _style(
        fig,
        title,
        height=650,
        scene={"xaxis": axis("z1"), "yaxis": axis("z2"), "zaxis": axis("z3"), "aspectmode": "cube",
               "camera": {"eye": CAMERA_EYE_3D}},
        uirevision=revision or title or "latent-3d",
        margin={"l": 0, "r": 0, "t": 60 if title else 10, "b": 0},
        # Below the cloud, not beside it: the rotating cube keeps the whole width, and its axis
        # labels are not clipped at a narrow (presenter's, phone's) plot's left edge.
        legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top"},
    )


def psnr_vs_sigma(
    sigmas: Sequence[float],
    series: Mapping[str, Sequence[float]],
    title: str = "Reconstruction quality vs noise",
    dashed: set[str] | None = None,
) -> go.Figure:
    """PSNR against Gaussian noise level, one line per model; classical baselines (in `dashed`)
    get dashed lines and square markers so they stay distinguishable without colour."""
    dashed = dashed or set()
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        if len(values) != len(sigmas):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(sigmas)} sigmas")
        is_baseline = name in dashed
        fig.add_trace(
            go.Scatter(
                x=list(sigmas),
                y=[None if v is None or not np.isfinite(v) else float(v) for v in values],
                mode="lines+markers",
                name=name,
                line={"width": LINE_WIDTH, "dash": "dash" if is_baseline else "solid",
                      "color": DIGIT_COLORS[i % len(DIGIT_COLORS)]},
                marker={"size": LINE_MARKER_SIZE, "symbol": "square" if is_baseline else "circle"},
                hovertemplate=f"{name}<br>sigma=%{{x:.2f}}<br>PSNR=%{{y:.1f}} dB<extra></extra>",
            )
        )
    return _style(
        fig,
        title,
        height=480,
        xaxis={"title": {"text": "Gaussian noise sigma"}},
        yaxis={"title": {"text": "PSNR (dB)"}},
        hovermode="x unified",
        legend=LEGEND_ABOVE,
    )


def training_curves(
    history: Mapping[str, Sequence[float]], title: str = "Training curves"
) -> go.Figure:
    """Loss per epoch, one line per history key; "val_x" shares x's colour but is dashed.

    The y axis turns logarithmic when the values span more than a decade, so the late epochs
    (where models differ) are not squashed flat against the axis.
    """
    bases = list(dict.fromkeys(key.removeprefix("val_") for key in history))
    fig = go.Figure()
    all_values: list[float] = []
    for key, values in history.items():
        values = [float(v) for v in values]
        all_values += [v for v in values if np.isfinite(v)]
        colour = DIGIT_COLORS[bases.index(key.removeprefix("val_")) % len(DIGIT_COLORS)]
        fig.add_trace(
            go.Scatter(
                x=list(range(1, len(values) + 1)),
                y=values,
                mode="lines+markers" if len(values) <= 30 else "lines",
                name=key,
                line={
                    "width": LINE_WIDTH,
                    "color": colour,
                    "dash": "dash" if key.startswith("val_") else "solid",
                },
                marker={"size": 7},
            )
        )
    positive = [v for v in all_values if v > 0]
    all_positive = bool(positive) and len(positive) == len(all_values)
    log_y = all_positive and max(positive) / min(positive) > 10.0
    return _style(
        fig,
        title,
        height=420,
        xaxis={"title": {"text": "epoch"}},
        yaxis={"title": {"text": "loss"}, "type": "log" if log_y else "linear"},
        hovermode="x unified",
        legend=LEGEND_ABOVE,
    )


def metric_bars(
    names: Sequence[str],
    values: Sequence[float],
    baseline: float | None = None,
    baseline_name: str = "PCA",
    title: str = "",
    y_title: str = "",
    horizontal: bool = False,
) -> go.Figure:
    """Compare models on one metric, with an optional dashed line for a baseline such as PCA.

    `y_title` labels the value axis (the x axis when `horizontal=True`, handy for long names).
    """
    if len(names) != len(values):
        raise ValueError(f"{len(names)} names but {len(values)} values")
    names = [str(n) for n in names]
    values = [float(v) for v in values]
    bar = go.Bar(
        x=values if horizontal else names,
        y=names if horizontal else values,
        orientation="h" if horizontal else "v",
        marker={"color": BAR_COLOR},
        text=[f"{v:.3g}" for v in values],
        textposition="auto",
        textfont={"size": 16},
        hovertemplate="%{text}<extra></extra>",
    )
    fig = go.Figure(bar)
    value_axis = {"title": {"text": y_title}}
    name_axis = {"title": {"text": ""}, "automargin": True}
    if horizontal:
        fig.update_yaxes(autorange="reversed")  # first name at the top, like a table
    if baseline is not None:
        # Under the bars: their value labels are written over the line, not crossed out by it.
        line = {"line_dash": "dash", "line_width": 3, "line_color": "black", "layer": "below",
                "annotation_text": f"{baseline_name}: {baseline:.3g}", "annotation_font_size": 16}
        if horizontal:
            fig.add_vline(x=baseline, annotation_position="top", **line)
        else:
            fig.add_hline(y=baseline, annotation_position="top right", **line)
    return _style(
        fig,
        title,
        height=max(300, 120 + 50 * len(names)) if horizontal else 450,
        showlegend=False,
        xaxis=value_axis if horizontal else name_axis,
        yaxis=name_axis if horizontal else value_axis,
    )


def kl_per_dimension(
    kl: np.ndarray,
    title: str = "How much each latent dimension is used (KL)",
    active_threshold: float = 0.1,
) -> go.Figure:
    """Bar per VAE latent dimension of its average KL divergence (nats).

    Dimensions below `active_threshold` carry almost no information (the "collapsed" ones)
    and are drawn grey, so the class sees at a glance how many dimensions the VAE really uses.
    """
    kl = np.asarray(kl, dtype=np.float64).reshape(-1)
    colours = [BAR_COLOR if v >= active_threshold else "#BBBBBB" for v in kl]
    fig = go.Figure(
        go.Bar(
            x=[f"z{i + 1}" for i in range(len(kl))],
            y=kl,
            marker={"color": colours},
            hovertemplate="%{x}: %{y:.3f} nats<extra></extra>",
        )
    )
    return _style(
        fig,
        title,
        height=380,
        showlegend=False,
        bargap=0.15 if len(kl) <= 64 else 0,
        xaxis={"title": {"text": "latent dimension"}},
        yaxis={"title": {"text": "KL (nats)"}, "rangemode": "tozero"},
    )
