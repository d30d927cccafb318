"""The per-process model cache: the background warm-up of a fresh server."""

from __future__ import annotations

import threading

import pytest

import ui.model_cache as model_cache


@pytest.fixture
def fresh_process(monkeypatch) -> list[str]:
    """A process that has not warmed up yet, whose loader records what it is asked for."""
    asked: list[str] = []

    def fake_load(key: str):
        asked.append(key)
        if key == "broken":
            raise OSError("weights missing (test)")
        return object()

    monkeypatch.setattr(model_cache, "_warm_up_started", threading.Event())
    monkeypatch.setattr(model_cache, "_load", fake_load)
    return asked


def wait_for_warm_up() -> None:
    for thread in threading.enumerate():
        if thread.name == model_cache.WARM_UP_THREAD:
            thread.join(timeout=30)


def test_warm_up_loads_every_model_once_in_the_background(fresh_process) -> None:
    model_cache.warm_up(["dense", "broken", "conv"])
    model_cache.warm_up(["vae"])  # a second page view: already started
    wait_for_warm_up()
    assert fresh_process == ["dense", "broken", "conv"]  # a broken model does not stop the rest
