"""Class mode's pages, run headless with AppTest on a real SQLite store in a temporary folder.

The teacher's flow (start a class, the wall, pause, remove, clear, close, export, use a drawing)
and the pupil's (join by link, send, too fast, take back, wrong code), plus what hostile input
gets: a forged teacher key, a nickname full of HTML and Markdown, a malformed code.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile

import numpy as np
import pytest
from PIL import Image

from classroom.http_api import decode_image
from classroom.store import ClassStore, RoomSettings, StoreUnavailable

from apptest_helpers import assert_no_problems, drawing_input, open_app

CLASS_PAGE = "app_pages/class_room.py"
DRAW = "app_pages/draw.py"
HOSTILE = "<b>Jo</b>**x**:red[hi]"  # 22 characters: the name field takes at most 24


@pytest.fixture
def store(tmp_path, monkeypatch) -> ClassStore:
    """A SQLite store of its own; the app's pages find the same file through AE_CLASS_DIR."""
    monkeypatch.setenv("AE_CLASS_DIR", str(tmp_path / "class"))
    monkeypatch.delenv("AE_CLASS_DB_URL", raising=False)
    made = ClassStore()
    yield made
    made.dispose()


def start_class(**settings):
    """A teacher's session that pressed *Start a class* (with these settings); (session, code)."""
    at = open_app(CLASS_PAGE)
    for name, value in settings.items():
        at.toggle(key=f"class_{name}").set_value(value)
    at.button(key="class_start").click().run()
    assert_no_problems(at)
    return at, at.session_state["class_teaching"]


def digit_image(seed: int) -> np.ndarray:
    return drawing_input(seed).image


def send_as(store: ClassStore, code: str, nickname: str | None, digit: int | None, seed: int):
    """A pupil of their own sends one drawing straight to the store; returns its id."""
    pupil = store.join(code, nickname)
    return store.send(code, pupil, digit_image(seed), digit)


def html_text(at) -> str:
    return "\n".join(h.proto.body for h in at.html)


def tiles_data(at) -> dict:
    """What the wall hands its tiles component (`ui.class_tiles`): the browser draws it."""
    [element] = [e for e in at.get("bidi_component") if e.proto.component_name == "class_tiles"]
    return json.loads(element.proto.json)


def tile_labels(at) -> list[str]:
    return [t["label"] for section in tiles_data(at)["sections"] for t in section["tiles"]]


def click_tile(at, action: str, drawing_id: int):
    """A tile's *Use* or *Remove*, as class_tiles.js reports it (the component's state)."""
    at.session_state["class_tiles"] = {"action": {"do": action, "id": drawing_id,
                                                  "n": f"{action}-{drawing_id}"}}
    return at.run()


def visible_text(at) -> str:
    """Everything Markdown-like the page shows (where a nickname must never be)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [str(e.proto.body) for e in (*at.info, *at.warning, *at.error, *at.success)]
    return "\n".join(parts)


def pupil(code: str, **session):
    """A pupil's Draw page opened with the join link, a drawing already on the canvas."""
    return open_app(DRAW, query_params={"class": code},
                    session_state={"current_input": drawing_input(), **session})


def join(at, nickname: str = "Ana"):
    at.text_input(key="class_nickname").input(nickname)
    at.button(key="FormSubmitter:class_join-Join the class").click().run()
    assert_no_problems(at)
    return at


def numbers(values) -> list[float]:
    """A trace's coordinates: a JSON list, or the typed array Plotly writes for a numpy array."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), np.dtype(values["dtype"])).tolist()
    return list(values)


def shown(message) -> str:
    """An alert as the person reads it (the page escapes Markdown in sentences it passes on)."""
    return message.value.replace("\\", "")


def chart_spec(at, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


# --- the teacher ---------------------------------------------------------------------------------

def test_start_a_class_shows_the_code_the_link_and_keeps_the_key_private(store) -> None:
    at, code = start_class()
    key = at.session_state["teacher"]
    room = store.room(code)
    assert room is not None and room.settings == RoomSettings()
    store.check_teacher(code, key)  # the session holds the real key
    assert f'<div class="ae-room-code">{code}</div>' in html_text(at)
    codes = [c.value for c in at.code]
    assert any(c.endswith(f"/draw?class={code}") for c in codes), codes
    assert at.get("image"), "the QR code"
    expander = next(e for e in at.expander if "Teacher link" in e.label)
    assert [c.value for c in expander.code] == [v for v in codes if "teacher=" in v]
    assert f"class={code}&teacher={key}" in expander.code[0].value
    outside = [c for c in codes if c not in [x.value for x in expander.code]]
    assert outside and not any(key in c for c in outside)
    assert at.query_params.get("teacher") is None


def test_settings_reach_the_room(store) -> None:
    _, code = start_class(ask_nickname=False, ask_digit=False)
    settings = store.room(code).settings
    assert (settings.ask_nickname, settings.ask_digit) == (False, False)


def test_the_wall_shows_a_sent_drawing_with_its_reconstruction_and_code(store) -> None:
    from ae_models.loading import load
    from ae_models.map_scale import map_scale
    from ae_models import latent_maps
    from ae_models.artifacts import read_latents

    at, code = start_class()
    drawing_id = send_as(store, code, "Ana", 7, seed=1)
    at.run()
    assert_no_problems(at)
    tiles = tiles_data(at)
    assert ">1 pupil · 1 drawing<" in tiles["summary"]  # one of each: no plural
    [tile] = tiles["sections"][0]["tiles"]
    assert tile["id"] == drawing_id and tile["label"] == f"#{drawing_id} · Ana · a 7"
    # The tile's picture: the stored drawing beside the wall model's reconstruction.
    picture = np.asarray(Image.open(io.BytesIO(base64.b64decode(tile["png"]))), np.float32)
    rebuilt = load("ae_2d").reconstruct(store.drawings(code)[0].image)
    np.testing.assert_allclose(picture[::3, :84:3, 0] / 255, store.drawings(code)[0].image,
                               atol=0.5 / 255)
    np.testing.assert_allclose(picture[::3, 86::3, 0] / 255, rebuilt.reshape(28, 28),
                               atol=1 / 255)
    at.segmented_control(key="class_view").set_value("2-D map").run()
    assert_no_problems(at)
    spec = chart_spec(at)
    marker = next(t for t in spec["data"] if t.get("name") == "Class drawings")
    # Independent of the page: Keras's code of the stored drawing, drawn where the map draws it.
    expected = load("ae_2d").encode(store.drawings(code)[0].image)
    scale = map_scale(latent_maps.plot_points(read_latents("ae_2d"), 2))
    assert [numbers(marker["x"])[0], numbers(marker["y"])[0]] == pytest.approx(
        list(scale.to_display(expected.astype(np.float64))), abs=1e-4)


def test_every_view_draws(store) -> None:
    at, code = start_class()
    for seed, digit in enumerate((1, 7, None)):
        send_as(store, code, f"P{seed}", digit, seed=seed)
    at.run()
    for view in ("3-D space", "Hardest to rebuild", "Drawings"):
        at.segmented_control(key="class_view").set_value(view).run()
        assert_no_problems(at)
    at.segmented_control(key="class_order").set_value("By digit").run()
    assert_no_problems(at)
    titles = [section["title"] for section in tiles_data(at)["sections"]]
    assert titles == ["1 · 1", "7 · 1", "digit not said · 1"]


def test_pause_stops_pupils_and_resume_lets_them_send(store) -> None:
    at, code = start_class()
    pupil_id = store.join(code, "Ana")
    at.button(key="class_pause").click().run()
    assert store.room(code).paused and "sending paused" in tiles_data(at)["summary"]
    with pytest.raises(Exception, match="(?i)pause"):
        store.send(code, pupil_id, digit_image(0), 3)
    at.button(key="class_resume").click().run()
    assert not store.room(code).paused
    store.send(code, pupil_id, digit_image(0), 3)


def test_remove_clear_and_close(store) -> None:
    at, code = start_class()
    first, second = (send_as(store, code, name, 3, seed=i) for i, name in enumerate("AB"))
    at.run()
    click_tile(at, "remove", first)
    assert [d.id for d in store.drawings(code)] == [second]
    assert [t["id"] for t in tiles_data(at)["sections"][0]["tiles"]] == [second]
    at.button(key="class_clear").click().run()
    assert store.drawings(code) == [] and store.pupil_count(code) == 2
    assert_no_problems(at)
    at.button(key="class_close").click().run()
    assert store.room(code) is None
    assert "teacher" not in at.session_state and at.button(key="class_start")
    assert any("is closed" in s.value for s in at.success)


def test_use_makes_a_wall_drawing_the_input_of_the_other_pages(store) -> None:
    at, code = start_class()
    drawing_id = send_as(store, code, "Ana <i>", 4, seed=2)
    at.run()
    click_tile(at, "use", drawing_id)
    current = at.session_state["current_input"]
    np.testing.assert_array_equal(current.image, store.drawings(code)[0].image)
    assert current.source == f"class drawing #{drawing_id} by Ana i"  # no markup in captions
    at.switch_page(DRAW).run()
    assert_no_problems(at)
    assert any(f"class drawing #{drawing_id} by Ana i" in str(i.proto) for i in at.get("image"))


def test_a_tile_action_naming_no_drawing_of_the_wall_is_refused_plainly(store) -> None:
    at, code = start_class()
    kept = send_as(store, code, "Ana", 4, seed=2)
    at.run()
    for action, drawing_id in (("use", 99999), ("use", [1]), ("remove", "x"), ("remove", 99999)):
        click_tile(at, action, drawing_id)
        assert not at.exception
        assert [d.id for d in store.drawings(code)] == [kept], "nothing removed"
        assert at.error, f"{action} {drawing_id!r}: no message"
    assert "current_input" not in at.session_state or \
        at.session_state["current_input"].source != f"class drawing #{kept}"


def test_a_click_on_a_class_marker_makes_it_the_input(store) -> None:
    at, code = start_class()
    ids = [send_as(store, code, name, 1, seed=i) for i, name in enumerate("AB")]
    at.run()
    at.segmented_control(key="class_view").set_value("2-D map").run()
    trace = [t.get("name") for t in chart_spec(at)["data"]].index("Class drawings")
    at.session_state["class_map"] = {"selection": {
        "points": [{"curve_number": trace, "point_index": 1, "x": 0.0, "y": 0.0}],
        "point_indices": [1], "box": [], "lasso": []}}
    at.run()
    assert_no_problems(at)
    assert at.session_state["current_input"].source == f"class drawing #{ids[0]} by A"


def test_export_holds_every_drawing_as_png_and_a_csv_of_codes_and_errors(store) -> None:
    from ae_models.loading import load
    from ae_models.metrics import mse
    from ui import class_results

    code = store.create_room()[0].code
    send_as(store, code, "=HYPERLINK(1)", 2, seed=3)
    send_as(store, code, None, None, seed=4)
    drawings = store.drawings(code)
    model = load("ae_2d")
    results = class_results.per_drawing({}, "t", drawings, class_results.reconstructions(model))
    archive = zipfile.ZipFile(io.BytesIO(class_results.export_zip(drawings, results, "ae_2d",
                                                                   code)))
    rows = archive.read(f"class-{code}.csv").decode().splitlines()
    assert rows[0].split(",")[:7] == ["id", "file", "nickname", "digit", "sent_at_utc", "model",
                                      "mse"]
    for drawing, row in zip(drawings, rows[1:]):
        cells = row.split(",")
        pixels = np.asarray(Image.open(io.BytesIO(archive.read(cells[1]))), np.float32) / 255
        np.testing.assert_allclose(pixels, drawing.image, atol=0.5 / 255)
        rebuilt = model.reconstruct(drawing.image)
        assert float(cells[6]) == pytest.approx(mse(drawing.image, rebuilt), abs=1e-5)
        assert [float(v) for v in cells[7:9]] == pytest.approx(model.encode(drawing.image),
                                                               abs=1e-4)
    # A spreadsheet shows it, never runs it. (The page's button: tests/e2e/test_class_browser.py.)
    assert "'=HYPERLINK(1)" in rows[1:][[d.nickname for d in drawings].index("=HYPERLINK(1)")]


def test_a_teacher_link_opens_the_wall_and_leaves_the_address_bar(store) -> None:
    room, key = store.create_room()
    at = open_app(CLASS_PAGE, query_params={"class": room.code, "teacher": key})
    assert_no_problems(at)
    assert at.button(key="class_pause") and at.query_params.get("teacher") is None
    assert at.query_params.get("class") == room.code


def test_a_forged_teacher_key_gets_a_plain_refusal(store) -> None:
    room, _ = store.create_room()
    send_as(store, room.code, "Ana", 1, seed=0)
    at = open_app(CLASS_PAGE, query_params={"class": room.code, "teacher": "forged-key-123"})
    assert not at.exception
    assert at.error and "key" in at.error[0].value.lower()
    assert not [b for b in at.button if b.key and b.key.startswith("class_pause")]
    assert not [e for e in at.get("bidi_component") if e.proto.component_name == "class_tiles"]
    assert at.button(key="class_start"), "the page still works: a new class can be started"
    assert store.drawings(room.code), "nothing was touched"


def test_another_rooms_key_does_not_open_this_room(store) -> None:
    room, _ = store.create_room()
    _, other_key = store.create_room()
    at = open_app(CLASS_PAGE, query_params={"class": room.code, "teacher": other_key})
    assert at.error and not at.exception
    assert not [b for b in at.button if b.key == "class_pause"]


def test_the_wall_says_it_is_reconnecting_when_the_store_is_unavailable(store, monkeypatch) -> None:
    at, code = start_class()

    def unavailable(*args, **kwargs):
        raise StoreUnavailable("database is locked")

    answering = {name: getattr(ClassStore, name) for name in ("drawings", "version")}
    # A new drawing: the wall reads the room again, and the database is locked meanwhile.
    send_as(store, code, "Ana", 1, seed=0)
    monkeypatch.setattr(ClassStore, "drawings", unavailable)
    at.run()
    assert not at.exception
    assert any("Reconnecting" in w.value for w in at.warning)
    monkeypatch.setattr(ClassStore, "version", unavailable)  # the whole database
    at.run()
    assert not at.exception
    assert any("Reconnecting" in w.value for w in at.warning)
    for name, method in answering.items():
        monkeypatch.setattr(ClassStore, name, method)
    at.run()
    assert not at.warning and len(tile_labels(at)) == 1, "back once the store answers"


def test_the_class_page_warns_when_pupils_sends_have_nowhere_to_go(store, monkeypatch) -> None:
    from classroom import http_api

    monkeypatch.setattr(http_api, "_serving", False)  # `streamlit run app.py`
    at = open_app(CLASS_PAGE)
    assert any("streamlit run lab.py" in w.value for w in at.warning)
    monkeypatch.setattr(http_api, "_serving", True)  # `streamlit run lab.py`
    assert not open_app(CLASS_PAGE).warning


# --- the pupil ------------------------------------------------------------------------------

def send_data(at) -> dict:
    """What the page hands the pupil's Send component (`ui.class_send`): the browser posts it."""
    [element] = [e for e in at.get("bidi_component") if e.proto.component_name == "class_send"]
    return json.loads(element.proto.json)


def post_send(store: ClassStore, data: dict):
    """The browser's click: the component's data, posted to the endpoint as class_send.js does."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from classroom import http_api

    client = TestClient(Starlette(routes=http_api.routes(lambda: store)))
    return client.post("/api/class/send", json={key: data[key]
                                                for key in ("code", "pupil", "image", "digit")})


def test_a_pupil_joins_by_link_and_sends_the_servers_drawing(store) -> None:
    _, code = start_class()
    at = join(pupil(code))
    assert f"In class {code} as Ana" in html_text(at)
    assert store.pupil_count(code) == 1
    data = send_data(at)
    assert (data["code"], data["blocked"]) == (code, "Choose the digit you drew.")
    at.pills(key="class_digit").set_value(7).run()
    assert_no_problems(at)
    data = send_data(at)
    assert (data["digit"], data["blocked"], data["sent"]) == (7, None, [])
    np.testing.assert_array_equal(decode_image(data["image"]),
                                  at.session_state["current_input"].image)
    answer = post_send(store, data)
    [stored] = store.drawings(code)
    assert answer.json() == {"id": stored.id}
    np.testing.assert_array_equal(stored.image, at.session_state["current_input"].image)
    assert (stored.digit, stored.nickname) == (7, "Ana")


def test_nothing_is_sent_without_the_click(store) -> None:
    _, code = start_class(ask_digit=False)
    at = join(pupil(code))
    at.run()
    assert store.drawings(code) == []
    assert send_data(at)["blocked"] is None


def test_a_pupil_without_a_drawing_is_asked_for_one(store) -> None:
    room, _ = store.create_room(RoomSettings(ask_nickname=False, ask_digit=False))
    at = open_app(DRAW, query_params={"class": room.code})  # an empty canvas
    assert_no_problems(at)
    data = send_data(at)
    assert (data["image"], data["blocked"]) == (None, "Draw a digit first.")


def test_a_paused_class_tells_the_pupil(store) -> None:
    room, key = store.create_room(RoomSettings(ask_nickname=False, ask_digit=False))
    store.set_paused(room.code, key, True)
    at = pupil(room.code)
    assert any("paused" in i.value for i in at.info)
    answer = post_send(store, send_data(at))
    assert answer.status_code == 409 and store.drawings(room.code) == []


def test_a_wrong_code_says_so_and_the_page_keeps_working(store) -> None:
    at = pupil("ZZZZ")
    assert_no_problems(at)
    assert any("no open class with the code ZZZZ" in w.value for w in at.warning)
    assert at.get("image"), "the Draw page still shows the input and the reconstructions"
    at.button(key="class_leave").click().run()
    assert "class" not in at.query_params and not at.warning


def test_a_code_that_cannot_be_one_is_not_echoed(store) -> None:
    at = pupil("<script>alert(1)</script>")
    assert_no_problems(at)
    assert any("not a code" in w.value for w in at.warning)
    assert "script" not in visible_text(at) + html_text(at)


def test_a_nickname_of_html_and_markdown_is_shown_as_plain_text(store) -> None:
    at, code = start_class()
    kid = join(pupil(code), HOSTILE)
    kid.pills(key="class_digit").set_value(1).run()
    assert post_send(store, send_data(kid)).status_code == 200
    stored = store.drawings(code)[0].nickname
    assert stored == HOSTILE
    for session in (kid, at.run()):
        assert stored not in visible_text(session)  # never through Markdown
        shown = html_text(session)
        assert "<b>Jo</b>" not in shown
    assert "&lt;b&gt;Jo&lt;/b&gt;" in html_text(kid)
    # The wall's tiles get it as a label, which class_tiles.js shows as text (browser test).
    assert tile_labels(at) == [f"#{store.drawings(code)[0].id} · {HOSTILE} · a 1"]
    assert "Jo" not in tiles_data(at)["summary"]
    at.segmented_control(key="class_view").set_value("2-D map").run()
    marker = next(t for t in chart_spec(at)["data"] if t.get("name") == "Class drawings")
    assert "&lt;b&gt;Jo" in marker["text"][0] and "<b>" not in marker["text"][0]


def test_a_pupils_strokes_read_the_room_once_in_a_while(store, monkeypatch) -> None:
    """The panel runs with every stroke: the room is read again only after ROOM_FRESH_S."""
    from ui import class_session

    monkeypatch.setattr(class_session, "ROOM_FRESH_S", 60.0)  # a slow machine stays within it
    teacher, code = start_class()
    kid = join(pupil(code))
    reads = []
    original = ClassStore.room
    monkeypatch.setattr(ClassStore, "room", lambda self, c: reads.append(c) or original(self, c))
    for seed in range(5):
        kid.session_state["current_input"] = drawing_input(seed)
        kid.run()
    assert reads == [], "read when the pupil joined, not since"
    store.set_paused(code, teacher.session_state["teacher"], True)
    kid.run()
    assert not kid.info, "the page shows the room as it was read"
    monkeypatch.setattr(class_session, "ROOM_FRESH_S", 0.0)  # as if the time had passed
    kid.run()
    assert any("paused" in i.value for i in kid.info)


def test_a_room_without_names_seats_the_pupil_at_once(store) -> None:
    _, code = start_class(ask_nickname=False)
    at = pupil(code)
    assert f"In class {code}</p>" in html_text(at)
    assert not at.text_input and store.pupil_count(code) == 1


def test_a_code_typed_on_the_class_page_opens_the_draw_page_in_that_class(store) -> None:
    room, _ = store.create_room()
    at = open_app(CLASS_PAGE)
    at.text_input(key="class_code").input(room.code.lower()[:2] + " " + room.code[2:])
    at.button(key="class_join_button").click().run()
    assert_no_problems(at)
    assert at.text_input(key="class_nickname") is not None
    assert at.session_state["class"] == room.code


# --- after a reload, or a reconnection to another app process -------------------------------

def browser_cookies(monkeypatch, cookies: dict[str, list[str]]) -> None:
    """What the browser's cookies hold when the new session starts (AppTest has no browser)."""
    from ui import class_cookies

    monkeypatch.setattr(class_cookies, "read", lambda name: cookies.get(name))


def test_a_pupils_browser_finds_its_seat_and_drawings_again(store, monkeypatch) -> None:
    from ui.class_cookies import PUPIL, encode_text

    _, code = start_class()
    pupil_id = store.join(code, "Ana")
    drawing_id = store.send(code, pupil_id, digit_image(5), 2)
    send_as(store, code, "Ben", 3, seed=6)  # someone else's: not listed as hers
    browser_cookies(monkeypatch, {PUPIL: [code, pupil_id, encode_text("Ana")]})
    at = pupil(code)
    assert_no_problems(at)
    assert f"In class {code} as Ana" in html_text(at) and not at.text_input
    assert [d["id"] for d in send_data(at)["sent"]] == [drawing_id]
    assert send_data(at)["pupil"] == pupil_id
    assert store.pupil_count(code) == 2, "no second seat"


def test_a_teachers_browser_reopens_the_wall_and_forgets_a_closed_class(store, monkeypatch) -> None:
    from ui.class_cookies import TEACHER

    room, key = store.create_room()
    browser_cookies(monkeypatch, {TEACHER: [room.code, key]})
    at = open_app(CLASS_PAGE)
    assert_no_problems(at)
    assert at.button(key="class_pause")
    store.close(room.code, key)
    at = open_app(CLASS_PAGE)
    assert_no_problems(at)  # no refusal to read: this browser's old class is simply gone
    assert at.button(key="class_start") and "teacher" not in at.session_state


def test_behind_serve_a_teacher_reloads_once_to_reach_the_walls_process(store, monkeypatch) -> None:
    """In deploy/serve.py's app processes nginx sends a browser holding the teacher cookie to the
    wall's own process: the page that sets the cookie reloads (if the browser kept it); a page
    opened with the cookie, or served without that split, does not."""
    from ui import class_teacher
    from ui.class_cookies import TEACHER

    monkeypatch.setattr(class_teacher, "WALL_ELSEWHERE", True)
    at, code = start_class()
    [script] = [h for h in html_text(at).splitlines() if "document.cookie" in h]
    assert f"{TEACHER}={code}." in script and "location.reload()" in script
    assert f"startsWith('{TEACHER}=')" in script  # only once the browser holds it
    assert at.get("bidi_component"), "the wall is drawn meanwhile"
    browser_cookies(monkeypatch, {TEACHER: [code, at.session_state["teacher"]]})
    again = open_app(CLASS_PAGE)
    assert again.button(key="class_pause") and "document.cookie" not in html_text(again)
    monkeypatch.setattr(class_teacher, "WALL_ELSEWHERE", False)
    browser_cookies(monkeypatch, {})
    at, code = start_class()
    assert f"{TEACHER}={code}." in html_text(at) and "location.reload" not in html_text(at)


# --- the pieces under the pages ------------------------------------------------------------------

def test_links_start_from_the_address_the_teacher_sees() -> None:
    from ui import class_links

    base = class_links.app_base("http://10.0.0.5:8080/lab/class?presenter=true")
    assert base == "http://10.0.0.5:8080/lab"  # a path prefix (a proxy's) is kept
    assert class_links.join_url(base, "K7QX") == "http://10.0.0.5:8080/lab/draw?class=K7QX"
    assert class_links.teacher_url(base, "K7QX", "a-b_c") == \
        "http://10.0.0.5:8080/lab/class?class=K7QX&teacher=a-b_c"
    local = class_links.app_base("http://localhost:8501/class")
    assert class_links.reachable_base(local, "192.168.1.20") == "http://192.168.1.20:8501"
    assert class_links.reachable_base(base, "192.168.1.20") == base  # not loopback: unchanged
    assert class_links.reachable_base(local, None) == local and class_links.is_loopback(local)


def test_the_model_runs_once_per_new_drawing_in_one_batch() -> None:
    from classroom.store import Drawing
    from ui import class_results

    class CountingModel:
        def __init__(self) -> None:
            self.batches: list[int] = []

        def encode(self, images):
            self.batches.append(len(images))
            return images.reshape(len(images), -1)[:, :2] + 1.0

        def decode(self, codes):
            return np.zeros((len(codes), 28, 28), np.float32)

    def drawing(i: int) -> Drawing:
        return Drawing(i, "p", None, None, np.full((28, 28), i / 10, np.float32), float(i))

    cache, model = {}, CountingModel()
    compute = class_results.reconstructions(model)
    first = class_results.per_drawing(cache, "m", [drawing(1), drawing(2), drawing(3)], compute)
    again = class_results.per_drawing(cache, "m", [drawing(4), drawing(1), drawing(3)], compute)
    assert model.batches == [3, 1]  # one batch, then only the new drawing
    assert again[1] is first[0] and set(cache) == {("m", 1), ("m", 3), ("m", 4)}  # 2 left
    assert again[0].error == pytest.approx(0.16) and list(again[0].code) == [1.4, 1.4]


def test_text_from_pupils_stays_text() -> None:
    from ui.class_session import escape_markdown, plain_html, safe_label

    assert plain_html("<img src=x onerror=alert(1)>") == \
        "<span>&lt;img src=x onerror=alert(1)&gt;</span>"
    assert escape_markdown("**a** :red[b] $c$") == r"\*\*a\*\* \:red\[b\] \$c\$"
    assert safe_label("<b>Zoé</b> **x** :red[y]") == "bZoéb x redy"
