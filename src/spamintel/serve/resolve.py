"""What a request names (a month, a botnet), checked against the store: a malformed value
is a 422 and one the store does not hold is a 404, each with a message saying which."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

from spamintel.report import intel
from spamintel.report.figures import normalize_month
from spamintel.serve import queries
from spamintel.serve.snapshot import Snapshot


def snapshot(request: Request) -> Snapshot:
    """The store's current snapshot (a FastAPI dependency)."""
    return request.app.state.snapshots.current()


def months(snap: Snapshot) -> list[str]:
    """The store's months, oldest first (read once per snapshot)."""
    return snap.memo("months", lambda: snap.read(intel.held_months))  # the CLI's months


def data_source(snap: Snapshot) -> str | None:
    """The store's simulated-world note, if any (read once per snapshot)."""
    return snap.memo("data_source", lambda: snap.read(intel.data_source))


def botnet_names(snap: Snapshot) -> list[str]:
    """Every botnet the store names (read once per snapshot)."""
    return snap.memo("botnets", lambda: snap.read(queries.botnet_names))


def month(snap: Snapshot, value: str | None) -> str:
    """``value`` as ``YYYY-MM`` when the store has that month; the latest month for none."""
    held = months(snap)
    if value is None or not value.strip():
        if not held:
            raise HTTPException(404, "the store holds no events yet")
        return held[-1]
    try:
        value = normalize_month(value)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    if value not in held:
        span = f"{held[0]} to {held[-1]}" if held else "none"
        raise HTTPException(404, f"no data for month {value} (months held: {span})")
    return value


def botnet(snap: Snapshot, name: str | None) -> str | None:
    """``name`` when the store knows that botnet; none or an empty one is ``None`` (every
    botnet, as an empty ``month`` is every month)."""
    if name is not None and not name.strip():
        return None
    if name is not None and name not in botnet_names(snap):
        raise HTTPException(404, f"unknown botnet {name!r}")
    return name


def botnet_detail(snap: Snapshot, name: str) -> dict[str, Any]:
    """``queries.botnet_detail`` of a botnet the store knows (404 otherwise), read once
    per snapshot."""
    name = botnet(snap, name) or ""
    return snap.memo(f"botnet:{name}", lambda: snap.read(queries.botnet_detail, name))
