"""The path a request asks for inside the app, whatever prefix a reverse proxy mounts it
under (``--root-path``)."""

from __future__ import annotations

from starlette.requests import Request


def app_path(request: Request) -> str:
    """``/api/months`` for ``/spamintel/api/months`` under ``--root-path /spamintel``: the
    server puts the prefix in front of the path, the app's own checks want it off."""
    root = request.scope.get("root_path", "").rstrip("/")
    return request.url.path.removeprefix(root) or "/"
