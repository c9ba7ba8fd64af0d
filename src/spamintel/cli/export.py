"""``spamintel export``: blocklist and threat-intel feeds from a window of the store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from spamintel.cli._app import app, config_from, existing_store, folder_to_write
from spamintel.export import (
    FORMATS,
    NotAnalysedError,
    Selection,
    check_formats,
    check_zone,
    export,
    export_window,
    load_allow_list,
)
from spamintel.export.indicators import MAX_WINDOW_DAYS
from spamintel.export.run import DEFAULT_ZONE
from spamintel.store import Store

_DAY = ["%Y-%m-%d"]


def _usage(check, value, hint: str):
    try:
        return check(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=hint) from exc


@app.command("export")
def export_cmd(
    store: Path = typer.Option(..., "--store", help="Event store directory (analysed)."),
    formats: str = typer.Option(",".join(FORMATS), "--format", help="Comma-separated formats."),
    out: Path = typer.Option(Path("export"), "--out", help="Output directory."),
    days: int = typer.Option(7, "--days", min=1, max=MAX_WINDOW_DAYS,
                             help="Window: the last N days of the data."),
    since: datetime | None = typer.Option(None, "--since", formats=_DAY, help="First day."),
    until: datetime | None = typer.Option(None, "--until", formats=_DAY, help="Last day."),
    min_confidence: float = typer.Option(0.5, "--min-confidence", min=0.0, max=1.0,
                                         help="Least botnet attribution confidence."),
    zone: str = typer.Option(DEFAULT_ZONE, "--zone", help="DNSBL / RPZ zone name."),
    config: Path | None = typer.Option(None, "--config", help="TOML configuration file."),
    allow: Path | None = typer.Option(None, "--allow", exists=True, dir_okay=False,
                                      help="Domains never to list, one a line."),
    botnet: list[str] = typer.Option([], "--botnet", help="Only indicators of this botnet "
                                     "(any case; repeat for several)."),
) -> None:
    """Write one feed file per format into --out and print their paths."""
    wanted = _usage(check_formats, tuple(f.strip() for f in formats.split(",")), "--format")
    zone = _usage(check_zone, zone, "--zone")
    st = Store(existing_store(store))
    window = _usage(lambda _: export_window(st, days, since and since.date(),
                                            until and until.date()), None, "--since")
    selection = Selection(min_confidence, config_from(config).parse.trusted_relays,
                          load_allow_list(allow) if allow else frozenset(),
                          frozenset(botnet))
    try:
        result = export(st, folder_to_write(out, "--out"), wanted, window,
                        selection=selection, zone=zone, now=datetime.now(UTC))
    except NotAnalysedError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    found = result.indicators
    typer.echo(f"{window.first}..{window.last}: {len(found.ips)} bot IPs, "
               f"{len(found.domains)} domains, {len(found.hashes)} file hashes"
               f"{'' if found.all() else ' (nothing to list: the files are empty)'}", err=True)
    for path in result.paths:
        typer.echo(str(path))
