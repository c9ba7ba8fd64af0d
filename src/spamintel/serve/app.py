"""The dashboard application: pages, JSON API, static files and security headers over one
store, which it only reads."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import duckdb
from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from spamintel.serve import api, feeds, pages, resolve
from spamintel.serve._path import app_path
from spamintel.serve.auth import token_guard
from spamintel.serve.snapshot import SnapshotCache
from spamintel.store import Store

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
JSON_PATHS = ("/api/", "/openapi.json", "/feeds/")


async def _secure(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                  ) -> Response:
    """Add ``SECURITY_HEADERS`` to every response (pages, API and static files)."""
    response = await call_next(request)
    response.headers.update(SECURITY_HEADERS)
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    """A 404 or other HTTP error: JSON under the API, an HTML page elsewhere."""
    assert isinstance(exc, HTTPException)
    if app_path(request).startswith(JSON_PATHS):
        return await http_exception_handler(request, exc)
    title = "not found" if exc.status_code == 404 else "error"
    return pages.render(request, "error.html.j2", status=exc.status_code,
                        code=exc.status_code, title=title, detail=exc.detail, months=[])


async def _invalid(request: Request, exc: Exception) -> Response:
    """A malformed parameter (422): FastAPI's JSON under the API, an HTML page elsewhere."""
    assert isinstance(exc, RequestValidationError)
    if app_path(request).startswith(JSON_PATHS):
        return await request_validation_exception_handler(request, exc)
    detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}"
                       for e in exc.errors())
    return pages.render(request, "error.html.j2", status=422, code=422, title="bad request",
                        detail=detail, months=[])


HEALTH_PATH = "/healthz"


def _health(request: Request) -> JSONResponse:
    """Health check for a load balancer or service manager: 200 while the store can be
    read, else 503; it tells nothing about the store's contents, so it needs no token."""
    try:
        request.app.state.snapshots.current()
    except (OSError, duckdb.Error):
        return JSONResponse({"status": "unavailable"}, 503)
    return JSONResponse({"status": "ok"})


def _warm(cache: SnapshotCache, stop: threading.Event) -> None:
    """Read every month's figures, latest first, so pages come from the cache; ``stop``
    ends it between months."""
    snap = cache.current()
    for month in reversed(resolve.months(snap)):
        if stop.is_set():
            return
        snap.figures(month)


def create_app(store: Store | str | Path, warm: bool = True,
               tokens: Sequence[str] = ()) -> FastAPI:
    """The dashboard and JSON API over ``store``; with ``warm`` every month's figures are
    read in the background at startup (about half a second a month on 270k events). With
    ``tokens`` every request must present one of them (``serve.auth``)."""
    cache = SnapshotCache(store if isinstance(store, Store) else Store(store))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        warming = threading.Thread(target=_warm, args=(cache, stop), daemon=True)
        if warm:
            warming.start()
        yield
        stop.set()
        if warming.is_alive():
            await asyncio.to_thread(warming.join)

    app = FastAPI(title="spamintel", summary="Botnet intelligence from spam traps and feeds.",
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.snapshots = cache
    if tokens:
        app.middleware("http")(token_guard(tuple(tokens), JSON_PATHS,
                                           frozenset({HEALTH_PATH})))
    app.middleware("http")(_secure)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_api_route(HEALTH_PATH, _health, methods=["GET"], include_in_schema=False)
    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
