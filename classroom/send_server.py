"""Class mode's two endpoints (`classroom.http_api`) as a web app of their own.

    python -m uvicorn classroom.send_server:app --port 8600

`deploy/serve.py` runs it in a process beside the app processes, and nginx sends `/api/class/`
there: a class of 60 sends 30 drawings a second, and in the app processes each send held the
interpreter (the GIL) that also runs the pupils' strokes. The app processes still serve the
same routes (`lab.py`): nginx passes a send to them when this process is down.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from classroom import http_api
from classroom.store import default_store

HEALTH_PATH = "/api/class/health"
WHO = "class send server"  # what the health route answers: which process nginx reached


async def health(_: Request) -> PlainTextResponse:
    return PlainTextResponse(WHO)


app = Starlette(routes=[*http_api.routes(default_store), Route(HEALTH_PATH, health)])
