"""The dashboard's HTML pages, rendered on the server with Jinja (autoescaped): the
month's overview, a page per botnet, events, campaigns and the API reference."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader

from spamintel.export import Selection
from spamintel.report.narrative import month_name
from spamintel.report.render import FMT, headline_cards, visible
from spamintel.serve import charts, feeds, queries, resolve
from spamintel.serve._path import app_path
from spamintel.serve.snapshot import Snapshot

router = APIRouter(include_in_schema=False)
Snap = Annotated[Snapshot, Depends(resolve.snapshot)]
OptionalText = Annotated[str | None, Query()]
FEED_DAYS, FEED_CONFIDENCE = 7, 0.5

_env = Environment(loader=PackageLoader("spamintel.serve", "templates"), autoescape=True,
                   trim_blocks=True, lstrip_blocks=True, finalize=visible)
_env.filters["segment"] = lambda value: quote(str(value), safe="")
_env.filters["month_name"] = month_name
_env.globals["fmt"] = FMT


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """``template`` rendered with ``context``, the page's path (for the navigation) and the
    URL prefix a reverse proxy mounts the app under (``root``, for every link)."""
    root = request.scope.get("root_path", "").rstrip("/")
    html = _env.get_template(template).render(path=app_path(request), root=root, **context)
    return HTMLResponse(html, status_code=status)


def _common(snap: Snapshot, month: str | None) -> dict[str, Any]:
    """What every page's header needs: the months held, the one shown, and whether the
    data is simulated."""
    return {"months": resolve.months(snap), "month": month,
            "data_source": resolve.data_source(snap)}


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, snap: Snap, month: OptionalText = None) -> HTMLResponse:
    """The month's headline, spam per day by botnet, top botnets, events and campaigns
    (a page saying how to fill the store while it holds no events)."""
    if month is None and not resolve.months(snap):
        return render(request, "empty.html.j2", **_common(snap, None))
    month = resolve.month(snap, month)
    f = snap.figures(month)
    unit = next((r["unit"] for r in f["daily"] if r.get("unit")), "messages")
    chart = charts.stacked_daily(f["daily"], [b["name"] for b in f["botnets"]], unit)
    return render(request, "overview.html.j2", **_common(snap, month), f=f,
                  cards=headline_cards(f), chart=chart)


@router.get("/feeds", response_class=HTMLResponse)
def feeds_page(request: Request, snap: Snap) -> HTMLResponse:
    """The feeds of the data's last week: what each holds and its URL."""
    try:
        found = feeds.indicators(snap, FEED_DAYS, Selection(FEED_CONFIDENCE))
    except HTTPException as exc:
        return render(request, "feeds.html.j2", **_common(snap, None), found=None,
                      note=exc.detail, days=FEED_DAYS)
    return render(request, "feeds.html.j2", **_common(snap, None), found=found, note=None,
                  days=FEED_DAYS, direct=sum(d.direct for d in found.domains))


@router.get("/botnets/{name:path}", response_class=HTMLResponse)
def botnet(request: Request, snap: Snap, name: str) -> HTMLResponse:
    """One botnet: spam per day with its interval, bots per day, events, campaigns and
    sender clusters."""
    d = resolve.botnet_detail(snap, name)
    series = charts.botnet_series(d["daily"]) if d["daily"] else None
    bots = charts.bots_series(d["bots"]) if d["bots"] else None
    return render(request, "botnet.html.j2", **_common(snap, None), d=d, series=series,
                  bots=bots)


@router.get("/events", response_class=HTMLResponse)
def events(request: Request, snap: Snap,
           kind: Annotated[str | None, Query(alias="type")] = None,
           botnet: OptionalText = None, month: OptionalText = None) -> HTMLResponse:
    """Every detected event, filtered by type, botnet and month."""
    kind = kind or None
    name = resolve.botnet(snap, botnet or None)
    shown = resolve.month(snap, month) if month else None
    every = snap.memo("events", lambda: snap.read(queries.events))
    rows = [e for e in every if (kind is None or e["type"] == kind)
            and (name is None or e["botnet"] == name)
            and (shown is None or e["date"].strftime("%Y-%m") == shown)]
    return render(request, "events.html.j2", **_common(snap, shown), events=rows,
                  kinds=sorted({e["type"] for e in every}), kind=kind, botnet=name,
                  botnets=resolve.botnet_names(snap))


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns(request: Request, snap: Snap, month: OptionalText = None,
              botnet: OptionalText = None,
              limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> HTMLResponse:
    """The month's largest campaigns: subjects, categories, senders and URL domains."""
    month = resolve.month(snap, month)
    name = resolve.botnet(snap, botnet or None)
    rows = snap.read(queries.campaigns, month, name, limit)
    return render(request, "campaigns.html.j2", **_common(snap, month), campaigns=rows,
                  botnet=name, botnets=resolve.botnet_names(snap), limit=limit)


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request, snap: Snap) -> HTMLResponse:
    """The API reference, from the app's OpenAPI description (works offline)."""
    spec = request.app.openapi()
    return render(request, "docs.html.j2", **_common(snap, None), spec=spec)
