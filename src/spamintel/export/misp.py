"""MISP event JSON: one event for the window, an attribute per bot IP (``ip-src``),
domain (``domain``) and malware attachment (``sha256``), importable through MISP's
"Add event from JSON" or ``PyMISP.add_event``."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from spamintel.export._ids import uuid5
from spamintel.export.indicators import Indicator, Indicators

NAMESPACE = uuid.UUID("2b0f6d8e-7c1a-5e3b-8d4f-1a6c9e2f7b30")
EVENT_TAGS = ("tlp:amber",)
_TYPES = {"ip": ("ip-src", "Network activity"), "domain": ("domain", "Network activity"),
          "sha256": ("sha256", "Payload delivery")}
_LINKED = "domain only linked from phishing or malicious-link mail"
_WHAT = {"ip": "bot IP", "domain": "domain a link rule or feed named in malicious mail",
         "sha256": "malware attachment"}
# MISP enumerations: threat level 2 = medium, analysis 2 = completed, distribution
# 0 = this organisation only (the sharing decision is the importer's).
_EVENT_FIELDS = {"threat_level_id": "2", "analysis": "2", "distribution": "0",
                 "published": False}


def to_misp(indicators: Indicators, *, now: datetime) -> str:
    """The event as JSON text (loads with ``pymisp.MISPEvent().load``)."""
    window = indicators.window
    stamp = str(int(now.timestamp()))
    event = {
        "uuid": uuid5(NAMESPACE, f"event:{window.first}:{window.last}"),
        "info": f"spamintel: botnet spam indicators {window.first}..{window.last} "
                f"({len(indicators.ips)} bot IPs, {len(indicators.domains)} domains, "
                f"{len(indicators.hashes)} file hashes)",
        "date": window.last.isoformat(), "timestamp": stamp, **_EVENT_FIELDS,
        "Tag": [{"name": tag} for tag in EVENT_TAGS],
        "Attribute": [_attribute(ind, stamp) for ind in indicators.all()],
    }
    return json.dumps({"Event": event}, separators=(",", ":")) + "\n"


def _attribute(ind: Indicator, stamp: str) -> dict:
    kind, category = _TYPES[ind.kind]
    what = _WHAT[ind.kind] if ind.direct else _LINKED
    comment = f"{what}, {ind.messages} message(s)"
    if ind.botnet:
        comment += f", botnet {ind.botnet} (confidence {ind.confidence})"
    if ind.asn:
        comment += f", AS{ind.asn}"
    if ind.country:
        comment += f" {ind.country}"
    attribute = {
        "uuid": uuid5(NAMESPACE, f"{ind.kind}:{ind.value}"), "type": kind,
        "category": category, "value": ind.value, "to_ids": ind.direct, "comment": comment,
        "first_seen": ind.first_seen.isoformat(), "last_seen": ind.last_seen.isoformat(),
        "timestamp": stamp, "distribution": "5",
    }
    if ind.botnet:
        attribute["Tag"] = [{"name": f'spamintel:botnet="{ind.botnet}"'}]
    return attribute
