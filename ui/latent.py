"""Streamlit pieces shared by the two latent-space pages: the plotted codes, the model choice,
the probe sliders, the decoded-probe panel and the "your digit" panel.

The maths (PCA projection, grids, ranges) lives in `ae_models.latent_maps`; this module only
caches, lays out and wires it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ae_models import latent_maps
from ae_models.map_scale import MapScale, map_scale
from ae_models.registry import LIVE_KEY, model_keys, resolve
from ui import latent_plane, live_latent, state, widgets
from ui.figures import latent_map_2d, mark_latent_map_2d
from ui.images import image_grid
from ui.model_cache import card, metrics, spec_of, title_of, weights_id
from ui.model_cache import latents as stored_latents

DECODED_SCALE = 10  # 280 px: the probe's decoding is what the class looks at
PCA_APPROXIMATE = "Approximate: every direction but PC1 and PC2 is set to its average."
MAX_POINTS = 4000  # per map: the class wall's SVG maps draw 4,000 briskly, 10,000 sluggishly
TWO_D_MODELS = ("ae_2d", "vae_2d")


@dataclass(frozen=True)
class LatentView:
    """What a latent plot shows for one model: a subset of test codes in plot coordinates."""

    key: str
    latents: Mapping[str, np.ndarray]  # shared, read-only
    points: np.ndarray  # (n, dims) plotted subset
    labels: np.ndarray  # (n,)
    ranges: np.ndarray  # (dims, 2) [low, high] covering every stored code
    steps: tuple[float, ...]  # slider step per axis
    total: int  # how many codes latents.npz holds
    explained: float | None  # share of variance on the plotted PCA axes (None: exact code)
    scale: MapScale  # how the map draws its axes (asinh-compressed where codes are heavy-tailed)

    @property
    def dims(self) -> int:
        return self.points.shape[1]

    @property
    def pca(self) -> bool:
        return self.explained is not None

    @property
    def axis_names(self) -> tuple[str, ...]:
        return tuple(f"{'PC' if self.pca else 'z'}{i + 1}" for i in range(self.dims))

    @property
    def extent(self) -> tuple[float, float, float, float]:
        return tuple(float(v) for v in self.ranges[:2].reshape(-1))  # (xmin, xmax, ymin, ymax)

    @property
    def shown(self) -> str:
        """How many test digits are plotted, e.g. "4,000 of 10,000"."""
        n = len(self.points)
        return f"{n:,} of {self.total:,}" if n < self.total else f"{n:,}"

    def to_code(self, point: np.ndarray) -> np.ndarray:
        return latent_maps.to_code(point, self.latents)

    def to_plot(self, code: np.ndarray) -> np.ndarray:
        return latent_maps.to_plot(code, self.latents, self.dims)

    def clip(self, point: np.ndarray) -> np.ndarray:
        return np.clip(np.asarray(point, np.float64), self.ranges[:, 0], self.ranges[:, 1])

    def describe(self, point: np.ndarray) -> str:
        return ", ".join(f"{n} = {v:.2f}" for n, v in zip(self.axis_names, point))


@st.cache_data(show_spinner=False)
def _view_arrays(weights: str, dims: int, max_points: int, _data: Mapping) -> dict:
    """Cached per model's weights (`ui.model_cache.weights_id`: a session's live model is its own)."""
    data = _data
    all_points = latent_maps.plot_points(data, dims)
    rows = latent_maps.subsample(data["labels"], max_points)
    ranges = latent_maps.axis_ranges(all_points)
    pca = latent_maps.needs_pca(data["codes"].shape[1], dims)
    scale = map_scale(all_points) if dims == 2 else MapScale((None,) * dims)
    return {"points": all_points[rows], "labels": np.asarray(data["labels"])[rows],
            "ranges": ranges, "total": len(all_points), "scale": scale,
            "steps": tuple(latent_maps.nice_step(hi - lo) for lo, hi in ranges),
            "explained": latent_maps.explained_variance(data, dims) if pca else None}


def latent_view(key: str, dims: int, max_points: int = MAX_POINTS) -> LatentView | None:
    """The plotted codes of one model, or None (with a message) when latents.npz is missing."""
    data = stored_latents(key)
    if data is None:
        st.warning(f"No stored test codes for **{title_of(key)}** (weights/{key}/latents.npz "
                   f"is missing or unreadable). Rebuild them with: "
                   f"`python -m ae_models.train {key} --latents-only`", icon=":material/warning:")
        return None
    arrays = _view_arrays(weights_id(key), dims, max_points, data)
    return LatentView(key=key, latents=data, **arrays)


def latent_2d_options(dataset: str | None = None) -> list[str]:
    """The data set's (default: the chosen one's) 2-D models first, then every wider model
    (shown through its PCA)."""
    dataset = dataset or state.dataset()
    flat = [k for k in (resolve(role, dataset) for role in TWO_D_MODELS) if k is not None]
    wider = [k for k in model_keys(dataset, include_twins=False)
             if k not in flat and spec_of(k).code_size > 2]
    live = state.live_model()
    yours = [LIVE_KEY] if live is not None and live.spec.dataset == dataset else []
    return [*flat, *wider, *yours]


def option_label(key: str) -> str:
    spec = spec_of(key)
    if spec.code_size <= 2:
        return f"{spec.title} ({key})"
    return f"PCA view: {spec.title} ({key}, code {spec.code_label})"


def latent_model_picker(options: list[str], key: str) -> str:
    """One model for a latent map, kept in the URL so a shared link opens the same map."""
    return st.selectbox("Model", options, key=state.per_dataset(key), bind="query-params",
                        format_func=option_label)


def _set_point(keys: list[str], point: np.ndarray) -> None:
    for k, v in zip(keys, point):
        st.session_state[k] = float(v)


def _move_probe(prefix: str, view: LatentView, point: np.ndarray) -> None:
    """Put the probe (its sliders, and so the URL) on `point`, kept inside the map."""
    _set_point(_slider_keys(prefix, view), view.clip(point))


def _slider_keys(prefix: str, view: LatentView) -> list[str]:
    # One key per model: each range is the model's own, and switching back restores its probe.
    return [f"{prefix}_{axis}_{view.key}" for axis in "xyz"[:view.dims]]


def _check_link(keys: list[str], view: LatentView) -> None:
    """Say so when a link's probe value is no number on this map (Streamlit would silently
    ignore it and start the probe elsewhere)."""
    for key, name, (low, high) in zip(keys, view.axis_names, view.ranges):
        raw = st.query_params.get(key)
        try:
            value = float(raw) if raw is not None else None
        except ValueError:
            value = float("nan")
        if value is not None and not low <= value <= high:  # NaN fails this too
            st.warning(f"The link sets {name} to {raw[:20]!r}, which is not a point of this map "
                       f"({name} runs from {low:g} to {high:g}): the probe starts at your digit "
                       "instead.", icon=":material/link_off:")


def probe_sliders(prefix: str, view: LatentView, start: np.ndarray) -> np.ndarray:
    """One slider per plotted axis over the plotted range (URL-bound); starts at `start`.

    A "back to your digit" button puts the probe on the user's own code again.
    """
    keys = _slider_keys(prefix, view)
    _check_link(keys, view)
    start = view.clip(start)
    for k, v in zip(keys, start):
        st.session_state.setdefault(k, float(v))  # no value= below: session state is the value
    point = np.array([
        st.slider(name, float(lo), float(hi), step=step, format="%.2f", key=k, bind="query-params")
        for name, (lo, hi), step, k in zip(view.axis_names, view.ranges, view.steps, keys)
    ])
    st.button("Back to your digit", icon=":material/my_location:", key=f"{prefix}_home",
              on_click=_set_point, args=(keys, start),
              help="Put the probe on your digit's code again.")
    return point


def decoded_panel(image: np.ndarray, view: LatentView, point: np.ndarray) -> None:
    """The probe's decoding, bigger than the other images: it is what the class looks at."""
    where = view.describe(point)
    st.markdown(f"**Decoded at {where}**")
    widgets.show_image(image, scale=DECODED_SCALE, alt=f"The picture the decoder makes of the "
                                                      f"code at {where}")
    if view.pca:
        st.caption(PCA_APPROXIMATE)


@dataclass(frozen=True)
class UserCode:
    code: np.ndarray  # the model's full code of the user's digit
    point: np.ndarray  # where it is plotted (the code, or its PCA projection)
    rebuilt: np.ndarray  # decode(code): the reconstruction


def model_and_view(key: str, dims: int) -> tuple[object, LatentView] | None:
    """The loaded model and its plotted codes, or None after showing in the page what is missing."""
    model = widgets.model_or_error(key)
    if model is None:
        return None
    view = latent_view(key, dims=dims)
    return None if view is None else (model, view)


def user_code(model, view: LatentView, image: np.ndarray) -> UserCode:
    code = model.encode(image)
    return UserCode(code, view.to_plot(code), model.decode(code))


def your_digit_panel(image: np.ndarray, user: UserCode, view: LatentView) -> None:
    """The user's input beside its reconstruction, and where its code sits on the map."""
    st.markdown("**Your digit** (the gold star)")
    c1, c2 = st.columns(2)
    with c1:
        widgets.show_image(image, "Your input", alt="Your input, 28x28 pixels as the model sees it")
    with c2:
        widgets.show_image(user.rebuilt, "Rebuilt from its code",
                           alt="Your input rebuilt by the decoder from its code")
    where = view.describe(user.point)
    st.caption(f"Its code is at {where}" + (" (projected onto the two PCA axes)." if view.pca
                                            else "."))


def background_grid(key: str, extent: tuple[float, float, float, float], n: int,
                    view: LatentView, model) -> np.ndarray:
    """n x n digits decoded over the plot (one batch call), tiled into one image; cached per
    model's weights, range and size."""
    return _background_grid(weights_id(key), extent, n, view, model)


@st.cache_data(show_spinner="Decoding a grid of digits...", max_entries=32)
def _background_grid(weights: str, extent: tuple[float, float, float, float], n: int,
                     _view: LatentView, _model) -> np.ndarray:
    images = latent_maps.decoded_grid(_model.decode, _view.latents, extent, n, _view.scale)
    return image_grid(images, pad=0)


def map_2d(view: LatentView, class_names: Sequence[str], user_point: np.ndarray | None,
           probe_point: np.ndarray | None, background: np.ndarray | None = None) -> go.Figure:
    """The 2-D page's map: this run's probe, star and background on a copy of the model's
    cached clouds (building those took ~150 ms of every rerun; the copy takes ~10 ms)."""
    extent = view.extent if background is not None else None
    base = _base_map_2d(weights_id(view.key), view.shown, tuple(class_names), view.axis_names,
                        extent, view)
    # Validated once when built: copied without Plotly's per-value checks (a 4,000-point
    # checked copy cost more than half a new build).
    return mark_latent_map_2d(go.Figure(base, _validate=False), user_point, probe_point,
                              background, extent, axis_titles=view.axis_names, scale=view.scale)


@st.cache_resource(show_spinner=False, max_entries=32)
def _base_map_2d(weights: str, shown: str, class_names: tuple[str, ...],
                 axis_titles: tuple[str, ...], extent: tuple[float, ...] | None,
                 _view: LatentView) -> dict:
    """One model's clouds as a plain dict, shared by every session: only ever copied."""
    return latent_map_2d(_view.points, _view.labels, class_names, axis_titles=axis_titles,
                         scale=_view.scale, revision=_view.key, extent=extent).to_dict()


def probe_and_digit_panel(prefix: str, view: LatentView, model, image: np.ndarray,
                          user: UserCode) -> np.ndarray:
    """The side panel of both latent pages: the decoded probe on top, its sliders, then the
    user's digit with its reconstruction. Returns the probe point (plot coordinates).

    The browser decodes the probe while its sliders are dragged and, on the 2-D page, the
    point under the pointer on the map (`plane_2d`); the server's picture of the probe stays
    until the browser shows it.
    """
    probe_slot = st.container()
    point = probe_sliders(prefix, view, start=user.point)
    with probe_slot:
        live = live_latent.live_probe(
            view.key, f"{prefix}_live", view, point, DECODED_SCALE * 28,
            slider_keys=_slider_keys(prefix, view))
        if not live:
            decoded_panel(model.decode(view.to_code(point)), view, point)
        elif view.pca:
            st.caption(PCA_APPROXIMATE)
    your_digit_panel(image, user, view)
    return point


def plane_2d(prefix: str, view: LatentView, class_names: Sequence[str],
             user_point: np.ndarray | None, probe_point: np.ndarray | None,
             background: np.ndarray | None, *, title: str, height: int, key: str) -> None:
    """The 2-D page's map, drawn by the browser (`ui.latent_plane`); a click on it moves the
    probe there (its sliders, and so the URL), with or without live decoding."""
    latent_plane.latent_plane(view, class_names, user_point, probe_point, background,
                              title=title, height=height, key=key,
                              on_pin=lambda: _pin_from_plane(prefix, view, key))


def _pin_from_plane(prefix: str, view: LatentView, key: str) -> None:
    """A click on the plane (before the rerun): the probe moves to the clicked point."""
    point = latent_plane.pinned(key)
    if point is not None:
        _move_probe(prefix, view, point)


def scores_caption(key: str) -> None:
    """How good this code is, in one line: its test MSE beside PCA's with as many numbers
    (from weights/metrics.json, else the model card), and how well classes cluster."""
    entry = metrics(spec_of(key).dataset).get("models", {}).get(key, {})
    if entry.get("status") == "ok":
        parts = [f"Test MSE **{entry['test_mse']:.4f}**",
                 f"PCA with {entry['pca_k']} numbers: {entry['pca_test_mse']:.4f}"]
        if entry.get("knn_agreement") is not None:
            parts.append(f"a test image's 10 nearest codes share its class "
                         f"{entry['knn_agreement']:.0%} of the time")
        st.caption(" · ".join(parts))
        return
    mse = ((card(key) or {}).get("test_metrics") or {}).get("test_mse")
    if mse is not None:
        st.caption(f"Test MSE **{mse:.4f}**")
