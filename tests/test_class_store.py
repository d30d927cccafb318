"""The class store (classroom.store), the same tests on SQLite and on PostgreSQL.

PostgreSQL is a throwaway cluster of Debian's `postgresql` (tests/class_databases.py). Without
it the PostgreSQL cases skip with the reason, unless CI or AE_REQUIRE_BROWSER=1 is set: then they
fail, as the browser tests do. Time is a hand-moved clock; no test waits for real time.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, make_url, text

from class_databases import Clock, PostgresCluster, postgres_missing, run_senders
from classroom import codes, store as store_module
from classroom.engine import database_url
from classroom.store import (ClassStore, NotSeated, Refused, RoomSettings, StoreUnavailable,
                             default_store, normalise_code)

REQUIRE_POSTGRES = (os.environ.get("AE_REQUIRE_BROWSER") == "1"
                    or os.environ.get("CI", "").lower() not in ("", "0", "false"))
FAST = RoomSettings(min_send_interval_s=0.0)
REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def pg_cluster():
    reason = postgres_missing()
    if reason:
        if REQUIRE_POSTGRES:
            pytest.fail(f"CI / AE_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.cleanup()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'class.sqlite3'}"
    cluster = request.getfixturevalue("pg_cluster")
    if not cluster.running():  # a fault test stopped it and failed before restarting it
        cluster.start()
    return cluster.new_database()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(db_url, clock):
    made = ClassStore(db_url, clock=clock)
    yield made
    made.dispose()


def drawing(seed: int = 0) -> np.ndarray:
    """A (28, 28) float32 image in [0, 1] with values no uint8 could hold exactly."""
    return np.random.default_rng(seed).random((28, 28), dtype=np.float32)


def table_rows(url: str, table: str) -> list[tuple]:
    """Every row of one of the store's tables, read past the store."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table}"))]
    finally:
        engine.dispose()


def refusal(call, *args) -> str:
    with pytest.raises(Refused) as caught:
        call(*args)
    return str(caught.value)


# --- what is stored ----------------------------------------------------------------------------

def test_round_trip_is_exact(store, clock):
    room, _ = store.create_room()
    pupil = store.join(room.code, "Ana")
    image = drawing(1)
    drawing_id = store.send(room.code, pupil, image, 7)
    (got,) = store.drawings(room.code)
    assert (got.id, got.pupil_id, got.nickname, got.digit) == (drawing_id, pupil, "Ana", 7)
    assert got.created_at == clock.now
    assert got.image.dtype == np.float32 and got.image.shape == (28, 28)
    assert np.array_equal(got.image, image)  # float32 stored as is: exact
    got.image[0, 0] = 0.5  # a writable copy: the next read is unchanged
    assert np.array_equal(store.drawings(room.code)[0].image, image)


def test_other_number_types_are_stored_as_float32(store):
    room, _ = store.create_room(FAST)
    pupil = store.join(room.code, None)
    store.send(room.code, pupil, (drawing(2).astype(np.float64) > 0.5), np.int64(3))
    store.send(room.code, pupil, np.full((28, 28), 255, np.uint8) // 255, None)
    newest, oldest = store.drawings(room.code)
    assert oldest.digit == 3 and newest.digit is None and newest.nickname is None
    assert np.array_equal(oldest.image, (drawing(2) > 0.5).astype(np.float32))
    assert np.array_equal(newest.image, np.ones((28, 28), np.float32))


def test_newest_first(store, clock):
    room, _ = store.create_room()
    pupils = [store.join(room.code, name) for name in ("Ana", "Ben", "Cy")]
    sent = []
    for k, pupil in enumerate(pupils * 2):
        sent.append(store.send(room.code, pupil, drawing(k), k))
        clock.advance(1.0)
    got = store.drawings(room.code)
    assert [d.id for d in got] == sent[::-1]
    assert [d.nickname for d in got] == ["Cy", "Ben", "Ana"] * 2
    assert [d.created_at for d in got] == sorted((d.created_at for d in got), reverse=True)
    assert store.pupil_count(room.code) == 3


def test_known_drawings_are_reused_and_only_new_ones_read(store, clock, monkeypatch):
    """A wall refreshing every second reads only the drawings it has not seen (and drops the
    removed ones); what it gets is what a full read gives."""
    from classroom.inputs import image_from_bytes

    room, key = store.create_room()
    pupils = [store.join(room.code, name) for name in ("Ana", "Ben")]
    first = [store.send(room.code, p, drawing(k), k) for k, p in enumerate(pupils)]
    known = {d.id: d for d in store.drawings(room.code)}
    clock.advance(3.0)
    later = store.send(room.code, pupils[0], drawing(7), 7)
    store.remove(room.code, key, first[1])
    decoded = []
    monkeypatch.setattr(store_module, "image_from_bytes",
                        lambda raw: decoded.append(raw) or image_from_bytes(raw))
    got = store.drawings(room.code, known)
    assert [d.id for d in got] == [later, first[0]]
    assert got[1] is known[first[0]], "a known drawing is not read again"
    assert len(decoded) == 1, "only the new drawing's pixels were read"
    full = store.drawings(room.code)
    assert [(d.id, d.digit, d.nickname) for d in full] == [(d.id, d.digit, d.nickname) for d in got]
    np.testing.assert_array_equal(full[0].image, got[0].image)
    monkeypatch.setattr(store_module, "MAX_IDS_AT_ONCE", 0)  # too many to name: all are read
    assert [d.id for d in store.drawings(room.code, {})] == [later, first[0]]


def test_room_settings_and_times(store, clock):
    settings = RoomSettings(model_key="vae_2d", ask_nickname=False, ask_digit=False,
                            max_drawings=30, max_pupils=40, min_send_interval_s=5.0,
                            ttl_hours=1.5)
    room, _ = store.create_room(settings)
    assert store.room(room.code) == room
    assert room.settings == settings and not room.paused
    assert (room.created_at, room.expires_at) == (clock.now, clock.now + 1.5 * 3600)
    pupil = store.join(room.code, "Ana")  # not asked for: not kept
    store.send(room.code, pupil, drawing(), 4)
    (got,) = store.drawings(room.code)
    assert got.nickname is None and got.digit is None


def test_only_a_hash_of_the_teacher_key_is_stored(store, db_url):
    room, key = store.create_room()
    assert len(key) == 22 and set(key) <= codes.TOKEN_CHARS  # 16 bytes, URL-safe base64
    _, other_key = store.create_room()
    assert key != other_key
    (stored,) = [row for row in table_rows(db_url, "class_rooms") if row[0] == room.code]
    assert key not in repr(stored) and codes.key_hash(key) in stored


@pytest.mark.parametrize("typed, code", [("k7 qx", "K7QX"), (" K7-QX ", "K7QX"), ("k7qx", "K7QX"),
                                         ("K7Q", None), ("K7QXX", None), ("K0QX", None),
                                         ("KOQX", None), ("K1QX", None), ("KIQX", None),
                                         ("KLQX", None), ("<b>X", None), ("", None),
                                         ("K7QX" * 20, None)])
def test_normalise_code(typed, code):
    assert normalise_code(typed) == code


def test_code_alphabet():
    assert not set("0O1IL") & set(codes.ALPHABET) and len(set(codes.ALPHABET)) == 31
    assert codes.N_CODES == 31 ** 4 == 923_521
    assert all(normalise_code(codes.new_code()) is not None for _ in range(200))


def test_a_new_code_never_takes_a_live_rooms(store, monkeypatch):
    first, key = store.create_room()
    draws = iter([first.code, first.code, "K7QX"])
    monkeypatch.setattr(codes, "new_code", lambda: next(draws))
    second, _ = store.create_room()
    assert second.code == "K7QX" and store.room(first.code) == first
    store.close(first.code, key)  # a closed room's code is free again
    monkeypatch.setattr(codes, "new_code", lambda: first.code)
    assert store.create_room()[0].code == first.code


# --- pupils ------------------------------------------------------------------------------------

def test_withdraw_own_drawings_only(store):
    room, _ = store.create_room(FAST)
    ana, ben = store.join(room.code, "Ana"), store.join(room.code, "Ben")
    anas = store.send(room.code, ana, drawing(1), 1)
    bens = store.send(room.code, ben, drawing(2), 2)
    assert "not yours" in refusal(store.withdraw, room.code, ana, bens)
    assert {d.id for d in store.drawings(room.code)} == {anas, bens}
    store.withdraw(room.code, ana, anas)
    assert [d.id for d in store.drawings(room.code)] == [bens]
    assert "no longer" in refusal(store.withdraw, room.code, ana, anas)
    for bad_id in (None, "1; DROP TABLE class_drawings", 2**80, -1, True):
        refusal(store.withdraw, room.code, ana, bad_id)
    assert [d.id for d in store.drawings(room.code)] == [bens]


def test_nickname_is_plain_text_stripped_and_capped(store):
    room, _ = store.create_room(FAST)
    names = {
        "  <script>alert(1)</script>  ": "<script>alert(1)</script>"[:24],
        "**bold** _it_ [x](javascript:y)": "**bold** _it_ [x](javasc",
        "Ana\n\n# Title\x00\u202e": "Ana # Title",
        "   ": None,
        "Zoë 🦊 👩\u200d💻": "Zoë 🦊 👩\u200d💻",
    }
    for typed, kept in names.items():
        pupil = store.join(room.code, typed)
        store.send(room.code, pupil, drawing(), None)
        assert store.drawings(room.code)[0].nickname == kept
    assert all(len(d.nickname or "") <= 24 for d in store.drawings(room.code))
    assert "text" in refusal(store.join, room.code, 42)


@pytest.mark.parametrize("bad", [
    np.full((28, 28), np.nan), np.full((28, 28), np.inf), np.zeros((28, 27)), np.zeros(784),
    np.zeros((28, 28, 1)), np.zeros((1, 28, 28)), np.full((28, 28), -0.01), np.full((28, 28), 1.01),
    np.full((28, 28), 1e300), [[0.5] * 28] * 27 + [[0.5] * 3], "pixels", None, {"a": 1},
    np.array([["x"] * 28] * 28), np.zeros((28, 28), dtype=complex)],
    ids=["nan", "inf", "28x27", "flat", "28x28x1", "1x28x28", "negative", "above-1", "huge",
         "ragged", "text", "none", "dict", "strings", "complex"])
def test_malformed_drawings_are_refused(store, bad):
    room, _ = store.create_room(FAST)
    pupil = store.join(room.code, "Ana")
    version = store.version(room.code)
    assert refusal(store.send, room.code, pupil, bad, 3).startswith("This drawing cannot be sent")
    assert store.drawings(room.code) == [] and store.version(room.code) == version
    store.send(room.code, pupil, drawing(), 3)  # the refusal did not start the wait


@pytest.mark.parametrize("digit", [10, -1, 3.5, "7", True, np.float32(2)])
def test_digit_must_be_0_to_9(store, digit):
    room, _ = store.create_room()
    pupil = store.join(room.code, "Ana")
    assert "0 to 9" in refusal(store.send, room.code, pupil, drawing(), digit)
    assert store.drawings(room.code) == []


# --- limits --------------------------------------------------------------------------------------

def test_too_fast(store, clock):
    room, _ = store.create_room()  # one send per pupil every 2 s
    ana, ben = store.join(room.code, "Ana"), store.join(room.code, "Ben")
    store.send(room.code, ana, drawing(1), 1)
    assert refusal(store.send, room.code, ana, drawing(2), 2) == "Wait 2.0 s before sending again."
    store.send(room.code, ben, drawing(3), 3)  # the wait is per pupil
    clock.advance(0.6)
    assert refusal(store.send, room.code, ana, drawing(2), 2) == "Wait 1.4 s before sending again."
    clock.advance(1.4)
    store.send(room.code, ana, drawing(2), 2)
    assert len(store.drawings(room.code)) == 3


def test_room_full(store):
    room, key = store.create_room(RoomSettings(max_drawings=3, min_send_interval_s=0))
    pupil = store.join(room.code, "Ana")
    ids = [store.send(room.code, pupil, drawing(k), k) for k in range(3)]
    assert "full (3 drawings)" in refusal(store.send, room.code, pupil, drawing(), 0)
    store.withdraw(room.code, pupil, ids[0])
    store.send(room.code, pupil, drawing(), 0)
    store.clear(room.code, key)
    assert store.drawings(room.code) == []
    store.send(room.code, pupil, drawing(), 0)


def test_pupil_limit(store):
    room, _ = store.create_room(RoomSettings(max_pupils=2))
    store.join(room.code, "Ana"), store.join(room.code, "Ben")
    assert "2 pupils" in refusal(store.join, room.code, "Cy")
    assert store.pupil_count(room.code) == 2


@pytest.mark.parametrize("change", [dict(max_drawings=0), dict(max_pupils=-5),
                                    dict(max_pupils=True),
                                    dict(min_send_interval_s=float("nan")), dict(ttl_hours=0),
                                    dict(ttl_hours=1e9), dict(model_key="")])
def test_bad_settings_are_refused(store, change):
    assert refusal(store.create_room, RoomSettings(**change))


# --- the teacher ---------------------------------------------------------------------------------

def test_teacher_controls_with_the_right_key(store):
    room, key = store.create_room(FAST)
    pupil = store.join(room.code, "Ana")
    first, second = (store.send(room.code, pupil, drawing(k), k) for k in range(2))
    store.check_teacher(room.code, key)
    store.set_paused(room.code, key, True)
    assert store.room(room.code).paused
    assert "paused" in refusal(store.send, room.code, pupil, drawing(), 1)
    store.set_paused(room.code, key, False)
    third = store.send(room.code, pupil, drawing(), 1)
    store.remove(room.code, key, first)
    assert [d.id for d in store.drawings(room.code)] == [third, second]
    store.clear(room.code, key)
    assert store.drawings(room.code) == [] and store.pupil_count(room.code) == 1
    store.close(room.code, key)
    assert store.room(room.code) is None
    for call, args in [(store.join, ("Ben",)), (store.send, (pupil, drawing(), 1)),
                       (store.drawings, ()), (store.version, ()), (store.check_teacher, (key,))]:
        assert "no open class" in refusal(call, room.code, *args)


def test_forged_teacher_keys_change_nothing(store):
    room, key = store.create_room(FAST)
    _, other_key = store.create_room(FAST)
    pupil = store.join(room.code, "Ana")
    drawing_id = store.send(room.code, pupil, drawing(), 1)
    version = store.version(room.code)
    forged = [other_key, key[:-1] + ("A" if key[-1] != "A" else "B"), key.upper(), "", " " + key,
              None, 12345, pupil, "x" * 10_000]
    for fake in forged:
        for call, args in [(store.check_teacher, ()), (store.set_paused, (True,)),
                           (store.remove, (drawing_id,)), (store.clear, ()), (store.close, ())]:
            message = refusal(call, room.code, fake, *args)
            assert message == "That teacher key does not open this class."
    assert store.version(room.code) == version and not store.room(room.code).paused
    assert [d.id for d in store.drawings(room.code)] == [drawing_id]


def test_another_rooms_code(store):
    mine, my_key = store.create_room(FAST)
    theirs, their_key = store.create_room(FAST)
    ana = store.join(mine.code, "Ana")
    store.join(theirs.code, "Ben")
    anas = store.send(mine.code, ana, drawing(), 1)
    assert "not in this class" in refusal(store.send, theirs.code, ana, drawing(), 1)
    assert "not yours" in refusal(store.withdraw, theirs.code, ana, anas)
    assert "no longer" in refusal(store.remove, theirs.code, their_key, anas)
    assert "does not open" in refusal(store.clear, theirs.code, my_key)
    assert [d.id for d in store.drawings(mine.code)] == [anas]
    assert store.drawings(theirs.code) == [] and store.pupil_count(theirs.code) == 1


def test_a_send_without_a_seat_says_why_and_is_not_seated(store):
    """A send checks the seat in its own transaction: every such refusal is a `NotSeated` (the
    HTTP endpoint answers them all alike), each saying what is wrong to a direct caller."""
    mine, my_key = store.create_room(FAST)
    ana = store.join(mine.code, "Ana")
    def why_not(code, pupil) -> str:
        with pytest.raises(NotSeated) as caught:
            store.send(code, pupil, drawing(), 1)
        return str(caught.value)

    assert "not in this class" in why_not(mine.code, "A" * 22)  # a token of no pupil
    assert "not in this class" in why_not(mine.code, "forged!")  # no token at all
    assert "no open class" in why_not("ZZZZ", ana)
    assert "not a class code" in why_not("not a code", ana)
    assert "not a class code" in why_not(42, ana)
    store.close(mine.code, my_key)
    assert "no open class" in why_not(mine.code, ana)


def test_unknown_and_hostile_codes(store):
    room, key = store.create_room()
    unknown = next(c for c in ("K7QX", "ABCD") if c != room.code)
    assert store.room(unknown) is None and store.room("<img src=x>") is None
    assert "no open class with the code" in refusal(store.join, unknown, "Ana")
    message = refusal(store.join, "<b>'; DROP TABLE class_rooms; --", "Ana")
    assert "<" not in message and "DROP" not in message
    assert store.room(room.code) == room


# --- time and versions ---------------------------------------------------------------------------

def test_expired_rooms_are_purged(store, clock, db_url):
    old, _ = store.create_room(RoomSettings(ttl_hours=1, min_send_interval_s=0))
    pupil = store.join(old.code, "Ana")
    for k in range(3):
        store.send(old.code, pupil, drawing(k), k)
    clock.advance(1800)
    young, _ = store.create_room()
    clock.advance(1801)  # the first room is past its hour, the second is not
    assert "no open class" in refusal(store.send, old.code, pupil, drawing(), 1)
    assert "no open class" in refusal(store.version, old.code)
    assert len(table_rows(db_url, "class_drawings")) == 3  # expired, not yet deleted
    assert store.purge_expired() == 1 and store.purge_expired() == 0
    assert table_rows(db_url, "class_drawings") == [] and table_rows(db_url, "class_pupils") == []
    assert [row[0] for row in table_rows(db_url, "class_rooms")] == [young.code]
    assert store.room(old.code) is None and store.room(young.code) is not None


def test_expired_rooms_are_purged_while_the_app_runs(store, clock, db_url):
    old, _ = store.create_room(RoomSettings(ttl_hours=1))
    store.send(old.code, store.join(old.code, "Ana"), drawing(), 1)
    clock.advance(3601)
    assert store.room(old.code) is None  # looking a room up purges now and then
    assert table_rows(db_url, "class_rooms") == [] and table_rows(db_url, "class_drawings") == []


def test_create_room_purges(store, clock, db_url):
    old, _ = store.create_room(RoomSettings(ttl_hours=1))
    store.send(old.code, store.join(old.code, "Ana"), drawing(), 1)
    clock.advance(12 * 3600)
    new, _ = store.create_room()
    assert [row[0] for row in table_rows(db_url, "class_rooms")] == [new.code]
    assert table_rows(db_url, "class_drawings") == []


def test_version_changes_with_the_room_only(store, clock):
    room, key = store.create_room()
    seen = [store.version(room.code)]

    def changed() -> bool:
        seen.append(store.version(room.code))
        return seen[-1] > seen[-2]

    pupil = store.join(room.code, "Ana")
    assert changed()
    drawing_id = store.send(room.code, pupil, drawing(), 1)
    assert changed()
    store.drawings(room.code), store.room(room.code), store.pupil_count(room.code)
    store.check_teacher(room.code, key)
    refusal(store.send, room.code, pupil, drawing(), 1)  # too fast
    refusal(store.clear, room.code, "forged")
    assert not changed()
    store.withdraw(room.code, pupil, drawing_id)
    assert changed()
    clock.advance(2)
    drawing_id = store.send(room.code, pupil, drawing(), 1)
    assert changed()
    store.set_paused(room.code, key, True)
    assert changed()
    store.remove(room.code, key, drawing_id)
    assert changed()
    store.clear(room.code, key)
    assert changed()


def test_drawing_ids_are_never_reused(store):
    room, key = store.create_room(FAST)
    pupil = store.join(room.code, "Ana")
    first = store.send(room.code, pupil, drawing(), 1)
    store.remove(room.code, key, first)
    assert store.send(room.code, pupil, drawing(), 1) > first


# --- several processes ---------------------------------------------------------------------

def test_two_processes_send_at_once_and_lose_nothing(db_url):
    store = ClassStore(db_url)
    try:
        room, _ = store.create_room(RoomSettings(min_send_interval_s=0))
        run = run_senders(db_url, room.code, processes=2, pupils=3, sends=20)
        ids = run.ids
        assert (run.refused, run.unavailable) == (0, 0)
        assert [len(each) for each in ids] == [60, 60]
        stored = [d.id for d in store.drawings(room.code)]
        assert sorted(stored) == sorted(ids[0] + ids[1]) and len(set(stored)) == 120
        assert store.pupil_count(room.code) == 6
    finally:
        store.dispose()


def test_limits_hold_when_processes_race(db_url):
    store = ClassStore(db_url)
    try:
        room, _ = store.create_room(RoomSettings(max_drawings=50, min_send_interval_s=0))
        run = run_senders(db_url, room.code, processes=2, pupils=2, sends=20)
        assert run.unavailable == 0 and run.refused == 30
        assert len(store.drawings(room.code)) == 50 == sum(len(each) for each in run.ids)
    finally:
        store.dispose()


def test_a_send_waits_for_a_send_in_progress(db_url):
    """Another process is half-way through storing the room's last allowed drawing: our send
    waits for it to finish, then counts its drawing and is refused (the limit holds)."""
    store = ClassStore(db_url, timeout_s=30)
    room, _ = store.create_room(RoomSettings(max_drawings=1, min_send_interval_s=0))
    ana, ben = store.join(room.code, "Ana"), store.join(room.code, "Ben")
    answers = []

    def send() -> None:
        try:
            answers.append(store.send(room.code, ben, drawing(), 2))
        except (Refused, StoreUnavailable) as exc:
            answers.append(exc)

    with half_done_send(db_url, room.code, ana) as wait_for_a_waiter:
        thread = threading.Thread(target=send)
        thread.start()
        wait_for_a_waiter()
    thread.join(60)
    assert len(answers) == 1 and isinstance(answers[0], Refused), answers
    assert "full" in str(answers[0]) and len(store.drawings(room.code)) == 1
    store.dispose()


@contextlib.contextmanager
def half_done_send(url: str, code: str, pupil: str):
    """A write transaction that locks the room as the store does and stores one drawing; it
    commits when the block ends. Yields a function that returns once another connection waits
    for it (PostgreSQL reports lock waits; for SQLite it gives the waiter half a second)."""
    insert = ("INSERT INTO class_drawings (room_code, pupil_id, digit, image, created_at) "
              "VALUES ({0}, {0}, 1, {0}, 0)")
    row = (code, pupil, drawing().tobytes())
    if url.startswith("sqlite"):
        conn = sqlite3.connect(make_url(url).database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(insert.format("?"), row)
        yield lambda: time.sleep(0.5)
        conn.execute("COMMIT")
        conn.close()
        return
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn, psycopg.connect(conninfo, autocommit=True) as watcher:
        conn.execute("SELECT 1 FROM class_rooms WHERE code = %s FOR UPDATE", (code,))
        conn.execute(insert.format("%s"), row)

        def wait_for_a_waiter() -> None:
            query = ("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                     "AND datname = current_database()")
            deadline = time.monotonic() + 30
            while watcher.execute(query).fetchone()[0] == 0 and time.monotonic() < deadline:
                time.sleep(0.02)

        yield wait_for_a_waiter
        conn.commit()


KILLED_SENDER = """
import sys
import numpy as np
from classroom.store import ClassStore
url, code, pupil = sys.argv[1:]
store = ClassStore(url)
while True:
    print(store.send(code, pupil, np.full((28, 28), 0.5, np.float32), 1), flush=True)
"""


def test_a_killed_process_loses_no_drawing_it_sent(db_url):
    """A sender is killed (SIGKILL) between or during sends: every drawing whose send returned
    is still there, and the next send from another process works."""
    store = ClassStore(db_url)
    room, _ = store.create_room(RoomSettings(min_send_interval_s=0))
    pupil = store.join(room.code, "Ana")
    sender = subprocess.Popen([sys.executable, "-c", KILLED_SENDER, db_url, room.code, pupil],
                              stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT,
                              env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    acknowledged = []
    try:
        while len(acknowledged) < 40 and (line := sender.stdout.readline()):
            acknowledged.append(int(line))
    finally:
        sender.kill()
        sender.wait(30)
    assert len(acknowledged) == 40
    stored = {d.id for d in store.drawings(room.code)}
    assert set(acknowledged) <= stored
    store.send(room.code, pupil, drawing(), 1)
    assert len(store.drawings(room.code)) == len(stored) + 1
    store.dispose()


# --- faults --------------------------------------------------------------------------------

def test_locked_sqlite_gives_unavailable_then_recovers(tmp_path):
    path = tmp_path / "class.sqlite3"
    store = ClassStore(f"sqlite:///{path}", timeout_s=0.2)
    room, key = store.create_room(FAST)
    pupil = store.join(room.code, "Ana")
    kept = store.send(room.code, pupil, drawing(1), 1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StoreUnavailable) as caught:
            store.send(room.code, pupil, drawing(2), 2)
        assert "Try again" in str(caught.value)
        with pytest.raises(StoreUnavailable):
            store.create_room()
        assert [d.id for d in store.drawings(room.code)] == [kept]  # the wall still reads (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.send(room.code, pupil, drawing(2), 2)
    assert len(store.drawings(room.code)) == 2
    store.close(room.code, key)
    store.dispose()


def test_stopped_postgres_gives_unavailable_then_recovers(pg_cluster):
    url = pg_cluster.new_database()
    store = ClassStore(url, timeout_s=2)
    room, key = store.create_room(FAST)
    pupil = store.join(room.code, "Ana")
    kept = [store.send(room.code, pupil, drawing(k), k) for k in range(3)]
    pg_cluster.stop()
    try:
        for call, args in [(store.send, (room.code, pupil, drawing(), 1)),
                           (store.version, (room.code,)), (store.drawings, (room.code,)),
                           (store.room, (room.code,)),
                           (store.create_room, ()), (store.clear, (room.code, key))]:
            with pytest.raises(StoreUnavailable):
                call(*args)
    finally:
        pg_cluster.start()
    # nothing lost, and the store itself was not rebuilt
    assert [d.id for d in store.drawings(room.code)] == kept[::-1]
    store.send(room.code, pupil, drawing(), 1)
    assert len(store.drawings(room.code)) == 4
    store.dispose()


def test_unreachable_or_misconfigured_database():
    for url in ("postgresql://nobody@127.0.0.1:1/none", "not a database url"):
        store = ClassStore(url, timeout_s=1)  # the constructor does not connect
        for call, args in [(store.room, ("K7QX",)), (store.create_room, ()),
                           (store.join, ("K7QX", "Ana")), (store.seated, ("K7QX", "A" * 22)),
                           (store.send, ("K7QX", "A" * 22, drawing(), 1))]:
            with pytest.raises(StoreUnavailable) as caught:
                call(*args)
            assert "sqlalche" not in str(caught.value).lower()
        store.dispose()


# --- configuration -------------------------------------------------------------------------------

def test_default_store_uses_the_class_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("AE_CLASS_DB_URL", raising=False)
    monkeypatch.setenv("AE_CLASS_DIR", str(tmp_path / "class-data"))
    store_module._store_for.cache_clear()
    try:
        store = default_store()
        assert default_store() is store and store.backend == "sqlite"
        room, _ = store.create_room()
        assert (tmp_path / "class-data" / "class.sqlite3").is_file()
        journal = sqlite3.connect(tmp_path / "class-data" / "class.sqlite3").execute(
            "PRAGMA journal_mode").fetchone()[0]
        assert journal == "wal" and ClassStore().room(room.code) == room
        monkeypatch.setenv("AE_CLASS_DIR", str(tmp_path / "other"))
        assert default_store() is not store  # another database, another pool
        store.dispose()
    finally:
        store_module._store_for.cache_clear()


def test_postgres_urls_use_psycopg_3(monkeypatch):
    monkeypatch.setenv("AE_CLASS_DB_URL", "postgresql://teacher:pw@db.school/class")
    assert database_url().drivername == "postgresql+psycopg"
    assert database_url("postgres://u@h/d").drivername == "postgresql+psycopg"
    assert database_url("sqlite:///x.db").get_backend_name() == "sqlite"
