"""ui.figures: the Plotly builders put the right traces, markers and styles on the figure."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from ui import figures


@pytest.fixture()
def latent_2d() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    labels = np.repeat(np.arange(10), np.arange(3, 13))  # class c has c + 3 points
    rng.shuffle(labels)
    codes = rng.normal(size=(len(labels), 2)).astype(np.float32)
    return codes, labels


def _class_traces(fig: go.Figure) -> list:
    """The class clouds (not the probe, the user's point, or the class names written on the map:
    those are checked in test_colours.py)."""
    special = {figures.USER_POINT_NAME, figures.PROBE_POINT_NAME}
    return [t for t in fig.data if t.name not in special and t.mode != "text"]


def _trace(fig: go.Figure, name: str):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, f"expected one {name!r} trace, found {len(matches)}"
    return matches[0]


def test_digit_colors_are_ten_distinct() -> None:
    assert len(figures.DIGIT_COLORS) == 10
    assert len({c.lower() for c in figures.DIGIT_COLORS}) == 10


def test_scatter_2d_one_trace_per_class(latent_2d) -> None:
    codes, labels = latent_2d
    fig = figures.latent_scatter_2d(codes, labels)
    traces = _class_traces(fig)
    assert [t.name for t in traces] == [str(c) for c in range(10)]
    for c, trace in enumerate(traces):
        assert isinstance(trace, go.Scatter)  # SVG, so Streamlit click selection works
        assert len(trace.x) == len(trace.y) == c + 3
        assert trace.marker.color == figures.DIGIT_COLORS[c]
        # customdata maps each point back to its row in `codes`.
        rows = np.asarray(trace.customdata)
        assert (labels[rows] == c).all()
        assert np.allclose(codes[rows, 0], trace.x)
    assert fig.layout.template.layout.paper_bgcolor in ("white", "#ffffff", "rgb(255,255,255)")
    assert fig.layout.clickmode == "event+select"
    assert fig.layout.font.size >= 16 and fig.layout.title.font.size >= 20
    assert fig.layout.legend.font.size >= 16


def test_scatter_2d_class_names_and_missing_classes(latent_2d) -> None:
    codes, labels = latent_2d
    keep = labels < 3
    names = ["T-shirt", "Trouser", "Pullover"] + [f"c{i}" for i in range(3, 10)]
    fig = figures.latent_scatter_2d(codes[keep], labels[keep], class_names=names)
    assert [t.name for t in _class_traces(fig)] == ["T-shirt", "Trouser", "Pullover"]


def test_scatter_2d_user_point_on_top_and_bigger(latent_2d) -> None:
    codes, labels = latent_2d
    fig = figures.latent_scatter_2d(codes, labels, user_point=np.array([0.25, -1.5]))
    user = _trace(fig, figures.USER_POINT_NAME)
    assert fig.data[-1] is user  # drawn last, so on top
    assert list(user.x) == [0.25] and list(user.y) == [-1.5]
    assert user.marker.size > max(t.marker.size for t in _class_traces(fig))
    assert user.marker.symbol == "star"
    assert all(t.name != figures.PROBE_POINT_NAME for t in fig.data)


def test_scatter_2d_probe_only_when_given(latent_2d) -> None:
    codes, labels = latent_2d
    fig = figures.latent_scatter_2d(codes, labels, probe_point=(1.0, 2.0))
    probe = _trace(fig, figures.PROBE_POINT_NAME)
    assert list(probe.x) == [1.0] and list(probe.y) == [2.0]
    assert all(t.name != figures.USER_POINT_NAME for t in fig.data)
    assert len(_class_traces(figures.latent_scatter_2d(codes, labels))) == 10
    assert not any(t.name == figures.PROBE_POINT_NAME
                   for t in figures.latent_scatter_2d(codes, labels).data)


def test_scatter_2d_background_image(latent_2d) -> None:
    codes, labels = latent_2d
    assert len(figures.latent_scatter_2d(codes, labels).layout.images) == 0
    grid = np.random.default_rng(2).random((56, 56)).astype(np.float32)
    fig = figures.latent_scatter_2d(
        codes, labels, background=grid, background_extent=(-4, 4, -3, 5)
    )
    assert len(fig.layout.images) == 1
    image = fig.layout.images[0]
    assert (image.x, image.y, image.sizex, image.sizey) == (-4, 5, 8, 8)
    assert image.sizing == "stretch" and image.layer == "below"
    assert 0 < image.opacity < 1
    assert str(image.source).startswith("data:image/png;base64,")
    assert fig.layout.xaxis.range[0] <= -4 and fig.layout.yaxis.range[1] >= 5


def test_scatter_2d_background_needs_extent(latent_2d) -> None:
    codes, labels = latent_2d
    with pytest.raises(ValueError):
        figures.latent_scatter_2d(codes, labels, background=np.zeros((28, 28)))


def test_scatter_2d_rejects_bad_shapes(latent_2d) -> None:
    codes, labels = latent_2d
    with pytest.raises(ValueError):
        figures.latent_scatter_2d(np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError):
        figures.latent_scatter_2d(codes, labels[:-1])


def test_scatter_3d_traces() -> None:
    rng = np.random.default_rng(3)
    labels = np.arange(40) % 10
    codes = rng.normal(size=(40, 3))
    fig = figures.latent_scatter_3d(codes, labels, user_point=[1, 2, 3], probe_point=[0, 0, 0])
    assert all(t.type == "scatter3d" for t in fig.data)
    classes = _class_traces(fig)
    assert len(classes) == 10 and all(len(t.x) == 4 for t in classes)
    assert classes[7].marker.color == figures.DIGIT_COLORS[7]
    user = _trace(fig, figures.USER_POINT_NAME)
    assert (list(user.x), list(user.y), list(user.z)) == ([1], [2], [3])
    assert user.marker.symbol == "diamond" and user.marker.size > classes[0].marker.size
    assert _trace(fig, figures.PROBE_POINT_NAME).marker.symbol in ("x", "cross")
    assert fig.layout.scene.zaxis.title.text == "z3"
    no_probe = figures.latent_scatter_3d(codes, labels)
    assert len(_class_traces(no_probe)) == 10
    assert not any(t.name == figures.PROBE_POINT_NAME for t in no_probe.data)


def test_scatter_3d_leaves_room_for_its_axes() -> None:
    """The legend goes under the cloud and the camera stands back from Plotly's default eye
    (1.25, 1.25, 1.25), whose cube lost its left axis labels in a narrow column."""
    fig = figures.latent_scatter_3d(np.zeros((10, 3)), np.arange(10))
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.yanchor == "top"
    eye = fig.layout.scene.camera.eye
    assert np.linalg.norm([eye.x, eye.y, eye.z]) > 1.15 * np.linalg.norm([1.25] * 3)


def test_psnr_vs_sigma_dashed_baselines() -> None:
    sigmas = [0.0, 0.2, 0.4]
    series = {
        "Conv AE": [30.0, 25.0, 20.0],
        "DAE": [29.0, 27.0, 24.0],
        "Gaussian blur": [28.0, 22.0, 18.0],
    }
    fig = figures.psnr_vs_sigma(sigmas, series, dashed={"Gaussian blur"})
    assert [t.name for t in fig.data] == list(series)
    styles = {t.name: t.line.dash for t in fig.data}
    assert styles == {"Conv AE": "solid", "DAE": "solid", "Gaussian blur": "dash"}
    assert all(t.line.width >= 3 and t.marker.size >= 9 for t in fig.data)
    assert list(fig.data[1].y) == [29.0, 27.0, 24.0]
    assert fig.layout.xaxis.title.text == "Gaussian noise sigma"
    assert fig.layout.yaxis.title.text == "PSNR (dB)"
    with pytest.raises(ValueError):
        figures.psnr_vs_sigma(sigmas, {"short": [1.0]})


def test_training_curves_log_scale_only_for_wide_ranges() -> None:
    wide = figures.training_curves({"loss": [1.0, 0.1, 0.05], "val_loss": [1.2, 0.2, 0.08]})
    assert [t.name for t in wide.data] == ["loss", "val_loss"]
    assert list(wide.data[0].x) == [1, 2, 3]
    assert wide.layout.yaxis.type == "log"
    assert wide.data[1].line.dash == "dash" and wide.data[1].line.color == wide.data[0].line.color
    narrow = figures.training_curves({"loss": [0.05, 0.04, 0.03]})
    assert narrow.layout.yaxis.type == "linear"
    assert narrow.layout.xaxis.title.text == "epoch"


def test_metric_bars_with_and_without_baseline() -> None:
    names, values = ["Dense", "Conv", "VAE"], [0.02, 0.01, 0.03]
    fig = figures.metric_bars(names, values, baseline=0.025, baseline_name="PCA", y_title="MSE")
    (bar,) = fig.data
    assert list(bar.x) == names and list(bar.y) == values
    (line,) = fig.layout.shapes
    assert line.line.dash == "dash" and line.y0 == line.y1 == 0.025
    assert "PCA" in fig.layout.annotations[0].text
    plain = figures.metric_bars(names, values, horizontal=True)
    assert len(plain.layout.shapes) == 0 and plain.data[0].orientation == "h"


def test_kl_per_dimension_greys_out_unused_dimensions() -> None:
    fig = figures.kl_per_dimension(np.array([2.5, 0.001, 0.8, 0.0]))
    (bar,) = fig.data
    assert list(bar.x) == ["z1", "z2", "z3", "z4"]
    colours = list(bar.marker.color)
    assert colours[0] == colours[2] != colours[1] == colours[3]


def _spec(fig: go.Figure) -> dict:
    import json

    import plotly.io as pio

    return json.loads(pio.to_json(fig, validate=False))


@pytest.mark.parametrize("with_background", [False, True])
def test_scatter_2d_from_a_shared_base_equals_the_one_shot_figure(latent_2d,
                                                                  with_background) -> None:
    """A page marks a copy of a cached `latent_map_2d` (as a dict, copied unvalidated): the
    figure sent is the one `latent_scatter_2d` builds in one go, and the base stays unmarked."""
    from ae_models.map_scale import MapScale

    codes, labels = latent_2d
    codes = codes * np.array([30.0, 1.0], np.float32)  # a heavy first axis: compressed
    scale, extent = MapScale((2.0, None)), (-90.0, 95.0, -4.0, 5.0)
    grid = np.random.default_rng(4).random((28, 28)) if with_background else None
    kwargs = {"scale": scale, "axis_titles": ("z1", "z2"), "revision": "m"}
    base = figures.latent_map_2d(codes, labels, extent=extent if with_background else None,
                                 **kwargs).to_dict()
    before = _spec(go.Figure(base, _validate=False))
    marked = figures.mark_latent_map_2d(
        go.Figure(base, _validate=False), user_point=(150.0, 0.5), probe_point=(-2.0, 1.0),
        background=grid, background_extent=extent if with_background else None,
        axis_titles=kwargs["axis_titles"], scale=scale)
    one_shot = figures.latent_scatter_2d(
        codes, labels, user_point=(150.0, 0.5), probe_point=(-2.0, 1.0), background=grid,
        background_extent=extent if with_background else None, **kwargs)
    assert _spec(marked) == _spec(one_shot)
    assert _spec(go.Figure(base, _validate=False)) == before  # the shared base is untouched
    names = [t.name for t in marked.data]
    assert names[-2:] == [figures.PROBE_POINT_NAME, figures.USER_POINT_NAME]
    if with_background:  # the star lies outside the grid's corners: the axes widen to it
        assert marked.layout.xaxis.range[1] > scale.to_display(np.array([150.0, 0.5]))[0]
        assert len(marked.layout.images) == 1


def test_scatter_2d_background_needs_a_base_built_with_its_extent(latent_2d) -> None:
    codes, labels = latent_2d
    base = figures.latent_map_2d(codes, labels)
    with pytest.raises(ValueError):
        figures.mark_latent_map_2d(base, background=np.zeros((28, 28)),
                                   background_extent=(-1, 1, -1, 1))


def test_widened_range_keeps_ranges_that_hold_the_marks() -> None:
    """The canvas map and the Plotly map share it: ranges that hold the star and the probe stay;
    a mark outside widens them to hold it, with the 2 % margin of `fitted_range`."""
    inside = [np.array([0.5, 0.5]), np.array([-0.5, 0.9])]
    assert figures.widened_range([-1.0, 1.0], [-1.0, 1.0], inside) == ([-1.0, 1.0], [-1.0, 1.0])
    xrange, yrange = figures.widened_range([-1.0, 1.0], [-1.0, 1.0], [np.array([3.0, 0.0])])
    assert xrange == pytest.approx([-1.08, 3.08]) and yrange == pytest.approx([-1.04, 1.04])
