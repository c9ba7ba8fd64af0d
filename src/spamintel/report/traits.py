"""A sender cluster's defining traits in words, for the report's table of clusters.

The store keeps every trait as value shares (``attribute/traits.py``), fingerprints
included; a reader wants the ones that say how the mail was sent: the HELO the bots
give, the mail program they claim, the Message-ID shape, where they sit, how many
recipients a message has and how many campaigns they carry.
"""

from __future__ import annotations

import json
from typing import Any

from spamintel.model import TRAIT_NULL, TRAIT_TOP_VALUES

MAX_VALUE_CHARS = 60
MIN_CAMPAIGN_SHARE = 0.01
MIN_SHOWN_SHARE = 0.005


def _shares(values: Any, top: int) -> str:
    """The ``top`` most common values with their shares: "RU 30%, UA 20%"."""
    if not isinstance(values, dict):
        return ""
    ranked = sorted(((str(v), s) for v, s in values.items()
                     if isinstance(s, int | float) and s >= MIN_SHOWN_SHARE),
                    key=lambda vs: -vs[1])[:top]
    return ", ".join(f"{_short(v)} {100 * s:.0f}%" for v, s in ranked)


def _short(value: str) -> str:
    if value == TRAIT_NULL:
        return "none"
    return value if len(value) <= MAX_VALUE_CHARS else value[:MAX_VALUE_CHARS - 1] + "…"


def _campaigns(values: Any) -> str:
    """How many campaigns carry 1% or more of the cluster's mail; the store keeps its
    ``TRAIT_TOP_VALUES`` largest, so when all of those do, there may be more ("8+")."""
    if not isinstance(values, dict):
        return ""
    n = sum(1 for v, s in values.items()
            if v != TRAIT_NULL and isinstance(s, int | float) and s >= MIN_CAMPAIGN_SHARE)
    more = "+" if n >= TRAIT_TOP_VALUES else ""
    return "" if n == 0 else f"{n}{more} campaign{'s' if n > 1 else ''} of 1%+ of its mail"


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` when it is a dict (a trait stored as named fields), else an empty one."""
    return value if isinstance(value, dict) else {}


def describe(traits: dict[str, Any]) -> str:
    """Readable summary of one cluster's traits (``attribute.traits.cluster_traits``)."""
    dialect = _mapping(traits.get("smtp_dialect"))
    rcpt = _mapping(traits.get("rcpt_count"))
    parts = [("HELO", _shares(dialect.get("helo_shape"), 2)),
             ("X-Mailer", _shares(traits.get("x_mailer"), 2)),
             ("Message-ID", _shares(traits.get("message_id_shape"), 1)),
             ("countries", _shares(traits.get("client_cc"), 3)),
             ("recipients (median)", f"{rcpt['median']:g}" if "median" in rcpt else ""),
             ("", _campaigns(traits.get("campaign_id")))]
    return "; ".join(f"{k}: {v}" if k else v for k, v in parts if v)


def parse_traits(text: Any) -> dict[str, Any]:
    """A cluster's stored traits (JSON text) as a dict; ``{}`` for none or for text that
    is not a JSON object."""
    try:
        traits = json.loads(text or "{}")
    except (TypeError, ValueError):
        return {}
    return traits if isinstance(traits, dict) else {}
