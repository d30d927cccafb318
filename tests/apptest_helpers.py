"""Shared bits for AppTest-based tests: open a page, inject a drawing, read images back.

Every AppTest of the app is made by `open_app`, so all of them share one timeout and one way of
setting up a session (query parameters, session state, the page) before its first run.
"""

from __future__ import annotations

import base64
import importlib
import io
import json
import pkgutil
from pathlib import Path
from typing import Any, Mapping

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 300  # the first run loads TensorFlow and models: slow on a busy 2-core machine


def open_app(page: str | None = None, *, query_params: Mapping[str, str] | None = None,
             session_state: Mapping[str, Any] | None = None, run: bool = True):
    """A fresh session of the app, opened straight on `page` (None: the home page).

    Query parameters (a shared link) and session state are set before the first run, as a browser
    would bring them; `run=False` returns the session unrun, for a test that sets up more first.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    for name, value in (query_params or {}).items():
        at.query_params[name] = value
    for name, value in (session_state or {}).items():
        at.session_state[name] = value
    if page:
        at._page_hash = deep_link_hash(page)  # straight to the page, as a link to its URL does
    return at.run() if run else at


def deep_link_hash(page: str) -> str:
    """The script hash Streamlit gives `page` (its `url_path`, from the app's table of pages).

    `AppTest.switch_page` before the first run hashes the file name instead, which names no page
    when the URL differs (latent_2d.py is /latent-2d, train_live.py is /train): the app then
    silently shows Home. Running Home first would fix that, but a link opens the page without
    Home, so the hash is set as a link would set it (guarded by tests/test_apptest_helpers.py).
    """
    from streamlit.util import calc_hash

    from ui.navigation import HOME, PAGES

    url_paths = {info.script: info.url_path for info in PAGES}
    if page not in url_paths:
        raise ValueError(f"{page!r} is not a page of the app (see ui/navigation.py)")
    return "" if page == HOME.script else calc_hash(url_paths[page])  # "": the default page


def train_live_model(code_size: int = 4, at=None):
    """A session (a new one unless given) that trained its own small model on Train it live:
    1,000 images, 3 epochs, a few seconds."""
    at = at if at is not None else open_app()
    at.switch_page("app_pages/train_live.py").run()
    at.select_slider(key="live_code").set_value(code_size)
    at.select_slider(key="live_n").set_value(1000)
    at.slider(key="live_epochs").set_value(3)
    at.button(key="live_train").click().run()
    assert_no_problems(at)
    assert at.session_state["live_model"].spec.code_shape == (code_size,)
    return at


def assert_no_problems(at) -> None:
    """No exception and no error card on the page (their texts are the failure message)."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def replace_in_app(monkeypatch, name: str, fake) -> None:
    """Make `fake` the app's `ui.model_cache.<name>` (get_model, metrics, ...), for this test only.

    Some ui modules bind these by name when first imported: patching only `ui.model_cache` would
    miss them, or, when a module is first imported while the patch is on, leave the fake in it for
    every later test of the process. So every ui module is imported first, and each binding of the
    real function is replaced (and restored by monkeypatch).
    """
    import ui
    import ui.model_cache

    real = getattr(ui.model_cache, name)
    modules = [importlib.import_module(info.name)  # all of them before the first patch
               for info in pkgutil.iter_modules(ui.__path__, "ui.")]
    for module in modules:
        if getattr(module, name, None) is real:
            monkeypatch.setattr(module, name, fake)


def replace_model_lookup(monkeypatch, fake) -> None:
    """`fake(key) -> ModelStatus` as the app's model lookup, for this test only."""
    replace_in_app(monkeypatch, "get_model", fake)


def drawing_input(seed: int = 3):
    """A canvas-style digit as the session's current input, as if it had just been drawn."""
    from ae_models.data import canvas_style_digits
    from ui.state import CurrentInput

    image = canvas_style_digits(1, seed=seed)[0][0].astype(np.float32) / 255
    return CurrentInput(image, "drawing")


def canvas_value(rgba: np.ndarray) -> dict:
    """The value the drawing canvas sends to Python after a stroke (a PNG data URL)."""
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, "PNG")
    data = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    return {"drawing": {"raw": {"objects": []}, "data": data}, "backgroundFit": None}


def drawn_digit(digit: int = 3, seed: int = 0) -> np.ndarray:
    from ae_models.data import draw_stroke_digit

    return draw_stroke_digit(digit, np.random.default_rng(seed))


def images_with_caption(at, caption: str) -> list:
    return [img for img in at.get("image") if caption in str(img.proto)]


def png_bytes(array: np.ndarray, fmt: str = "PNG", **save_args) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, fmt, **save_args)
    return buf.getvalue()


def image_urls(at, caption: str) -> list[str]:
    """Media URLs of the images with this caption: they are content hashes, so they change with the pixels."""
    import re

    return [re.search(r'url: "([^"]+)"', str(img.proto)).group(1)
            for img in images_with_caption(at, caption)]


def component_data(at, name: str) -> dict:
    """The data the Components v2 component `name` was handed in the last run."""
    [element] = [e for e in at.get("bidi_component") if e.proto.component_name == name]
    return json.loads(element.proto.json)


def send_trigger(at, name: str, event: str, value: Any):
    """The component `name`'s script sending the trigger value `event` (a click on it, say),
    then the rerun that follows, as Streamlit's frontend sends it."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    [element] = [e for e in at.get("bidi_component") if e.proto.component_name == name]
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = _make_trigger_id(element.proto.id, "events")
    state.json_trigger_value = json.dumps([{"event": event, "value": value}])
    return at._run(states)


def plane_codes(at) -> np.ndarray:
    """The codes the 2-D page's map draws (`ui.latent_plane`: float32 bytes), as (x, y) rows."""
    raw = base64.b64decode(component_data(at, "latent_plane")["codes"])
    return np.frombuffer(raw, "<f4").reshape(-1, 2).astype(np.float64)
