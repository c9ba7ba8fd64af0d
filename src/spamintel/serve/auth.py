"""Access tokens for the dashboard: when the site sets any, every request (pages, API,
feeds, static files) must present one, as ``Authorization: Bearer <token>`` or as the
password of HTTP Basic (any user name), so a browser, ``curl -u`` or a MISP feed pull all
work."""

from __future__ import annotations

import base64
import hmac
import stat
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from fastapi import Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from spamintel.serve._path import app_path

TOKEN_MIN_LENGTH = 16
CHALLENGE = 'Basic realm="spamintel", charset="UTF-8"'


class TokenFileError(ValueError):
    """A token file that cannot guard the dashboard (empty, short or malformed tokens)."""


def read_tokens(path: Path) -> tuple[str, ...]:
    """The tokens in ``path``: one a line, blank lines and ``#`` comments skipped; each at
    least ``TOKEN_MIN_LENGTH`` printable characters without spaces. Several tokens let a
    site rotate them."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenFileError(f"cannot read {path}: {exc}") from exc
    tokens = tuple(line.strip() for line in text.splitlines()
                   if line.strip() and not line.lstrip().startswith("#"))
    if not tokens:
        raise TokenFileError(f"no token in {path}")
    for number, token in enumerate(tokens, 1):
        if len(token) < TOKEN_MIN_LENGTH or not token.isprintable() or " " in token:
            raise TokenFileError(f"token {number} is shorter than {TOKEN_MIN_LENGTH} "
                                 f"characters or holds spaces ({path})")
    return tokens


def readable_by_others(path: Path) -> bool:
    """True when users other than the owner may read the token file."""
    return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))


def presented_token(authorization: str | None) -> str | None:
    """The token in an ``Authorization`` header (Bearer, or Basic's password); None when
    there is none or the header is malformed."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value or None
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except ValueError:  # not base64 (binascii.Error), not ASCII, or not UTF-8 inside
        return None
    _, colon, password = decoded.partition(":")
    return password if colon and password else None


def token_accepted(presented: str | None, tokens: Sequence[str]) -> bool:
    """Whether ``presented`` is one of ``tokens``, compared in constant time and against
    every token, so the time taken tells nothing about which one nearly matched."""
    if presented is None:
        return False
    given = presented.encode("utf-8")
    matches = [hmac.compare_digest(given, token.encode("utf-8")) for token in tokens]
    return any(matches)


def token_guard(tokens: Sequence[str], json_paths: tuple[str, ...],
                open_paths: frozenset[str] = frozenset()
                ) -> Callable[[Request, Callable[[Request], Awaitable[Response]]],
                              Awaitable[Response]]:
    """An HTTP middleware that answers 401 with a Basic challenge unless the request
    presents one of ``tokens`` or asks for one of ``open_paths`` (exact paths, such as a
    health check that reveals nothing); JSON under ``json_paths``, plain text elsewhere."""
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                    ) -> Response:
        path = app_path(request)
        if (path in open_paths
                or token_accepted(presented_token(request.headers.get("authorization")),
                                  tokens)):
            return await call_next(request)
        headers = {"WWW-Authenticate": CHALLENGE}
        if path.startswith(json_paths):
            return JSONResponse({"detail": "authentication required"}, 401, headers)
        return PlainTextResponse("authentication required\n", 401, headers)
    return guard
