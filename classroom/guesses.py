"""A limit on wrong room codes per client, so the 923,521 codes cannot be tried quickly.

A client is known by one or more names, each of a kind with its own limit: its session, and its
network address when the server sees one. Within any `window_s` seconds a name may have its
kind's limit of different unknown codes looked up; after that every lookup under that name is
refused until its oldest wrong code is `window_s` old. Only new, wrong codes count: a code that
found a room is handed back (`right`), and the same wrong code looked up again (a stale join link
is looked up again on every stroke) counts once. The counts live in this process's memory, so
behind nginx each app process keeps its own: a guesser gets the limit from each process.

No Streamlit here; the clock is injectable, so the tests drive the window.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Mapping

WINDOW_S = 60.0


class GuessLimiter:
    """Sliding-window counts of each client's distinct wrong guesses (thread-safe)."""

    def __init__(self, limits: Mapping[str, int], window_s: float = WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits, self.window_s, self._clock = dict(limits), window_s, clock
        self._lock = threading.Lock()
        # (kind, who) -> {guess: when it was first taken}
        self._guesses: dict[tuple[str, Hashable], dict[Hashable, float]] = {}
        self._next_sweep = clock() + window_s

    def take(self, guess: Hashable, client: Mapping[str, Hashable]) -> bool:
        """May `client` ({kind: name}) look `guess` up? If so the guess counts as wrong for each
        name until `right` hands it back; False, counting nothing, when a name is at its limit."""
        with self._lock:
            now = self._clock()
            self._sweep(now)
            names = list(client.items())  # (kind, who)
            windows = [self._recent(name, now) for name in names]
            if any(guess not in recent and len(recent) >= self.limits[kind]
                   for (kind, _), recent in zip(names, windows)):
                return False
            for name in names:
                self._guesses.setdefault(name, {}).setdefault(guess, now)
            return True

    def right(self, guess: Hashable, client: Mapping[str, Hashable]) -> None:
        """`guess` found what it looked for: it does not count against `client`."""
        with self._lock:
            for name in client.items():
                recent = self._guesses.get(name, {})
                recent.pop(guess, None)
                if not recent:
                    self._guesses.pop(name, None)

    def wrong_count(self, kind: str, who: Hashable) -> int:
        """How many wrong guesses the window holds now for one name."""
        with self._lock:
            return len(self._recent((kind, who), self._clock()))

    def _recent(self, name: tuple[str, Hashable], now: float) -> dict[Hashable, float]:
        """The name's guesses younger than the window; older ones are dropped (insertion order
        is time order, so they sit at the front)."""
        recent = self._guesses.get(name, {})
        for guess, when in list(recent.items()):
            if now - when < self.window_s:
                break
            del recent[guess]
        return recent

    def _sweep(self, now: float) -> None:
        """Once a window, forget names whose every guess is old (the map stays small)."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.window_s
        for name in list(self._guesses):
            if not self._recent(name, now):
                del self._guesses[name]

    def __len__(self) -> int:
        """How many names the limiter remembers (swept names are gone)."""
        return len(self._guesses)
