"""The class store's three tables (SQLAlchemy Core): rooms, their pupils, their drawings.

Only what a class needs: a drawing's pixels, the pupil's optional nickname and digit, times.
Deleting a room deletes its pupils and drawings (the store deletes them explicitly; the foreign
keys cascade as well). Drawing ids are never reused, even in SQLite (AUTOINCREMENT), so a stale
wall that removes drawing 17 never removes a newer drawing.
"""

from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, Double, ForeignKey, Index, Integer,
                        LargeBinary, MetaData, SmallInteger, String, Table, Text)

metadata = MetaData()

rooms = Table(
    "class_rooms", metadata,
    Column("code", String(8), primary_key=True),
    Column("teacher_key_hash", String(64), nullable=False),  # SHA-256 hex of the teacher key
    Column("settings", Text, nullable=False),                # RoomSettings as JSON
    Column("created_at", Double, nullable=False),            # unix seconds
    Column("expires_at", Double, nullable=False, index=True),
    Column("paused", Boolean, nullable=False, default=False),
    Column("version", BigInteger, nullable=False),           # grows on every change in the room
)

pupils = Table(
    "class_pupils", metadata,
    Column("id", String(64), primary_key=True),              # the pupil's random token
    Column("room_code", String(8), ForeignKey("class_rooms.code", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("nickname", String(64)),                          # at most 24 characters, plain text
    Column("joined_at", Double, nullable=False),
    Column("last_send_at", Double),                          # for the one-send-per-N-seconds rule
)

drawings = Table(
    "class_drawings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("room_code", String(8), ForeignKey("class_rooms.code", ondelete="CASCADE"),
           nullable=False),
    Column("pupil_id", String(64), ForeignKey("class_pupils.id", ondelete="CASCADE"),
           nullable=False),
    Column("digit", SmallInteger),                           # 0..9 or NULL
    Column("image", LargeBinary, nullable=False),            # 784 float32, little-endian
    Column("created_at", Double, nullable=False),
    Index("ix_class_drawings_room_id", "room_code", "id"),
    sqlite_autoincrement=True,
)
