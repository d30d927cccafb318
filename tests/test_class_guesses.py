"""The limit on wrong room codes: the counter itself (a test clock), and the Class and Draw pages
refusing a client that tried too many codes while another client still gets in."""

from __future__ import annotations

import threading

import pytest

from classroom.guesses import GuessLimiter
from classroom.store import ClassStore

from apptest_helpers import assert_no_problems, open_app

CLASS_PAGE = "app_pages/class_room.py"
WRONG = [a + b + "ZZ" for a in "234" for b in "56789"]  # 15 codes no test room gets (see `store`)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


# --- the counter ---------------------------------------------------------------------------------

def test_the_limit_refuses_new_guesses_until_the_oldest_leaves_the_window(clock) -> None:
    limiter = GuessLimiter({"session": 3}, window_s=60, clock=clock)
    for code in WRONG[:3]:  # at 1010, 1020, 1030
        clock.now += 10
        assert limiter.take(code, {"session": "a"})
    assert not limiter.take(WRONG[3], {"session": "a"})
    assert limiter.wrong_count("session", "a") == 3, "a refused guess is not counted"
    clock.now += 39.9  # the first guess is 59.9 s old
    assert not limiter.take(WRONG[3], {"session": "a"})
    clock.now += 0.1  # now 60 s old: one slot frees, and only one
    assert limiter.take(WRONG[3], {"session": "a"})
    assert not limiter.take(WRONG[4], {"session": "a"})


def test_a_right_guess_and_a_repeated_wrong_one_cost_nothing(clock) -> None:
    limiter = GuessLimiter({"session": 2}, clock=clock)
    for _ in range(5):  # a stale join link, looked up again on every stroke
        assert limiter.take(WRONG[0], {"session": "a"})
    for _ in range(5):  # the right code, found each time
        assert limiter.take("K7QX", {"session": "a"})
        limiter.right("K7QX", {"session": "a"})
    assert limiter.wrong_count("session", "a") == 1
    assert limiter.take(WRONG[1], {"session": "a"})
    assert not limiter.take("K7QX", {"session": "a"}), "blocked: even the right code waits"
    assert limiter.take(WRONG[0], {"session": "a"}), "a guess already counted is no new guess"


def test_clients_are_counted_apart_and_every_name_of_one_client_counts(clock) -> None:
    limiter = GuessLimiter({"session": 2, "address": 3}, clock=clock)
    pupil = {"session": "s1", "address": "10.0.0.7"}
    assert limiter.take(WRONG[0], pupil) and limiter.take(WRONG[1], pupil)
    assert not limiter.take(WRONG[2], pupil), "the session's limit"
    reloaded = {"session": "s2", "address": "10.0.0.7"}  # the same phone, a new session
    assert limiter.take(WRONG[2], reloaded)
    assert not limiter.take(WRONG[3], reloaded), "the address's limit"
    assert limiter.wrong_count("session", "s2") == 1
    assert limiter.take(WRONG[3], {"session": "s3", "address": "10.0.0.8"}), "another phone"
    assert limiter.take(WRONG[3], {"session": "s4"}), "no address known: the session alone"


def test_old_names_are_forgotten(clock) -> None:
    limiter = GuessLimiter({"session": 10}, window_s=60, clock=clock)
    for i in range(500):
        limiter.take(WRONG[0], {"session": i})
    assert len(limiter) == 500
    clock.now += 61
    limiter.take(WRONG[1], {"session": "new"})
    assert len(limiter) == 1


def test_threads_together_never_get_past_the_limit(clock) -> None:
    limiter = GuessLimiter({"session": 10, "address": 25}, clock=clock)
    granted: list[bool] = []
    start = threading.Barrier(8)

    def guesser(worker: int) -> None:
        start.wait()
        for i in range(50):
            granted.append(limiter.take(f"{worker}-{i}", {"session": worker % 4,
                                                          "address": "10.0.0.9"}))

    threads = [threading.Thread(target=guesser, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(granted) == 25 and len(granted) == 400  # the shared address's limit, exactly
    assert sum(limiter.wrong_count("session", s) for s in range(4)) == 25
    assert all(limiter.wrong_count("session", s) <= 10 for s in range(4))


# --- the pages -----------------------------------------------------------------------------------

@pytest.fixture
def store(tmp_path, monkeypatch) -> ClassStore:
    """A store of its own, and fresh counts (the app's limiter lives as long as the process)."""
    from ui import class_session

    monkeypatch.setenv("AE_CLASS_DIR", str(tmp_path / "class"))
    monkeypatch.delenv("AE_CLASS_DB_URL", raising=False)
    monkeypatch.setattr(class_session, "CODE_GUESSES", GuessLimiter({"session": 10, "address": 3}))
    made = ClassStore()
    yield made
    made.dispose()


def open_room(store: ClassStore) -> str:
    """A room whose code is none of WRONG (codes are random)."""
    while (code := store.create_room()[0].code) in WRONG:
        pass
    return code


def type_code(at, code: str):
    at.text_input(key="class_code").input(code)
    at.button(key="class_join_button").click().run()
    assert_no_problems(at)
    return [w.value.replace("\\", "") for w in at.warning]


def test_the_eleventh_wrong_code_is_refused_and_another_pupil_still_joins(store) -> None:
    from ui.class_session import TOO_MANY_CODES

    code = open_room(store)
    guesser = open_app(CLASS_PAGE)
    for wrong in WRONG[:10]:
        assert any(f"no open class with the code {wrong}" in w for w in type_code(guesser, wrong))
    assert type_code(guesser, WRONG[10]) == [TOO_MANY_CODES]
    assert type_code(guesser, code) == [TOO_MANY_CODES], "not even a right code, for a minute"
    pupil = open_app(CLASS_PAGE)
    assert type_code(pupil, code) == []
    assert pupil.session_state["class"] == code, "the Draw page opens in the class"


def test_a_join_link_and_a_new_session_from_the_same_address_are_refused(store,
                                                                          monkeypatch) -> None:
    from streamlit.runtime.context import ContextProxy

    from ui.class_session import TOO_MANY_CODES

    code = open_room(store)
    address = {"now": "10.0.0.7"}
    monkeypatch.setattr(ContextProxy, "ip_address", property(lambda self: address["now"]))
    guesser = open_app(CLASS_PAGE)
    for wrong in WRONG[:3]:  # this test's address limit
        type_code(guesser, wrong)
    linked = open_app("app_pages/draw.py", query_params={"class": code})
    assert_no_problems(linked)
    assert TOO_MANY_CODES in [w.value for w in linked.warning]
    assert linked.button(key="class_leave"), "the pupil can leave the class they cannot reach"
    address["now"] = "10.0.0.8"
    other = open_app("app_pages/draw.py", query_params={"class": code})
    assert other.text_input(key="class_nickname") is not None, "another phone joins"


def test_a_teacher_link_tries_codes_no_faster(store) -> None:
    from ui.class_session import TOO_MANY_CODES

    code = open_room(store)
    at = open_app(CLASS_PAGE)
    for wrong in WRONG[:10]:
        at.query_params.update({"class": wrong, "teacher": "guess"})
        at.run()
        assert "no open class" in at.error[0].value
    at.query_params.update({"class": code, "teacher": "guess"})
    at.run()
    assert at.error[0].value.replace("\\", "") == TOO_MANY_CODES
