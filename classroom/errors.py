"""The ways a class-store call can fail, each with a sentence a person can be shown."""

from __future__ import annotations


# What a pupil is told when a send meets `StoreUnavailable` (the pages and the endpoints alike).
BUSY = "Not sent: the class server is busy, try again."


class Refused(Exception):
    """The request was understood and refused: room paused or closed, too fast, full, wrong key,
    malformed drawing... `str(exc)` is a sentence for the pupil or teacher."""


class NotSeated(Refused):
    """The caller holds no seat in that open room: a pupil token from another room or none, a
    closed room, no room at all. The HTTP endpoints answer all of these alike."""


class StoreUnavailable(Exception):
    """The database is locked, unreachable or restarting. Nothing was changed by the failed call;
    the caller says "not sent, try again" or "reconnecting", and the next call may work."""
