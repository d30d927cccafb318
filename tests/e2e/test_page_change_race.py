"""A teacher's Page Down leaves the Draw page just as its live models say "ready": the browser's
rerun of the Draw page's fragment reaches the server while the next page runs. Streamlit ran it
after that page, under the Draw page's id, and the browser cleared the new page (the lesson test
saw an empty page). `ui.streamlit_fixes` drops such a rerun; this plays the race at the protocol
level, where its timing can be forced.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.protocol_client import ProtocolSession

pytestmark = pytest.mark.browser
QUIET_S = 4.0  # after the new page's run: long enough for a queued rerun to have run


def test_a_rerun_from_the_page_just_left_does_not_empty_the_next(app_url) -> None:
    # A thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        pages, titles = thread.submit(asyncio.run,
                                      leave_the_draw_page_as_it_reruns(app_url)).result()
    home = pages["home"]
    assert pages["runs"] == [home], "a run under another page's id: the browser clears the page"
    assert "Autoencoder Lab" in titles


async def leave_the_draw_page_as_it_reruns(url: str) -> tuple[dict, list[str]]:
    """Open the Draw page, go to Home, and once Home's run has started send the rerun of the
    Draw page's canvas fragment (as the browser does, not yet told of the change). Returns the
    pages of the runs that followed, and the titles they drew."""
    tab = ProtocolSession(url, page="draw", fetch_media=False)
    await tab.open()
    try:
        stale = tab._rerun_msg(tab.canvas.fragment_id)  # under the Draw page's id
        go_home = BackMsg.FromString(tab._rerun_msg(""))  # every widget, no fragment
        go_home.rerun_script.page_script_hash = tab.pages[""]
        await tab.ws.send(go_home.SerializeToString())
        runs, titles, quiet_from = [], [], None
        while quiet_from is None or time.monotonic() - quiet_from < QUIET_S:
            try:
                raw = await asyncio.wait_for(tab.ws.recv(), timeout=QUIET_S)
            except TimeoutError:
                break
            msg = ForwardMsg.FromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                runs.append(msg.new_session.page_script_hash)
                if len(runs) == 1:
                    await tab.ws.send(stale)  # Home is running now
            elif kind == "delta" and msg.delta.new_element.WhichOneof("type") == "heading":
                titles.append(msg.delta.new_element.heading.body)
            elif kind == "script_finished" and quiet_from is None:
                quiet_from = time.monotonic()
        return {"home": tab.pages[""], "runs": runs}, titles
    finally:
        await tab.close()
