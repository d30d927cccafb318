"""Room codes, teacher keys and pupil ids: short to read aloud, or long enough not to be guessed.

A room code is 4 characters from 31 symbols: the digits 2-9 and the letters A-Z without I, L and O
(0/O and 1/I/L look alike on a projector). That makes 31**4 = 923,521 codes; a new code is drawn
at random and the database refuses one that a live room already holds (the store draws again).
A teacher key is 128 random bits; only its SHA-256 is stored, and keys are compared in constant
time. SHA-256 without salt is enough here: the key is random, not a password a person chose.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 4
N_CODES = len(ALPHABET) ** CODE_LENGTH  # 923,521
KEY_BYTES = 16  # 128 bits
SEPARATORS = " -_.\t"
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def new_code() -> str:
    """A random room code such as "K7QX"."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """What a pupil typed, as a code: "k7 qx" -> "K7QX"; None when it cannot be one."""
    if not isinstance(text, str) or len(text) > 32:
        return None
    code = "".join(ch for ch in text.strip().upper() if ch not in SEPARATORS)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def new_teacher_key() -> str:
    """128 random bits as URL-safe text (22 characters)."""
    return secrets.token_urlsafe(KEY_BYTES)


def new_pupil_id() -> str:
    """A random token naming one pupil in one room (it lets them withdraw their drawings)."""
    return secrets.token_urlsafe(KEY_BYTES)


def looks_like_token(text: object) -> bool:
    """True for text `new_pupil_id` could have made (so hostile text never reaches a query)."""
    return isinstance(text, str) and 0 < len(text) <= 64 and set(text) <= TOKEN_CHARS


def key_hash(key: str) -> str:
    """What the database keeps instead of the teacher key."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_matches(key: object, stored_hash: str) -> bool:
    """Constant-time check of a key someone presents against the stored hash."""
    if not isinstance(key, str) or len(key) > 256:
        return False
    return hmac.compare_digest(key_hash(key), stored_hash)
