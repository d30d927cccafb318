"""Class mode's HTTP endpoints (`classroom.http_api`): a pupil's send and take-back, through
Starlette's test client on a real SQLite store, with what hostile requests get.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from apptest_helpers import REPO
from starlette.applications import Starlette
from starlette.testclient import TestClient

from classroom import http_api
from classroom.store import ClassStore, RoomSettings, StoreUnavailable
from classroom.http_api import decode_image, encode_image

SEND, WITHDRAW = "/api/class/send", "/api/class/withdraw"


@pytest.fixture
def store(tmp_path) -> ClassStore:
    made = ClassStore(f"sqlite:///{tmp_path / 'class.sqlite3'}")
    yield made
    made.dispose()


@pytest.fixture
def client(store) -> TestClient:
    return TestClient(Starlette(routes=http_api.routes(lambda: store)))


def drawing(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((28, 28), dtype=np.float32)


def room_with_pupil(store: ClassStore, **settings) -> tuple[str, str, str]:
    """(code, teacher key, a pupil's token) of a new room."""
    room, key = store.create_room(RoomSettings(min_send_interval_s=0, **settings))
    return room.code, key, store.join(room.code, "Ana")


def send(client: TestClient, code: str, pupil: str, image=None, digit=None, **extra):
    body = {"code": code, "pupil": pupil, "digit": digit,
            "image": encode_image(drawing() if image is None else image), **extra}
    return client.post(SEND, json=body)


def test_a_send_stores_exactly_the_drawing_and_says_its_id(client, store) -> None:
    code, _, pupil = room_with_pupil(store, ask_digit=True)
    image = drawing(3)
    answer = send(client, code, pupil, image, digit=7)
    assert answer.status_code == 200
    [stored] = store.drawings(code)
    assert answer.json() == {"id": stored.id}
    np.testing.assert_array_equal(stored.image, image)
    assert (stored.digit, stored.nickname) == (7, "Ana")


def test_a_pupil_takes_back_their_own_drawing_only(client, store) -> None:
    code, _, ana = room_with_pupil(store)
    ben = store.join(code, "Ben")
    mine = send(client, code, ana).json()["id"]
    theirs = send(client, code, ben).json()["id"]
    refused = client.post(WITHDRAW, json={"code": code, "pupil": ana, "id": theirs})
    assert refused.status_code == 409 and "not yours" in refused.json()["error"]
    taken = client.post(WITHDRAW, json={"code": code, "pupil": ana, "id": mine})
    assert taken.status_code == 200 and taken.json() == {"id": mine}
    assert [d.id for d in store.drawings(code)] == [theirs]


@pytest.mark.parametrize("who", ["forged", "other room"])
def test_only_a_pupil_of_the_room_can_send(client, store, who) -> None:
    code, _, _ = room_with_pupil(store)
    other_code, _, other_pupil = room_with_pupil(store)
    pupil = "A" * 22 if who == "forged" else other_pupil
    answer = send(client, code, pupil)
    assert answer.status_code == 409
    assert "not in this class" in answer.json()["error"]
    assert store.drawings(code) == [] and store.drawings(other_code) == []


def test_without_a_seat_every_code_gets_the_same_answer(client, store) -> None:
    """The endpoints are no oracle: a guesser cannot tell open codes from closed or unknown."""
    open_code, key, pupil = room_with_pupil(store)
    closed_code, closed_key, closed_pupil = room_with_pupil(store)
    drawing_id = send(client, open_code, pupil).json()["id"]
    store.close(closed_code, closed_key)
    forged = "A" * 22
    answers = set()
    for code in (open_code, closed_code, "ZZZZ", "not a code", 42):
        for who in (forged, closed_pupil, None):
            for path, extra in ((SEND, {"image": encode_image(drawing())}),
                                (WITHDRAW, {"id": drawing_id})):
                answer = client.post(path, json={"code": code, "pupil": who, **extra})
                answers.add((answer.status_code, answer.json()["error"]))
    assert answers == {(409, http_api.NOT_SEATED)}
    assert [d.id for d in store.drawings(open_code)] == [drawing_id]


@pytest.mark.parametrize("image", [
    "not base64!", 42, None, base64.b64encode(b"\0" * 100).decode(),
    encode_image(np.full((28, 28), np.nan, np.float32)),
    encode_image(np.full((28, 28), 2.0, np.float32)),
])
def test_a_malformed_drawing_is_refused_with_a_sentence(client, store, image) -> None:
    code, _, pupil = room_with_pupil(store)
    answer = client.post(SEND, json={"code": code, "pupil": pupil, "image": image})
    assert answer.status_code == 409
    assert answer.json()["error"].startswith("This drawing cannot be sent")
    assert store.drawings(code) == []


@pytest.mark.parametrize("headers, body, status", [
    ({"Content-Type": "text/plain"}, "{}", 415),  # what a form on another site could send
    ({"Content-Type": "application/x-www-form-urlencoded"}, "code=K7QX", 415),
    ({"Content-Type": "application/json"}, "{not json", 400),
    ({"Content-Type": "application/json"}, "[1, 2]", 400),
    ({"Content-Type": "application/json"}, json.dumps({"pad": "x" * 20_000}), 413),
])
def test_requests_that_are_not_a_send_are_refused(client, store, headers, body, status) -> None:
    answer = client.post(SEND, content=body, headers=headers)
    assert answer.status_code == status and answer.json()["error"]
    assert client.get(SEND).status_code == 405


def test_no_other_site_is_allowed_to_post(client) -> None:
    """A cross-site JSON post needs the server's yes to the browser's preflight: never given."""
    preflight = client.options(SEND, headers={"Origin": "https://evil.example",
                                              "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


def test_the_rooms_limits_hold(client, store) -> None:
    room, key = store.create_room(RoomSettings(min_send_interval_s=60))
    pupil = store.join(room.code, None)
    assert send(client, room.code, pupil).status_code == 200
    too_fast = send(client, room.code, pupil)
    assert too_fast.status_code == 409 and too_fast.json()["error"].startswith("Wait")
    store.set_paused(room.code, key, True)
    paused = send(client, room.code, store.join(room.code, None))
    assert paused.status_code == 409 and "paused" in paused.json()["error"]
    store.close(room.code, key)
    closed = send(client, room.code, pupil)
    assert closed.status_code == 409 and len(closed.json()["error"]) < 200


def test_a_busy_database_says_not_sent(client, store, monkeypatch) -> None:
    code, _, pupil = room_with_pupil(store)

    def busy(*args, **kwargs):
        raise StoreUnavailable("database is locked")

    monkeypatch.setattr(ClassStore, "send", busy)
    answer = send(client, code, pupil)
    assert answer.status_code == 503 and answer.json() == {"error": http_api.BUSY}


def test_the_routes_follow_the_servers_base_path(store) -> None:
    client = TestClient(Starlette(routes=http_api.routes(lambda: store, "/lab/")))
    code, _, pupil = room_with_pupil(store)
    assert send(client, code, pupil).status_code == 404
    answer = client.post("/lab" + SEND, json={"code": code, "pupil": pupil,
                                              "image": encode_image(drawing())})
    assert answer.status_code == 200


def test_an_image_survives_the_round_trip_bit_for_bit() -> None:
    image = drawing(5)
    np.testing.assert_array_equal(decode_image(encode_image(image)), image)
    assert len(encode_image(image)) == 4184  # 3136 bytes as base64


def deploy_serve():
    """deploy/serve.py, which runs without the repository's imports (not a package)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy"))
    import serve

    return serve


def test_nginx_sends_class_posts_to_their_own_process_with_the_apps_as_backups(tmp_path) -> None:
    from classroom import send_server

    serve = deploy_serve()

    text = serve.render_config("127.0.0.1:9000", [8601, 8602], tmp_path, send_port=8600)
    upstream = re.search(r"upstream aelab_class \{(.*?)\}", text, re.S).group(1)
    assert re.findall(r"server (\S+?)(?: max_fails=0)?( backup)?;", upstream) == [
        ("127.0.0.1:8600", ""), ("127.0.0.1:8601", " backup"), ("127.0.0.1:8602", " backup")]
    assert re.search(r"location /api/class/ \{\s*proxy_pass http://aelab_class;", text)
    assert f"/{http_api.SEND_PATH}".startswith("/api/class/")
    assert serve.HEALTH_PATH == send_server.HEALTH_PATH
    alone = serve.render_config("127.0.0.1:9000", [8601, 8602], tmp_path)  # no send server
    upstream = re.search(r"upstream aelab_class \{(.*?)\}", alone, re.S).group(1)
    assert re.findall(r"server (\S+?)(?: max_fails=0)?( backup)?;", upstream) == [
        ("127.0.0.1:8601", ""), ("127.0.0.1:8602", " backup")]
    assert "__" not in text and "__" not in alone


def test_nginx_sends_teachers_browsers_to_the_walls_process(tmp_path) -> None:
    """The teacher cookie picks the wall's upstream (the first app process as its backup);
    without a wall process teachers go with everyone."""
    from ui.class_cookies import TEACHER
    from ui.class_teacher import WALL_ELSEWHERE_ENV

    serve = deploy_serve()

    pool = r"map \$cookie_%s \$aelab_pool \{\s*''\s+aelab;\s*default (\w+);" % TEACHER
    text = serve.render_config("127.0.0.1:9000", [8601, 8602], tmp_path, 8600, wall_port=8603)
    assert re.search(pool, text).group(1) == "aelab_wall"
    upstream = re.search(r"upstream aelab_wall \{(.*?)\}", text, re.S).group(1)
    assert re.findall(r"server (\S+?)(?: max_fails=0)?( backup)?;", upstream) == [
        ("127.0.0.1:8603", ""), ("127.0.0.1:8601", " backup")]
    assert re.search(r"location / \{[^}]*proxy_pass http://\$aelab_pool;", text)
    alone = serve.render_config("127.0.0.1:9000", [8601, 8602], tmp_path, 8600)
    assert re.search(pool, alone).group(1) == "aelab"
    assert serve.WALL_ELSEWHERE == {WALL_ELSEWHERE_ENV: "1"}  # what the app processes read


def _niceness(pid: int) -> tuple[int, str | None]:
    """The process's nice value, and its autogroup's line where Linux has autogroups."""
    nice = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    group = Path(f"/proc/{pid}/autogroup")
    return nice, group.read_text().strip() if group.exists() else None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux's /proc")
def test_class_processes_start_below_the_app_processes_and_their_autogroup_too(tmp_path) -> None:
    """Each process starts in a session of its own, and with autogroups a session's nice value
    counts, not the process's: the send server and the wall are lowered in both."""
    serve = deploy_serve()
    env = dict(os.environ)
    lowered = serve.launch(["sleep", "30"], tmp_path / "lowered.log", env, lowered=True)
    plain = serve.launch(["sleep", "30"], tmp_path / "plain.log", env)
    try:
        for proc in (lowered, plain):  # nice(1) sets the value, then runs the command
            deadline = time.monotonic() + 10
            while Path(f"/proc/{proc.pid}/comm").read_text().strip() != "sleep":
                assert time.monotonic() < deadline, "the command never started"
                time.sleep(0.01)
        nice, group = _niceness(lowered.pid)
        assert nice == serve.CLASS_NICENESS
        assert group is None or group.endswith(f"nice {serve.CLASS_NICENESS}")
        plain_nice, plain_group = _niceness(plain.pid)
        assert plain_nice == _niceness(os.getpid())[0]
        assert plain_group is None or plain_group != group  # a session, so an autogroup, of its own
    finally:
        for proc in (lowered, plain):
            proc.kill()
            proc.wait()


def test_the_send_server_serves_the_same_routes_and_says_who_it_is(store) -> None:
    from classroom import send_server

    paths = {route.path for route in send_server.app.routes}
    assert {f"/{http_api.SEND_PATH}", f"/{http_api.WITHDRAW_PATH}", send_server.HEALTH_PATH} <= paths
    with TestClient(send_server.app) as client:
        assert client.get(send_server.HEALTH_PATH).text == send_server.WHO
        assert client.get(f"/{http_api.SEND_PATH}").status_code == 405  # POST only


LAB_START = """
import sys
import lab
print("sqlalchemy" in sys.modules)
store = lab.class_store()
print("sqlalchemy" in sys.modules, type(store).__name__, store is lab.class_store())
"""


def test_the_app_server_imports_the_store_at_the_first_send_only(tmp_path) -> None:
    """`streamlit run lab.py`: SQLAlchemy (0.3 s) is not imported before the server answers."""
    env = {**os.environ, "AE_CLASS_DIR": str(tmp_path)}
    env.pop("AE_CLASS_DB_URL", None)
    out = subprocess.run([sys.executable, "-c", LAB_START], cwd=REPO, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    assert out == ["False", "True", "ClassStore", "True"]
