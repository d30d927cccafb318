"""Which database the class store uses, and how it connects to it.

* `AE_CLASS_DB_URL` set: that SQLAlchemy URL (`postgresql://user:pass@host/db` is read as
  `postgresql+psycopg://...`, psycopg 3). Connections are checked before use (`pool_pre_ping`),
  so the first call after a database restart gets a fresh connection.
* Otherwise SQLite: the file `class.sqlite3` in the folder `AE_CLASS_DIR`, by default
  `class-data/` at the repository root (git-ignored). WAL mode, so the wall reads while pupils
  write; `synchronous=FULL`, so a drawing whose send returned survives even a power cut (a killed
  process loses nothing whatever the setting; FULL makes each commit wait for the disk, about
  0.5 ms of CPU a send); a busy
  timeout, so writers from several app processes wait for each other instead of failing; and
  every write transaction starts with `BEGIN IMMEDIATE` (it takes the write lock first, so two
  processes never deadlock upgrading a read to a write).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO / "class-data"
DB_FILE = "class.sqlite3"
URL_VARIABLE = "AE_CLASS_DB_URL"
DIR_VARIABLE = "AE_CLASS_DIR"
IMMEDIATE = "classroom_begin_immediate"  # execution option: this transaction writes


def data_dir() -> Path:
    """Where the SQLite file lives: AE_CLASS_DIR, else class-data/ in the repository."""
    return Path(os.environ.get(DIR_VARIABLE) or DEFAULT_DIR).expanduser()


def database_url(url: str | None = None) -> URL:
    """The URL to use (raises sqlalchemy's ArgumentError when it is no URL)."""
    text = url or os.environ.get(URL_VARIABLE) or f"sqlite:///{data_dir() / DB_FILE}"
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://"):]
    parsed = make_url(text)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_path(url: URL) -> Path | None:
    """The database file of a SQLite URL; None for other engines and in-memory databases."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def make_engine(url: URL, timeout_s: float) -> Engine:
    """An engine for `url`; connects lazily. Writes go through `engine.execution_options(
    **{IMMEDIATE: True})`."""
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": timeout_s}, pool_pre_ping=True,
                               pool_timeout=timeout_s)
        _sqlite_transactions(engine)
        return engine
    connect_args = {}
    if url.get_backend_name() == "postgresql":
        wait_ms = int(timeout_s * 1000)
        connect_args = {"connect_timeout": max(1, round(timeout_s))}
        if "options" not in url.query:  # the URL's own server options win
            connect_args["options"] = (f"-c lock_timeout={wait_ms} "
                                       f"-c statement_timeout={4 * wait_ms}")
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True,
                         pool_timeout=timeout_s, pool_size=5, max_overflow=10)


def _sqlite_transactions(engine: Engine) -> None:
    """SQLAlchemy emits BEGIN itself (not the sqlite3 module), IMMEDIATE for writes."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # sqlite3 leaves BEGIN to us
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
