"""AppTest of the Denoising lab: chart, galleries, crosshair table and cross-over, and a broken model.

One session is walked once (a drawing, a new sigma, a batch of test digits) and a snapshot kept
of each step; the tests only read those snapshots, so they pass or fail alone and in any order.
"""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import ae_models.loading
from ae_models.data import dataset_available
from ae_models.registry import REGISTRY

from apptest_helpers import drawing_input, open_app

PAGE = "app_pages/denoise.py"
DEFAULT_TITLES = [REGISTRY[k].title for k in ("conv_denoise", "conv_crosshair", "conv", "dense")]
BASELINES = ["noisy input", "median 3x3", "Gaussian blur"]


def open_with_drawing() -> AppTest:
    """The Denoising lab in a new session whose current input is a drawn digit."""
    return open_app(PAGE, session_state={"current_input": drawing_input()})


def _chart(at: AppTest) -> dict[str, list]:
    """The PSNR chart's series: {trace name: y values}."""
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    return {trace["name"]: trace["y"] for trace in spec["data"]}


def _images(at: AppTest) -> list[str]:
    return [url for element in at.get("image") for url in element.value]


def _snapshot(at: AppTest) -> dict:
    return {
        "exception": [str(e.value) for e in at.exception],
        "errors": [str(e.value) for e in at.error],
        "chart": _chart(at),
        "images": _images(at),
        "tables": [t.value.copy() for t in at.table],
        "markdown": [str(m.value) for m in at.markdown],
        "captions": [str(c.value) for c in at.caption],
    }


@pytest.fixture(scope="module")
def runs() -> dict[str, dict]:
    """One session: the page with a drawing, then a new sigma, then a batch of test digits."""
    st.cache_data.clear()
    at = open_with_drawing()
    out = {"first": _snapshot(at)}
    at.slider(key="dn_sigma").set_value(0.9).run()
    out["sigma"] = _snapshot(at)
    at.button_group(key="dn_source").set_value("Test digits").run()
    out["batch"] = _snapshot(at)
    return out


def test_page_renders_everything_without_errors(runs):
    first = runs["first"]
    assert not first["exception"], first["exception"]
    assert not first["errors"], first["errors"]
    chart = first["chart"]
    expected = DEFAULT_TITLES + BASELINES + (["PCA-32"] if dataset_available("mnist") else [])
    assert list(chart) == expected
    assert all(len(v) == 11 for v in chart.values())
    assert chart["noisy input"][0] is None  # sigma 0: the clean digit itself, not plotted
    # The Gaussian specialist holds up under strong noise far better than doing nothing.
    assert chart["Denoising conv"][5] > chart["noisy input"][5] + 5
    # Two galleries (noise, crosshair) and the small preview of the digit.
    assert len(first["images"]) == 3
    # The crosshair table lists the input, every model and every baseline; the cross-over is 2x2.
    cross_table, crossover = first["tables"]
    assert len(cross_table) == 1 + len(DEFAULT_TITLES) + 2 + int(dataset_available("mnist"))
    assert crossover.shape == (2, 2)
    if not dataset_available("mnist"):
        assert any("PCA-32 baseline is left out" in c for c in first["captions"])


def test_crossover_shows_each_specialist_winning_its_own_corruption(runs):
    table = runs["first"]["tables"][1]
    values = table.map(lambda s: float(str(s).split()[0])) if table.dtypes.iloc[0] == object \
        else table
    assert values.iloc[0, 0] > values.iloc[1, 0]  # noise: the denoising conv wins
    assert values.iloc[1, 1] > values.iloc[0, 1]  # crosshair: the crosshair remover wins
    assert any("Each specialist wins on its own corruption" in m for m in runs["first"]["markdown"])


def test_sigma_changes_the_gallery_but_not_the_sweep(runs):
    first, sigma = runs["first"], runs["sigma"]
    assert not sigma["exception"] and not sigma["errors"]
    assert sigma["chart"] == first["chart"]
    assert sigma["images"][1] != first["images"][1]  # the noise gallery
    assert sigma["images"][2] == first["images"][2]  # the crosshair gallery did not change
    assert not first["tables"][1].equals(sigma["tables"][1])  # cross-over at the new sigma


def test_batch_of_test_digits_changes_the_sweep(runs):
    batch = runs["batch"]
    assert not batch["exception"] and not batch["errors"]
    assert list(batch["chart"]) == list(runs["first"]["chart"])
    assert batch["chart"]["Denoising conv"] != runs["first"]["chart"]["Denoising conv"]
    assert batch["images"][1] != runs["sigma"]["images"][1]


def test_broken_model_shows_an_error_and_the_rest_works(monkeypatch):
    real_load = ae_models.loading.load

    def load(key):
        if key == "conv_crosshair":
            raise ae_models.loading.ModelLoadError(key, "decoder.keras is missing")
        return real_load(key)

    monkeypatch.setattr(ae_models.loading, "load", load)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = open_with_drawing()
        assert not at.exception, [str(e.value) for e in at.exception]
        errors = [str(e.value) for e in at.error]
        assert len(errors) == 1 and "Crosshair remover" in errors[0], errors
        chart = _chart(at)
        assert "Crosshair remover" not in chart and "Denoising conv" in chart
        crossover = at.table[1].value
        assert crossover.shape == (1, 2)  # only the Gaussian specialist is left
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
