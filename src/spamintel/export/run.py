"""The export job: select a window's indicators once, write one file per format."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from spamintel.export._safe import safe_domain
from spamintel.export.csvfeed import to_csv
from spamintel.export.indicators import Indicators, Selection, Window, select
from spamintel.export.misp import to_misp
from spamintel.export.rbldnsd import to_rbldnsd, to_rbldnsd6
from spamintel.export.rpz import to_rpz
from spamintel.export.stix import to_stix
from spamintel.store import Store

DEFAULT_ZONE = "spamintel.invalid"
Writer = Callable[[Indicators, str, datetime], str]
# format -> (file name, writer); the writers are pure functions of the indicators.
FORMATS: dict[str, tuple[str, Writer]] = {
    "rbldnsd": ("spamintel-bots.rbldnsd", lambda i, z, n: to_rbldnsd(i, zone=z, now=n)),
    "rbldnsd6": ("spamintel-bots6.rbldnsd", lambda i, z, n: to_rbldnsd6(i, zone=z, now=n)),
    "rpz": ("spamintel.rpz", lambda i, z, n: to_rpz(i, zone=z, now=n)),
    "spamhaus-csv": ("spamintel-bots.csv", lambda i, z, n: to_csv(i)),
    "stix": ("spamintel.stix.json", lambda i, z, n: to_stix(i, now=n)),
    "misp": ("spamintel.misp.json", lambda i, z, n: to_misp(i, now=n)),
}


@dataclass
class ExportResult:
    """What an export wrote: the indicators, the files, and seconds per step."""

    indicators: Indicators
    paths: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The requested formats, each known (``ValueError`` names an unknown one)."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown format {', '.join(unknown) or '(none)'}; "
                         f"choose from {', '.join(FORMATS)}")
    return tuple(dict.fromkeys(formats))


def check_zone(zone: str) -> str:
    """``zone`` as a valid DNS name (``ValueError`` otherwise)."""
    name = safe_domain(zone, max_length=200, min_labels=1)
    if name is None:
        raise ValueError(f"not a valid zone name: {zone!r}")
    return name


def export(store: Store, out: Path, formats: Sequence[str], window: Window, *,
           selection: Selection | None = None, zone: str = DEFAULT_ZONE,
           now: datetime) -> ExportResult:
    """Write ``window``'s indicators into ``out``, one file per format (each replaced
    atomically), stamped ``now``."""
    started = time.perf_counter()
    result = ExportResult(select(store, window, selection or Selection()))
    result.seconds["select"] = time.perf_counter() - started
    out.mkdir(parents=True, exist_ok=True)
    for name in check_formats(formats):
        started = time.perf_counter()
        file_name, writer = FORMATS[name]
        path = out / file_name
        tmp = path.with_name(f".tmp-{file_name}")
        tmp.write_text(writer(result.indicators, check_zone(zone), now), encoding="utf-8")
        os.replace(tmp, path)
        result.paths.append(path)
        result.seconds[name] = time.perf_counter() - started
    return result
