"""The latent maps' ten class colours stay apart for colour-blind viewers, and colour is never
the only cue (issue 19).

Each colour-vision deficiency is simulated at severity 100 (the strongest form, dichromacy; the
model of Machado, Oliveira and Fernandes 2009, as colorspacious implements it) and the colours
are compared in CAM02-UCS, where a distance of about 1 is a just-noticeable difference between
two large patches side by side. Dots a few pixels wide, scattered over a map, need an order of
magnitude more, so the palette must keep every pair at least MIN_DISTANCE = 10 apart for every
simulated viewer: about what a normal-sighted viewer got between the closest pair of Tableau 10
(11.5), the palette the maps used before, which a deuteranope saw 0.8 apart (its red and green).
"""

from __future__ import annotations

import itertools

import colorspacious
import numpy as np
import pytest

from ui import figures

MIN_DISTANCE = 10.0
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")
TABLEAU_10 = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1",
              "#FF9DA7", "#9C755F", "#79706E")
WHITE = "#FFFFFF"


def seen_by(colours: tuple[str, ...], deficiency: str | None) -> np.ndarray:
    """The colours as CAM02-UCS points, as a viewer with `deficiency` (None: normal) sees them."""
    rgb = np.array([[int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)] for c in colours])
    if deficiency is not None:
        space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
        rgb = np.clip(colorspacious.cspace_convert(rgb, space, "sRGB1"), 0, 1)
    return colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def closest_pair(colours: tuple[str, ...], deficiency: str | None) -> tuple[float, str, str]:
    points = seen_by(colours, deficiency)
    return min((float(np.linalg.norm(points[i] - points[j])), colours[i], colours[j])
               for i, j in itertools.combinations(range(len(colours)), 2))


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_every_pair_of_class_colours_stays_apart(deficiency) -> None:
    distance, a, b = closest_pair(figures.DIGIT_COLORS, deficiency)
    assert distance >= MIN_DISTANCE, f"{a} and {b} are {distance:.1f} apart for {deficiency}"


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_every_class_colour_stands_out_from_the_white_page(deficiency) -> None:
    points = seen_by((*figures.DIGIT_COLORS, WHITE), deficiency)
    distances = np.linalg.norm(points[:-1] - points[-1], axis=1)
    assert distances.min() >= MIN_DISTANCE, dict(zip(figures.DIGIT_COLORS, distances.round(1)))


def test_the_check_rejects_the_old_palette_with_its_red_green_pair() -> None:
    """The threshold means something: Tableau 10's red and green merge for a deuteranope."""
    distance, a, b = closest_pair(TABLEAU_10, "deuteranomaly")
    assert distance < 1.0 and {a, b} == {"#E15759", "#59A14F"}
    assert closest_pair(TABLEAU_10, None)[0] > MIN_DISTANCE  # fine with normal colour vision


@pytest.fixture()
def codes_and_labels() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    labels = np.repeat(np.arange(10), 40)
    return rng.normal(size=(len(labels), 3)), labels


def _written_names(fig) -> dict[str, list[str]]:
    return {t.legendgroup: list(t.text) for t in fig.data if t.mode == "text"}


def test_the_2d_map_gives_each_class_its_own_marker_shape(codes_and_labels) -> None:
    codes, labels = codes_and_labels
    fig = figures.latent_scatter_2d(codes[:, :2], labels, user_point=[0, 0], probe_point=[1, 1])
    clouds = [t for t in fig.data if t.mode == "markers" and t.legendgroup]
    shapes = [t.marker.symbol for t in clouds]
    assert len(clouds) == 10 and len(set(shapes)) == 10
    others = {t.marker.symbol for t in fig.data if t.name in (figures.USER_POINT_NAME,
                                                              figures.PROBE_POINT_NAME)}
    assert others == {"star", "x"} and not others & set(shapes)


@pytest.mark.parametrize("dims", [2, 3])
def test_both_maps_write_each_class_name_on_a_few_of_its_points(codes_and_labels, dims) -> None:
    codes, labels = codes_and_labels
    build = figures.latent_scatter_2d if dims == 2 else figures.latent_scatter_3d
    fig = build(codes[:, :dims], labels)
    written = _written_names(fig)
    assert set(written) == {str(c) for c in range(10)}
    for name, texts in written.items():
        assert 1 <= len(texts) <= figures.LABELS_PER_CLASS and set(texts) == {name}
    for trace in fig.data:
        if trace.mode == "text":  # on real points of its class, and never in a click's way
            rows = [np.flatnonzero((codes[:, :dims] == p).all(axis=1))[0]
                    for p in zip(*(getattr(trace, a) for a in "xyz"[:dims]))]
            assert {str(labels[r]) for r in rows} == {trace.legendgroup}
            assert trace.hoverinfo == "skip" and trace.showlegend is False


def test_a_long_class_name_is_written_once(codes_and_labels) -> None:
    codes, labels = codes_and_labels
    names = ["Ankle boot", *map(str, range(1, 10))]
    written = _written_names(figures.latent_scatter_2d(codes[:, :2], labels, class_names=names))
    assert written["Ankle boot"] == ["Ankle boot"] and len(written["1"]) > 1


def test_names_go_where_a_cloud_is_densest_and_apart() -> None:
    rng = np.random.default_rng(5)
    heart = rng.normal(0, 0.05, size=(60, 2))  # a tight cluster at the origin
    arm = np.column_stack([np.linspace(2, 6, 30), np.zeros(30)])  # and a sparse arm
    points = np.vstack([arm, heart])
    rows = figures.labelled_rows(points, np.arange(len(points)), count=3)
    assert np.linalg.norm(points[rows[0]]) < 0.2  # the first name at the heart
    spread = points / points.std(axis=0)
    gaps = [np.linalg.norm(spread[a] - spread[b]) for a, b in itertools.combinations(rows, 2)]
    assert len(rows) == 3 and min(gaps) >= figures.LABEL_APART
    assert figures.labelled_rows(points, np.array([4]), count=3).tolist() == [4]


def test_a_class_colour_as_a_background_gets_readable_text() -> None:
    for colour in figures.DIGIT_COLORS:
        assert figures.contrast(figures.text_color_on(colour), colour) >= 4.5, colour
    assert figures.text_color_on("#BD1F01") == "#FFFFFF"  # black on 2's red: 3.4:1
    # WCAG's own reference points: black on white is 21:1; #767676 is the lightest grey that
    # passes 4.5:1 on white, #777777 just fails.
    assert figures.contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert figures.contrast("#767676", "#FFFFFF") >= 4.5 > figures.contrast("#777777", "#FFFFFF")
