"""``mentor-rules serve``: the REST API and the page, a Starlette application on uvicorn.

The server process parses HTTP and holds requests to their bounds; the advice is worked out in
worker processes (:mod:`.workers`), each with one advisor made once. What is guarded: a body is
read only up to the limit ``max_document_bytes`` (413 beyond it); each request is answered
within a time bound, or stopped and answered 503; a few requests may wait for a worker, more are
answered 503 at once; the server listens on 127.0.0.1 unless told otherwise; no CORS headers
unless origins are given; every page escapes what came from the request. See docs/serve.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import socket
import sys
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

from attrs import field, frozen
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .._errors import EngineError, Problem
from .._repr import attrs_repr
from .._version import LIBRARY, VERSION
from ..advice.advisor import Advisor
from ..engines import EngineName
from ..io.schemas import SCHEMAS
from ..model.limits import Limits
from ..rules.ruleset import RuleSet
from .answers import HTML, JSON, Answer, Job, Op, error_body
from .openapi import openapi
from .page import PEOPLE_ROWS, page, situation_from_form
from .workers import Busy, Crashed, Full, Pool, TimedOut

__all__ = ["DEFAULT_TIMEOUT", "Settings", "create_app", "serve"]

#: Seconds a request may take by default: the costliest situation within the default limits
#: takes about 2.4 s on a 2-core machine (docs/limits.md), 4 s when it is busy.
DEFAULT_TIMEOUT = 10.0
#: Requests that may wait for a free worker, for each worker, beyond those being worked on.
BACKLOG_PER_WORKER = 32
#: Fields the page's form may hold: at most 10 for each person, and 30 others.
_FIELDS_PER_PERSON, _OTHER_FIELDS = 12, 100


@frozen(kw_only=True)
class Settings:
    """What the server runs: the rule set, the engine asked for, the limits, how many worker
    processes, the time bound in seconds, and the origins allowed to call it from a browser
    (CORS; none by default)."""

    __repr__ = attrs_repr

    rules: RuleSet
    engine: EngineName = "auto"
    limits: Limits = field(factory=Limits)
    workers: int = 1
    timeout: float = DEFAULT_TIMEOUT
    cors_origins: tuple[str, ...] = ()


_JSON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
#: The page needs no script and loads nothing: a policy that forbids both, so that markup that
#: ever slipped through escaping could not run or call out.
_PAGE_HEADERS = {
    **_JSON_HEADERS,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _json(document: object, status: int = 200) -> Response:
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return Response(body, status, headers=_JSON_HEADERS, media_type=JSON)


def _error(request: Request, status: int, message: str, path: str = "") -> Response:
    body = error_body(_source(request), [Problem(path, message)])
    headers = {**_JSON_HEADERS, **({"Retry-After": "1"} if status == 503 else {})}
    return Response(body, status, headers=headers, media_type=JSON)


def _source(request: Request) -> str:
    return f"{request.method} {request.url.path}"


class _TooLarge(Exception):
    """The body is larger than the limit."""


async def _body(request: Request, most: int) -> bytes:
    """The request's body, read no further than ``most`` bytes (:class:`_TooLarge` beyond)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > most:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > most:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class _Service:
    """The routes, over one pool of workers."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        make = functools.partial(
            Advisor, settings.rules, engine=settings.engine, limits=settings.limits
        )
        self.pool = Pool(make, settings.workers, backlog=BACKLOG_PER_WORKER * settings.workers)
        #: Why the workers could not start, for :func:`serve` to raise (uvicorn only logs it).
        self.failure: EngineError | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        try:
            await self.pool.start()
        except EngineError as error:
            self.failure = error
            raise
        try:
            yield
        finally:
            await self.pool.close()

    def _deadline(self) -> float:
        return asyncio.get_running_loop().time() + self.settings.timeout

    async def _run(self, request: Request, op: Op, body: bytes, deadline: float) -> Answer:
        """The workers' answer; a 503 answer when they give none in time."""
        source = _source(request)
        bound = f"{self.settings.timeout:g} s"
        try:
            return await self.pool.run(Job(op, body, source), deadline)
        except Full:
            message = "the server is busy: too many requests are waiting for a worker"
        except Busy:
            message = f"the server is busy: no worker came free within the time bound ({bound})"
        except TimedOut:
            message = f"the answer took longer than the time bound ({bound}) and was stopped"
        except Crashed:
            message = "the worker process ended while it worked on this request"
        return Answer(503, error_body(source, [Problem("", message)]))

    async def _api(self, request: Request, op: Op) -> Response:
        deadline = self._deadline()
        most = self.settings.limits.max_document_bytes
        try:
            body = await asyncio.wait_for(_body(request, most), self.settings.timeout)
        except _TooLarge:
            return _error(
                request,
                413,
                f"the body is larger than the limit of {most} bytes (max_document_bytes)",
            )
        except TimeoutError:
            return _error(request, 503, "the body did not arrive within the time bound")
        answer = await self._run(request, op, body, deadline)
        headers = {**_JSON_HEADERS, **({"Retry-After": "1"} if answer.status == 503 else {})}
        return Response(answer.body, answer.status, headers=headers, media_type=answer.media_type)

    async def advise(self, request: Request) -> Response:
        return await self._api(request, Op.ADVISE)

    async def explain(self, request: Request) -> Response:
        return await self._api(request, Op.EXPLAIN)

    async def match(self, request: Request) -> Response:
        return await self._api(request, Op.MATCH)

    async def schema(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in SCHEMAS:
            return _error(
                request,
                404,
                f"no schema called {name!r}; the schemas are {', '.join(SCHEMAS)}",
                "name",
            )
        return _json(SCHEMAS[name]())

    async def rules(self, request: Request) -> Response:
        rules = self.settings.rules
        return _json(
            {
                "library": LIBRARY,
                "version": VERSION,
                "engine": self.pool.engine,
                "rule_set": _unstructure(rules.info),
                "rules": sorted(rules.ids),
                "limits": _unstructure(self.settings.limits),
            }
        )

    async def health(self, request: Request) -> Response:
        ready = self.pool.ready
        status = "ok" if ready else "unavailable"
        document = {
            "status": status,
            "version": VERSION,
            "workers": self.pool.workers,
            "ready": ready,
        }
        return _json(document, 200 if ready else 503)

    async def openapi(self, request: Request) -> Response:
        return _json(_openapi())

    async def page(self, request: Request) -> Response:
        if request.method == "GET":
            return _html(page({}, PEOPLE_ROWS))
        deadline = self._deadline()
        most = self.settings.limits.max_document_bytes
        try:
            body = await asyncio.wait_for(_body(request, most), self.settings.timeout)
        except _TooLarge:
            return _html(page({}, PEOPLE_ROWS, notice="The form was too large to read."), 413)
        except TimeoutError:
            return _html(page({}, PEOPLE_ROWS, notice="The form did not arrive in time."), 503)
        text = body.decode("utf-8", errors="replace")
        most_fields = _FIELDS_PER_PERSON * self.settings.limits.max_candidates + _OTHER_FIELDS
        try:
            fields = parse_qs(text, keep_blank_values=True, max_num_fields=most_fields)
        except ValueError:  # more fields than any form of this page holds
            return _html(page({}, PEOPLE_ROWS, notice="The form was too large to read."), 413)
        form = situation_from_form(fields, max_people=self.settings.limits.max_candidates)
        shown = functools.partial(
            page, fields, form.people_rows, places=form.places, document=form.document
        )
        if form.problems:
            return _html(shown(problems=form.problems), 422)
        if fields.get("more") or not form.document["candidates"]:
            notice = "" if fields.get("more") else "Add at least one person you might ask."
            return _html(shown(notice=notice))
        data = json.dumps(form.document).encode("utf-8")
        answer = await self._run(request, Op.REPORT, data, deadline)
        if answer.status == 200:
            return _html(shown(report=answer.body.decode("utf-8")))
        problems = [Problem(**p) for p in json.loads(answer.body)["error"]]
        if answer.status == 503:
            notice = f"No advice this time: {problems[0].message}. Please try again."
            return _html(shown(notice=notice), 503)
        return _html(shown(problems=problems), answer.status)


@functools.cache
def _openapi() -> dict[str, Any]:
    """The OpenAPI document, made once (it never changes while the server runs)."""
    return openapi()


def _unstructure(value: object) -> Any:
    from ..model.documents import converter

    return converter.unstructure(value)


def _html(text: str, status: int = 200) -> Response:
    return Response(text.encode("utf-8"), status, headers=_PAGE_HEADERS, media_type=HTML)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(request, exc.status_code, exc.detail.lower())


def create_app(settings: Settings) -> Starlette:
    """The application: the routes of docs/serve.md over a pool of ``settings.workers``
    worker processes, started when the application starts and stopped when it stops."""
    service = _Service(settings)
    middleware: list[Middleware] = []
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type"],
            )
        )
    routes = [
        Route("/", service.page, methods=["GET", "POST"]),
        Route("/v1/advise", service.advise, methods=["POST"]),
        Route("/v1/explain", service.explain, methods=["POST"]),
        Route("/v1/match", service.match, methods=["POST"]),
        Route("/v1/schema/{name}", service.schema, methods=["GET"]),
        Route("/v1/rules", service.rules, methods=["GET"]),
        Route("/health", service.health, methods=["GET"]),
        Route("/openapi.json", service.openapi, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=service.lifespan,
        exception_handlers={HTTPException: _http_error},
    )
    app.state.service = service
    return app


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (0: a free port), IPv4 or IPv6 as ``host`` is.

    Made with the protocol number ``getaddrinfo`` gives (TCP): asyncio turns Nagle's algorithm
    off (``TCP_NODELAY``) only on connections whose socket says TCP, and with it on, a response
    written in two parts waited for the client's delayed acknowledgement, about 40 ms on every
    request after the first on a kept-alive connection."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )[0]
    listening = socket.socket(family, kind, proto)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
        listening.listen(2048)
    except OSError:
        listening.close()
        raise
    return listening


def serve(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    access_log: bool = False,
) -> None:
    """Run the server until it is stopped (Ctrl-C, SIGTERM). Raises ``OSError`` when it cannot
    listen on ``host``:``port``, and :class:`EngineError` when the workers cannot start. Once
    the workers are ready, a line saying where it listens goes to standard error."""
    import uvicorn

    listening = _listen(host, port)
    bound_port = listening.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=access_log,
        http="h11",
        loop="asyncio",
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=max(1, int(settings.timeout)),
    )
    server = uvicorn.Server(config)

    async def run() -> None:
        task = asyncio.create_task(server.serve(sockets=[listening]))
        while not server.started and not task.done():
            await asyncio.sleep(0.05)
        if server.started:
            print(
                f"mentor-rules serve: listening on http://{shown_host}:{bound_port}/ "
                f"({settings.workers} worker{'s' * (settings.workers != 1)}, time bound "
                f"{settings.timeout:g} s)",
                file=sys.stderr,
                flush=True,
            )
        await task

    try:
        asyncio.run(run())
    finally:
        listening.close()
    failure: EngineError | None = app.state.service.failure
    if failure is not None:
        raise failure
