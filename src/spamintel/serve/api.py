"""The JSON API under ``/api``: the monthly report, botnets, events, campaigns and the
daily series, read from one snapshot of the store."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import Response

from spamintel.report.render import to_json
from spamintel.serve import queries, resolve
from spamintel.serve.snapshot import Snapshot

router = APIRouter(prefix="/api", tags=["api"])
Snap = Annotated[Snapshot, Depends(resolve.snapshot)]
MonthQ = Annotated[str | None, Query(description="Month, YYYY-MM (default: the latest).",
                                     examples=["2011-03"])]
BotnetQ = Annotated[str | None, Query(description="Only this botnet.", examples=["Rustock"])]
TypeQ = Annotated[str | None, Query(alias="type", description="Only events of this type.",
                                    pattern=r"^[a-z_]{1,40}$", examples=["takedown"])]
LimitQ = Annotated[int, Query(ge=1, le=1000, description="Most rows to return.")]
Responses = dict[int | str, dict[str, Any]]  # FastAPI's ``responses=`` (OpenAPI per status)
JSON_OK: Responses = {200: {"content": {"application/json": {}}, "description": "JSON object"}}
ERRORS: Responses = {404: {"description": "Unknown month or botnet: `{\"detail\": \"...\"}`"},
                     422: {"description": "Malformed parameter: `{\"detail\": ...}`"}}


def _json(data: dict[str, Any]) -> Response:
    """``data`` as JSON the way the report writes it (dates ISO, non-finite numbers null)."""
    return Response(to_json(data), media_type="application/json")


@router.get("/months", responses=JSON_OK)
def months(snap: Snap) -> Response:
    """Months the store holds, oldest first, and the latest."""
    held = resolve.months(snap)
    return _json({"months": held, "latest": held[-1] if held else None})


@router.get("/report/{month}", responses={**JSON_OK, **ERRORS})
def report(snap: Snap, month: Annotated[str, Path(examples=["2011-03"])]) -> Response:
    """The month's report: the same JSON as `spamintel report --format json` writes
    (`month`, `headline`, `botnets`, `events`, `daily` and the other figures)."""
    return Response(snap.report_json(resolve.month(snap, month)),
                    media_type="application/json")


@router.get("/botnets", responses={**JSON_OK, **ERRORS})
def botnets(snap: Snap, month: MonthQ = None) -> Response:
    """Botnets active in the month, largest first: bots, spam per day (with interval),
    share of spam and change against the previous month."""
    month = resolve.month(snap, month)
    return _json({"month": month, "botnets": snap.figures(month)["botnets"]})


@router.get("/botnets/{name:path}", responses={**JSON_OK, **ERRORS})
def botnet(snap: Snap, name: str) -> Response:
    """One botnet over the whole period: monthly figures, daily series, bots per day,
    its events, its largest campaigns and its sender clusters with their traits."""
    return _json(resolve.botnet_detail(snap, name))


@router.get("/events", responses={**JSON_OK, **ERRORS})
def events(snap: Snap, kind: TypeQ = None, botnet: BotnetQ = None,
           month: Annotated[str | None, Query(description="Only this month, YYYY-MM.")] = None
           ) -> Response:
    """Detected events (takedowns, pauses, surges, new botnets, content switches...),
    oldest first, with the botnets that took over after a stop."""
    botnet = resolve.botnet(snap, botnet)
    month = resolve.month(snap, month) if month else None
    rows = snap.read(queries.events, kind, botnet, month)
    return _json({"type": kind, "botnet": botnet, "month": month, "events": rows})


@router.get("/campaigns", responses={**JSON_OK, **ERRORS})
def campaigns(snap: Snap, month: MonthQ = None, botnet: BotnetQ = None,
              limit: LimitQ = 50) -> Response:
    """The largest campaigns of the month (messages that month): category, senders,
    subject example and advertised URL domains (message text: escape it when shown)."""
    month = resolve.month(snap, month)
    botnet = resolve.botnet(snap, botnet)
    rows = snap.read(queries.campaigns, month, botnet, limit)
    return _json({"month": month, "botnet": botnet, "campaigns": rows})


@router.get("/daily", responses={**JSON_OK, **ERRORS})
def daily(snap: Snap,
          start: Annotated[date | None, Query(alias="from", description="First day.")] = None,
          end: Annotated[date | None, Query(alias="to", description="Last day.")] = None,
          botnet: BotnetQ = None) -> Response:
    """Observed and estimated spam per day (with interval): `scope` is `global`,
    `nonbotnet` or `botnet` (then `botnet` names it)."""
    if start and end and start > end:
        raise HTTPException(422, f"'from' ({start}) is after 'to' ({end})")
    botnet = resolve.botnet(snap, botnet)
    rows = snap.read(queries.daily, start, end, botnet)
    return _json({"from": start, "to": end, "botnet": botnet, "days": rows})
