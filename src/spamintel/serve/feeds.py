"""The feeds over HTTP under ``/feeds``: what ``spamintel export`` writes, for the tools
that pull a URL (a MISP feed, a TIP's STIX import, a DNSBL or RPZ mirror's fetch)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.responses import Response

from spamintel.export import (
    FORMATS,
    Indicators,
    NotAnalysedError,
    Selection,
    export_window,
    select,
)
from spamintel.export.run import DEFAULT_ZONE
from spamintel.serve import resolve
from spamintel.serve.snapshot import Snapshot

router = APIRouter(prefix="/feeds", tags=["feeds"])
Snap = Annotated[Snapshot, Depends(resolve.snapshot)]
MEDIA_TYPES = {"rbldnsd": "text/plain", "rbldnsd6": "text/plain", "rpz": "text/plain",
               "spamhaus-csv": "text/csv", "stix": "application/json",
               "misp": "application/json"}


@router.get("/{name}", responses={200: {"description": "The feed file"},
                                  404: {"description": "Unknown format or unanalysed store"},
                                  422: {"description": "Malformed parameter"}})
def feed(snap: Snap,
         name: Annotated[str, Path(description=f"One of {', '.join(FORMATS)}.",
                                   examples=["rbldnsd"])],
         days: Annotated[int, Query(ge=1, le=3660, description="The data's last N days.")] = 7,
         min_confidence: Annotated[float, Query(ge=0.0, le=1.0, description=(
             "Least botnet attribution confidence."))] = 0.5,
         botnet: Annotated[str | None, Query(max_length=200, description=(
             "Only indicators of this botnet (any case)."), examples=["Cutwail"])] = None
         ) -> Response:
    """The feed of the data's last ``days`` days as `spamintel export` writes it (zone
    `spamintel.invalid`), built once per state of the store."""
    if name not in FORMATS:
        raise HTTPException(404, f"unknown feed {name!r}; choose from {', '.join(FORMATS)}")
    chosen = Selection(min_confidence, botnets=frozenset({botnet} if botnet else ()))
    text = snap.memo(f"feed:{name}:{days}:{chosen}",
                     lambda: _text(snap, name, days, chosen))
    file_name, _ = FORMATS[name]
    return Response(text, media_type=MEDIA_TYPES[name],
                    headers={"Content-Disposition": f'attachment; filename="{file_name}"'})


def indicators(snap: Snapshot, days: int, selection: Selection) -> Indicators:
    """The indicators of the data's last ``days`` days, selected once per state of the
    store (404 for a store never analysed)."""
    def pick() -> Indicators:
        try:
            window = export_window(snap.store, days)
            return select(snap.store, window, selection)
        except NotAnalysedError as exc:
            raise HTTPException(404, str(exc)) from exc

    return snap.memo(f"indicators:{days}:{selection}", pick)


def _text(snap: Snapshot, name: str, days: int, selection: Selection) -> str:
    return FORMATS[name][1](indicators(snap, days, selection), DEFAULT_ZONE,
                            datetime.now(UTC))
