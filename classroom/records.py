"""What the class store hands out: plain frozen records, no database types."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

import numpy as np


@dataclass(frozen=True)
class RoomSettings:
    """What the teacher chose when starting the class (stored with the room as JSON)."""

    model_key: str = "ae_2d"          # the registry key of the model the wall uses (2-D code)
    ask_nickname: bool = True
    ask_digit: bool = True
    max_drawings: int = 500
    max_pupils: int = 200
    min_send_interval_s: float = 2.0
    ttl_hours: float = 12.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RoomSettings:
        """Settings as stored; fields another version wrote that this one lacks are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in json.loads(text).items() if k in known})


@dataclass(frozen=True)
class Room:
    code: str                 # 4 characters from codes.ALPHABET, e.g. "K7QX"
    settings: RoomSettings
    created_at: float         # unix seconds
    expires_at: float
    paused: bool


@dataclass(frozen=True)
class Drawing:
    id: int
    pupil_id: str             # the pupil's own token: compare with the session's, never show it
    nickname: str | None
    digit: int | None         # the digit the pupil says they drew, 0..9, or None
    image: np.ndarray         # (28, 28) float32 in [0, 1]: the preprocessed drawing
    created_at: float
