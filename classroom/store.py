"""The class store: rooms, pupils and their drawings in SQLite or PostgreSQL (issue 18).

    store = ClassStore()                       # or default_store(), one per process
    room, teacher_key = store.create_room()
    pupil = store.join(room.code, "Ana")
    store.send(room.code, pupil, image, digit=7)
    store.version(room.code), store.drawings(room.code)   # what the wall polls and reads

Where the data lives (`classroom.engine`): the database URL in the environment variable
AE_CLASS_DB_URL (PostgreSQL through psycopg 3, e.g. `postgresql://user:pass@host/db`), else the
SQLite file `class.sqlite3` in the folder AE_CLASS_DIR, by default `class-data/` at the
repository root (git-ignored). Several app processes (deploy/serve.py) share that one file.

What is stored: each room's settings, the SHA-256 of its teacher key, its paused flag and expiry
(12 hours by default); each pupil's random id, optional nickname (plain text, at most 24
characters) and the time of their last send; each drawing's 28x28 pixels (float32, exact), optional
digit and time. Nothing else. Closing a room deletes it with its pupils and drawings; expired
rooms are deleted by `purge_expired`, which `create_room` runs and `room`/`join` run at most every
10 minutes per process.

Every refusal is a `Refused` with a sentence for the person; a database that is locked,
unreachable or restarting gives `StoreUnavailable` (never a raw SQLAlchemy error) and the next
call after it comes back works. Writes to one room are serialised (`SELECT ... FOR UPDATE` on
PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so limits hold with many processes sending at once.
"""

from __future__ import annotations

import functools
import logging
import math
import operator
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError, ProgrammingError, SQLAlchemyError

from classroom import codes, engine as engines
from classroom.codes import normalise_code
from classroom.errors import NotSeated, Refused, StoreUnavailable
from classroom.inputs import (check_digit, check_settings, clean_nickname, image_bytes,
                              image_from_bytes)
from classroom.records import Drawing, Room, RoomSettings
from classroom.schema import drawings, metadata, pupils, rooms
from classroom.send_sql import SendStatements

__all__ = ["ClassStore", "Drawing", "NotSeated", "Refused", "Room", "RoomSettings",
           "StoreUnavailable", "default_store", "normalise_code"]

log = logging.getLogger(__name__)
UNAVAILABLE = ("The class database is not answering (busy, restarting or unreachable). "
               "Try again in a moment.")
PURGE_EVERY_S = 600.0
MAX_IDS_AT_ONCE = 500  # drawings read by id in one query (SQLite's limit on bound values)
CODE_ATTEMPTS = 50
NOT_IN_THIS_CLASS = "You are not in this class any more: join it again with its code."


def _database_errors(backend: str) -> tuple[type[BaseException], ...]:
    """Errors that mean "the database is not there right now", whichever layer raises them
    (psycopg is imported only for PostgreSQL: 80 ms of a SQLite app's start otherwise)."""
    errors: list[type[BaseException]] = [SQLAlchemyError, sqlite3.Error, OSError]
    if backend == "postgresql":
        import psycopg
        errors.append(psycopg.Error)
    return tuple(errors)


class ClassStore:
    """Rooms, pupils and drawings behind one small interface (see the module docstring)."""

    def __init__(self, url: str | None = None, *, timeout_s: float = 5.0,
                 clock: Callable[[], float] = time.time) -> None:
        """Connects lazily: a database that is down now gives `StoreUnavailable` on each call
        until it is back. `timeout_s`: how long a call waits for a locked or silent database."""
        self._clock = clock
        self._schema_ready = False
        self._next_purge = 0.0
        self._broken: str | None = None
        self._errors = _database_errors("")
        try:
            self.url = engines.database_url(url)
            self._engine = engines.make_engine(self.url, timeout_s)
            self._errors = _database_errors(self.url.get_backend_name())
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            log.error("class store: unusable database URL: %s", exc)
            self._broken = (f"The class database setting ({engines.URL_VARIABLE}) cannot be "
                            "used; ask whoever runs the app to check it.")
            return
        self._writer = self._engine.execution_options(**{engines.IMMEDIATE: True})
        self._send_sql = SendStatements(self._engine.dialect)

    @property
    def backend(self) -> str:
        """"sqlite" or "postgresql" (for messages and benches)."""
        return "broken" if self._broken else self.url.get_backend_name()

    def dispose(self) -> None:
        """Closes every pooled connection (tests and benches; the app keeps one store)."""
        if not self._broken:
            self._engine.dispose()

    # --- rooms -----------------------------------------------------------------------------

    def create_room(self, settings: RoomSettings = RoomSettings()) -> tuple[Room, str]:
        """A new room (its code held by no live room) and its teacher key (only a hash is kept)."""
        check_settings(settings)
        self.purge_expired()
        key = codes.new_teacher_key()
        with self._guard():
            for _ in range(CODE_ATTEMPTS):
                now = self._clock()
                values = dict(code=codes.new_code(), teacher_key_hash=codes.key_hash(key),
                              settings=settings.to_json(), created_at=now,
                              expires_at=now + settings.ttl_hours * 3600, paused=False,
                              version=int(now * 1000))
                try:
                    with self._writer.begin() as conn:
                        conn.execute(insert(rooms).values(**values))
                except IntegrityError:  # a live room holds this code: draw another
                    continue
                return Room(values["code"], settings, now, values["expires_at"], False), key
        raise Refused("No free class code was found; close an old class and try again.")

    def room(self, code: str) -> Room | None:
        """The open room with this code; None when it is unknown, closed or expired."""
        self._maybe_purge()
        clean = normalise_code(code)
        if clean is None:
            return None
        with self._read() as conn:
            row = self._room_row(conn, clean)
        return None if row is None else _room(row)

    def purge_expired(self) -> int:
        """Deletes every expired room with its pupils and drawings; returns how many rooms."""
        with self._write() as conn:
            expired = select(rooms.c.code).where(rooms.c.expires_at <= self._clock())
            codes_gone = list(conn.scalars(expired))
            if codes_gone:
                _delete_rooms(conn, codes_gone)
        return len(codes_gone)

    # --- pupils ----------------------------------------------------------------------------

    def join(self, code: str, nickname: str | None) -> str:
        """A new pupil in the room; returns their id (a random token)."""
        nickname = clean_nickname(nickname)
        self._maybe_purge()
        with self._write() as conn:
            room = self._lock_room(conn, code)
            limit = room.settings.max_pupils
            if self._count(conn, pupils, room.code) >= limit:
                raise Refused(f"This class is full: it already has {limit} pupils.")
            pupil_id = codes.new_pupil_id()
            conn.execute(insert(pupils).values(
                id=pupil_id, room_code=room.code, joined_at=self._clock(),
                nickname=nickname if room.settings.ask_nickname else None))
            self._send_sql.bump(conn, code=room.code)
        return pupil_id

    def send(self, code: str, pupil_id: str, image, digit: int | None) -> int:
        """Stores the pupil's drawing (checked first); returns its id. One transaction of
        statements prepared once (`classroom.send_sql`): a class of 60 sends 30 a second."""
        blob, digit, pupil_id = image_bytes(image), check_digit(digit), _pupil_id(pupil_id)
        with self._write() as conn:
            sql = self._send_sql  # (after the guard: a store with an unusable URL has none)
            seat = self._seat(conn, code, pupil_id)
            room = _room(seat)
            if room.paused:
                raise Refused("Your teacher has paused sending for now. Try again in a moment.")
            now = self._clock()
            _check_interval(room, seat.last_send_at, now)
            limit = room.settings.max_drawings
            if sql.count(conn, code=room.code).scalar_one() >= limit:
                raise Refused(f"The class wall is full ({limit} drawings): "
                              "ask your teacher to make room.")
            drawing_id = sql.store(conn, code=room.code, pupil=pupil_id, image=blob, now=now,
                                   digit=digit if room.settings.ask_digit else None).scalar_one()
            sql.mark_sent(conn, pupil=pupil_id, now=now)
            sql.bump(conn, code=room.code)
        return drawing_id

    def withdraw(self, code: str, pupil_id: str, drawing_id: int) -> None:
        """Takes back one of the pupil's own drawings."""
        pupil_id, drawing_id = _pupil_id(pupil_id), _drawing_id(drawing_id)
        with self._write() as conn:
            room = self._lock_room(conn, code)
            gone = conn.execute(delete(drawings).where(
                drawings.c.id == drawing_id, drawings.c.room_code == room.code,
                drawings.c.pupil_id == pupil_id)).rowcount
            if not gone:
                raise Refused("That drawing is not yours, or it is no longer on the wall.")
            self._send_sql.bump(conn, code=room.code)

    # --- what the wall reads ---------------------------------------------------------------

    def seated(self, code: object, pupil_id: object) -> bool:
        """Whether this pupil token has a seat in the open room `code`. The HTTP endpoints ask
        this first (a send asks the store itself), so that to anyone without a seat every code
        gets the same answer (else a pupil's refusals would tell a guesser which codes are
        open)."""
        clean = normalise_code(code) if isinstance(code, str) else None
        if clean is None or not codes.looks_like_token(pupil_id):
            return False
        with self._read() as conn:
            return self._send_sql.seated(conn, code=clean, pupil=pupil_id,
                                         now=self._clock()).first() is not None

    def drawings(self, code: str, known: Mapping[int, Drawing] | None = None) -> list[Drawing]:
        """The room's drawings, newest first. Those in `known` (by id: a stored drawing never
        changes) are reused and only the others are read with their pixels: a wall that
        refreshes every second with 2,000 drawings read all of them (6 MB) each time."""
        known = known or {}
        with self._read() as conn:
            room = self._live_room(conn, code)
            ids = conn.execute(select(drawings.c.id).where(drawings.c.room_code == room.code)
                               .order_by(drawings.c.id.desc())).scalars().all()
            missing = [i for i in ids if i not in known]
            query = (select(drawings.c.id, drawings.c.pupil_id, pupils.c.nickname,
                            drawings.c.digit, drawings.c.image, drawings.c.created_at)
                     .join(pupils, pupils.c.id == drawings.c.pupil_id)
                     .where(drawings.c.room_code == room.code))
            if len(missing) <= MAX_IDS_AT_ONCE:  # else (a first read) all of them
                query = query.where(drawings.c.id.in_(missing))
            rows = conn.execute(query).all() if missing else []
        read = {r.id: Drawing(r.id, r.pupil_id, r.nickname, r.digit, image_from_bytes(r.image),
                              r.created_at) for r in rows}
        return [known[i] if i in known else read[i] for i in ids if i in known or i in read]

    def pupil_count(self, code: str) -> int:
        with self._read() as conn:
            return self._count(conn, pupils, self._live_room(conn, code).code)

    def version(self, code: str) -> int:
        """A number that grows whenever the room's drawings, pupils or state change."""
        with self._read() as conn:
            return self._live_row(conn, code).version

    # --- the teacher -----------------------------------------------------------------------

    def check_teacher(self, code: str, teacher_key: str) -> None:
        """Refused unless `teacher_key` is this room's key (compared in constant time)."""
        with self._read() as conn:
            _check_key(self._live_row(conn, code), teacher_key)

    def set_paused(self, code: str, teacher_key: str, paused: bool) -> None:
        with self._write() as conn:
            room = self._teacher_room(conn, code, teacher_key)
            conn.execute(update(rooms).where(rooms.c.code == room.code).values(paused=bool(paused)))
            self._send_sql.bump(conn, code=room.code)

    def remove(self, code: str, teacher_key: str, drawing_id: int) -> None:
        drawing_id = _drawing_id(drawing_id)
        with self._write() as conn:
            room = self._teacher_room(conn, code, teacher_key)
            gone = conn.execute(delete(drawings).where(
                drawings.c.id == drawing_id, drawings.c.room_code == room.code)).rowcount
            if not gone:
                raise Refused("That drawing is no longer on the wall.")
            self._send_sql.bump(conn, code=room.code)

    def clear(self, code: str, teacher_key: str) -> None:
        """Deletes every drawing of the room (its pupils stay joined)."""
        with self._write() as conn:
            room = self._teacher_room(conn, code, teacher_key)
            conn.execute(delete(drawings).where(drawings.c.room_code == room.code))
            self._send_sql.bump(conn, code=room.code)

    def close(self, code: str, teacher_key: str) -> None:
        """Deletes the room with its pupils and drawings."""
        with self._write() as conn:
            _delete_rooms(conn, [self._teacher_room(conn, code, teacher_key).code])

    # --- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Database errors become `StoreUnavailable`; `Refused` passes through."""
        if self._broken:
            raise StoreUnavailable(self._broken)
        try:
            self._ensure_schema()
            yield
        except Refused:
            raise
        except self._errors as exc:
            log.warning("class store (%s) unavailable: %s", self.backend, exc)
            raise StoreUnavailable(UNAVAILABLE) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._guard(), self._engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._guard(), self._writer.begin() as conn:
            yield conn

    def _ensure_schema(self) -> None:
        """Creates the folder and tables once per store (several processes may race: retried)."""
        if self._schema_ready:
            return
        path = engines.sqlite_path(self.url)
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(3):
            try:
                with self._writer.begin() as conn:
                    metadata.create_all(conn)
                break
            except (IntegrityError, ProgrammingError):  # another process created them first
                if attempt == 2:
                    raise
        self._schema_ready = True

    def _maybe_purge(self) -> None:
        if self._clock() >= self._next_purge:
            self._next_purge = self._clock() + PURGE_EVERY_S
            try:
                self.purge_expired()
            except StoreUnavailable:
                self._next_purge = 0.0  # the call itself will report it

    def _room_row(self, conn: Connection, code: str, lock: bool = False) -> Row | None:
        query = select(rooms).where(rooms.c.code == code, rooms.c.expires_at > self._clock())
        return conn.execute(query.with_for_update() if lock else query).first()

    def _live_row(self, conn: Connection, code: str, lock: bool = False) -> Row:
        """The open room's row, or a `Refused` that says there is no such class."""
        clean = normalise_code(code)
        if clean is None:
            raise Refused("That is not a class code: a code has 4 letters and digits, like K7QX.")
        row = self._room_row(conn, clean, lock)
        if row is None:
            raise Refused(f"There is no open class with the code {clean}: "
                          "it may have been closed. Check the code with your teacher.")
        return row

    def _live_room(self, conn: Connection, code: str) -> Room:
        return _room(self._live_row(conn, code))

    def _lock_room(self, conn: Connection, code: str) -> Room:
        """The open room, locked until the transaction ends (writes to one room queue up)."""
        return _room(self._live_row(conn, code, lock=True))

    def _teacher_room(self, conn: Connection, code: str, teacher_key: object) -> Room:
        """`_lock_room`, once the teacher key is checked (any non-matching value is refused)."""
        row = self._live_row(conn, code, lock=True)
        _check_key(row, teacher_key)
        return _room(row)

    @staticmethod
    def _count(conn: Connection, table, code: str) -> int:
        return conn.execute(select(func.count()).select_from(table)
                            .where(table.c.room_code == code)).scalar_one()

    def _seat(self, conn: Connection, code: object, pupil_id: str) -> Row:
        """The open room `code` with the pupil's last send (`SendStatements.seat`); else
        `NotSeated`, saying why (no such code, no open room, or not this pupil's room)."""
        clean = normalise_code(code) if isinstance(code, str) else None
        row = None if clean is None else self._send_sql.seat(
            conn, code=clean, pupil=pupil_id, now=self._clock()).first()
        if row is None:
            try:
                self._live_row(conn, code if isinstance(code, str) else "")
            except Refused as exc:
                raise NotSeated(str(exc)) from None
            raise NotSeated(NOT_IN_THIS_CLASS)
        return row


def _check_interval(room: Room, last_send_at: float | None, now: float) -> None:
    """Refused while the pupil's last send is under the room's interval ago."""
    if last_send_at is not None:
        wait = last_send_at + room.settings.min_send_interval_s - now
        if wait > 0:
            tenths = math.ceil(wait * 10 - 1e-6)  # 1.4000001 s (float noise) reads as 1.4
            raise Refused(f"Wait {max(tenths, 1) / 10:.1f} s before sending again.")


def _room(row: Row) -> Room:
    return Room(row.code, RoomSettings.from_json(row.settings), row.created_at, row.expires_at,
                bool(row.paused))


def _check_key(row: Row, teacher_key: object) -> None:
    if not codes.key_matches(teacher_key, row.teacher_key_hash):
        raise Refused("That teacher key does not open this class.")


def _drawing_id(drawing_id: object) -> int:
    try:
        if isinstance(drawing_id, bool):
            raise TypeError
        value = operator.index(drawing_id)  # type: ignore[arg-type]
    except TypeError:
        raise Refused("That is not a drawing of this class.") from None
    if not 0 < value < 2**31:
        raise Refused("That is not a drawing of this class.")
    return value


def _pupil_id(pupil_id: object) -> str:
    """A token `join` could have made; anything else is no pupil of any room."""
    if not codes.looks_like_token(pupil_id):
        raise NotSeated(NOT_IN_THIS_CLASS)
    return pupil_id  # type: ignore[return-value]


def _delete_rooms(conn: Connection, room_codes: list[str]) -> None:
    conn.execute(delete(drawings).where(drawings.c.room_code.in_(room_codes)))
    conn.execute(delete(pupils).where(pupils.c.room_code.in_(room_codes)))
    conn.execute(delete(rooms).where(rooms.c.code.in_(room_codes)))


def default_store() -> ClassStore:
    """The process's store for the database the environment names (AE_CLASS_DB_URL,
    AE_CLASS_DIR): one connection pool each, shared by the pages and the HTTP endpoints."""
    return _store_for(os.environ.get(engines.URL_VARIABLE), os.environ.get(engines.DIR_VARIABLE))


@functools.lru_cache(maxsize=4)
def _store_for(url: str | None, folder: str | None) -> ClassStore:
    return ClassStore()  # reads the same environment variables
