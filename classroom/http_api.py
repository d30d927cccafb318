"""A pupil's *Send to the class* and *Take back* as two small HTTP endpoints, outside Streamlit.

Why not a button: every Streamlit click is a script rerun of the pupil's session (about 10 ms
of the server's CPU, measured), and with 60 pupils each sending every 2 s those reruns slowed
every pupil's strokes. Here a send is one JSON request answered by the store (about 3 ms): the
page's component (`ui/class_send.py`) posts the drawing the server last gave it and shows the
answer itself.

    POST <base>/api/class/send      {"code", "pupil", "image": base64 of 784 float32, "digit"}
      200 {"id": 12}  |  4xx/503 {"error": "a sentence for the pupil"}
    POST <base>/api/class/withdraw  {"code", "pupil", "id": 12}
      200 {"id": 12}  |  4xx/503 {"error": ...}

The pupil's token (from `ClassStore.join`, known only to that browser) is what proves who sends.
It is checked first (`ClassStore.seated`; a send's own transaction checks it, `NotSeated`), and
a caller without a seat gets one answer whatever the code: the endpoints tell nobody which codes
are open (the pages limit how fast codes can be tried; these need no limit of their own). The
store then checks every other limit (pause, one send every so often, a full wall, the drawing's
shape and values). Requests must say `application/json`, which a form on another site cannot
send without the browser asking first, and this server never says yes to that question (no CORS
headers): other sites cannot post in a pupil's name.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from classroom.errors import BUSY, NotSeated, Refused, StoreUnavailable
from classroom.inputs import IMAGE_DTYPE, IMAGE_SHAPE, image_from_bytes

if TYPE_CHECKING:  # the store (and SQLAlchemy) come with the first send: see lab.py
    from classroom.store import ClassStore

SEND_PATH, WITHDRAW_PATH = "api/class/send", "api/class/withdraw"
MAX_BODY = 16_384  # bytes: a drawing is 4.2 kB of base64
NOT_A_REQUEST = "This request is not a class send."
NOT_A_PICTURE = "This drawing cannot be sent: it is not a 28x28 picture."
# The one answer to a caller without a seat, whether the code is open, closed or never was.
NOT_SEATED = ("You are not in this class (any more): it may have been closed. "
              "Join it again with its code.")


_serving = False  # set by `serve`: this process answers the two routes


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def serve(store: Callable[[], ClassStore], base_path: str = "") -> list[Route]:
    """`routes`, for the server to mount (`lab.py`); the Class page then knows that pupils' sends
    have somewhere to go (`serving`), and warns a teacher whose server has not mounted them."""
    global _serving
    _serving = True
    return routes(store, base_path)


def serving() -> bool:
    return _serving


def routes(store: Callable[[], ClassStore], base_path: str = "") -> list[Route]:
    """The two routes, under the server's base path (Streamlit's `server.baseUrlPath`)."""
    base = "/" + "/".join(part for part in base_path.split("/") if part)
    prefix = "" if base == "/" else base

    def seated(body: dict) -> ClassStore:
        """The store, once the caller is known to sit in the room: a code alone opens nothing."""
        if not store().seated(body.get("code"), body.get("pupil")):
            raise Refused(NOT_SEATED)
        return store()

    async def send(request: Request) -> JSONResponse:
        # The store checks the seat itself, in the send's own transaction (NotSeated).
        return await _answer(request, lambda body: store().send(
            body.get("code"), body.get("pupil"), decode_image(body.get("image")),
            body.get("digit")))

    async def withdraw(request: Request) -> JSONResponse:
        def take_back(body: dict) -> int:
            seated(body).withdraw(body.get("code"), body.get("pupil"), body.get("id"))
            return int(body["id"])  # the store has checked it is a drawing id
        return await _answer(request, take_back)

    return [Route(f"{prefix}/{SEND_PATH}", send, methods=["POST"]),
            Route(f"{prefix}/{WITHDRAW_PATH}", withdraw, methods=["POST"])]


async def _answer(request: Request, action: Callable[[dict], int]) -> JSONResponse:
    """Read the JSON body, run the store call in a worker thread, and say how it went."""
    try:
        body = await _json_body(request)
        drawing_id = await run_in_threadpool(action, body)
    except BadRequest as exc:
        return JSONResponse({"error": str(exc)}, status_code=exc.status)
    except NotSeated:
        return JSONResponse({"error": NOT_SEATED}, status_code=409)
    except Refused as exc:
        return JSONResponse({"error": str(exc)}, status_code=409)
    except StoreUnavailable:
        return JSONResponse({"error": BUSY}, status_code=503)
    return JSONResponse({"id": drawing_id})


async def _json_body(request: Request) -> dict:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise BadRequest(415, NOT_A_REQUEST)
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise BadRequest(413, NOT_A_REQUEST)
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise BadRequest(413, NOT_A_REQUEST)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(400, NOT_A_REQUEST) from None
    if not isinstance(body, dict):
        raise BadRequest(400, NOT_A_REQUEST)
    return body


def encode_image(image: np.ndarray) -> str:
    """A 28x28 drawing as the page holds it: base64 of its float32 pixels (exact, 4.2 kB)."""
    return base64.b64encode(np.asarray(image, IMAGE_DTYPE).tobytes()).decode()


def decode_image(text: object) -> np.ndarray:
    """`encode_image` undone; the store then checks the values (finite, in [0, 1])."""
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else b""
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != IMAGE_DTYPE.itemsize * IMAGE_SHAPE[0] * IMAGE_SHAPE[1]:
        raise Refused(NOT_A_PICTURE)
    return image_from_bytes(raw)
