"""Two people on one server at the same time: each sees only their own drawing and results."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from browser_actions import (assert_clean, draw_digit, go_to, image_sources, open_page,
                             server_path_only, wait_for_change)

pytestmark = pytest.mark.browser
N_DEFAULT_MODELS = 4  # ui.widgets.DEFAULT_MODELS
INPUT = "What the models see"


def ink_shape(page, src: str) -> float:
    """Width over height of the ink in the 28x28 input the page shows: about 0.3 for a 1, 0.8 for a 7."""
    png = page.request.get(src).body()
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"), np.float32)
    rows, cols = np.flatnonzero(pixels.max(axis=1) > 64), np.flatnonzero(pixels.max(axis=0) > 64)
    assert rows.size and cols.size, "the input image is empty"
    return (cols[-1] - cols[0] + 1) / (rows[-1] - rows[0] + 1)


@pytest.fixture
def second_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


def test_two_sessions_drawing_at_once_see_only_their_own_digit(page, second_page, app_url):
    alice, bob = page, second_page
    for tab in (alice, bob):  # session isolation is the server's: its pictures are compared
        server_path_only(tab)
    open_page(alice, app_url, "draw")
    open_page(bob, app_url, "draw")
    # Both strokes go to the server before either result comes back: the two script runs overlap.
    draw_digit(alice, 1)
    draw_digit(bob, 7)
    alice_results = wait_for_change(alice, "Reconstruction", [], count=N_DEFAULT_MODELS)
    bob_results = wait_for_change(bob, "Reconstruction", [], count=N_DEFAULT_MODELS)

    alice_input, bob_input = image_sources(alice, INPUT), image_sources(bob, INPUT)
    assert len(alice_input) == len(bob_input) == 1
    assert alice_input != bob_input
    assert ink_shape(alice, alice_input[0]) < 0.5 < ink_shape(bob, bob_input[0])  # a 1 and a 7
    assert not set(alice_results) & set(bob_results), "one session shows the other's reconstructions"

    # Bob draws again; Alice's page does not change, and her drawing follows only her.
    draw_digit(bob, 0)
    wait_for_change(bob, "Reconstruction", bob_results, count=N_DEFAULT_MODELS)
    assert image_sources(alice, INPUT) == alice_input
    assert image_sources(alice, "Reconstruction") == alice_results
    go_to(alice, "Latent space 2-D")
    alice.get_by_text("Your digit").first.wait_for()
    assert alice.get_by_text("No drawing yet").count() == 0
    for tab in (alice, bob):
        assert_clean(tab)
