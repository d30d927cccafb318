"""Bad uploads through the real upload path of the Draw page: a clear message, never a crash.

Each test opens its own session in Upload mode, so no case sees what an earlier upload left.
"""

from __future__ import annotations

import pytest
from PIL import Image

from apptest_helpers import images_with_caption, open_app
from upload_cases import CASES, digit_on_paper, encode

MIME = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif"}


@pytest.fixture
def at():
    """The Draw page in a new session, switched to Upload, nothing uploaded yet."""
    at = open_app("app_pages/draw.py")
    at.button_group(key="input_mode").set_value("Upload").run()
    assert at.get("file_uploader"), "the upload mode shows a file uploader"
    assert "current_input" not in at.session_state
    return at


def upload(at, name: str, data: bytes):
    mime = MIME.get(name.rsplit(".", 1)[-1], "application/octet-stream")
    at.get("file_uploader")[0].set_value((name, data, mime))
    return at.run()


@pytest.mark.parametrize("case", list(CASES))
def test_each_bad_upload_gets_a_clear_message(at, case):
    name, data, expected = CASES[case]
    upload(at, name, data)
    assert not at.exception, f"{case}: an exception reached the page"
    if expected == "error":
        assert at.error and name in at.error[0].value, f"{case}: no error naming {name}"
    elif expected == "warning":
        assert at.warning and "nothing to see" in at.warning[0].value.lower()
    else:
        assert not at.error, f"{case}: unexpected error {at.error[0].value if at.error else ''}"
        assert at.session_state["current_input"].source == f"upload: {name}"
    if case == "animated gif":
        assert any("first frame" in i.value for i in at.info)


def test_the_app_keeps_working_after_bad_uploads(at):
    upload(at, "cut.png", CASES["truncated png"][1])
    assert at.error
    upload(at, "good.png", encode(Image.fromarray(digit_on_paper()), "PNG"))
    assert not at.error and not at.exception
    assert len(images_with_caption(at, "Reconstruction")) >= 1
