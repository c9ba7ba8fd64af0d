"""STIX 2.1 bundle: the producer's Identity, one Malware (a bot family) per botnet, an
Indicator per IP, domain and file hash, and ``indicates`` Relationships to the botnet.

Identity and Malware objects are built by ``stix2``. Indicators and Relationships, up to
hundreds of thousands, are laid out as plain dicts (``stix2`` spends 0.4 ms building and
validating each, most of it parsing the pattern), and ``stix2`` validates the first of
each kind, so a wrong field fails every export, not a consumer. Values reach the file
already checked (canonical IP, LDH domain, hex digest), and pattern literals are escaped
besides. Ids are UUIDv5 of the value, so re-exports update objects instead of adding new
ones.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from functools import lru_cache

import stix2

from spamintel.export._ids import uuid5
from spamintel.export.indicators import Indicator, Indicators

NAMESPACE = uuid.UUID("6f1c2a4e-3b2d-5f0a-9c1e-5a9d7e2b8c41")
PRODUCER = "spamintel"
_PATTERNS = {
    "ip": "[ipv4-addr:value = '{}']",
    "domain": "[domain-name:value = '{}']",
    "sha256": "[file:hashes.'SHA-256' = '{}']",
}
_TITLES = {"ip": "Bot IP", "domain": "Malicious domain", "sha256": "Malware attachment"}
_TYPES = {"ip": ["compromised"], "domain": ["malicious-activity"],
          "sha256": ["malicious-activity"]}


def stix_id(kind: str, key: str) -> str:
    """A stable STIX id: ``kind--uuid5(NAMESPACE, kind:key)``."""
    return f"{kind}--{uuid5(NAMESPACE, f'{kind}:{key}')}"


@lru_cache(maxsize=1024)
def _malware_id(name: str) -> str:
    return stix_id("malware", name)


def pattern(ind: Indicator) -> str:
    """The STIX pattern matching ``ind``, its literal escaped (STIX 2.1 pattern
    grammar: ``\\`` and ``'`` are the escapes in a string literal)."""
    literal = ind.value.replace("\\", "\\\\").replace("'", "\\'")
    if ind.kind == "ip" and ":" in ind.value:
        return f"[ipv6-addr:value = '{literal}']"
    return _PATTERNS[ind.kind].format(literal)


def to_stix(indicators: Indicators, *, now: datetime) -> str:
    """The bundle as JSON text (round-trips through ``stix2.parse``)."""
    stamp = timestamp(now)
    identity = stix2.Identity(id=stix_id("identity", PRODUCER), name=PRODUCER,
                              identity_class="system", created=stamp, modified=stamp,
                              description="Spam traps and mail feeds turned into botnet "
                                          "intelligence.")
    objects = [_plain(identity)]
    objects += [_plain(stix2.Malware(
        id=_malware_id(name), name=name, is_family=True, malware_types=["bot"],
        created_by_ref=identity.id, created=stamp, modified=stamp))
        for name in indicators.botnets()]
    until = timestamp(indicators.window.end)
    for ind in indicators.all():
        objects.append(_indicator(ind, until, identity.id, stamp))
        if ind.botnet:
            objects.append(_indicates(objects[-1]["id"], _malware_id(ind.botnet),
                                      identity.id, stamp))
    _validate_samples(objects)
    bundle = {"type": "bundle", "id": stix_id("bundle", f"{indicators.window}|{stamp}"),
              "objects": objects}
    return json.dumps(bundle, separators=(",", ":")) + "\n"


def timestamp(when: datetime) -> str:
    """RFC 3339 UTC with milliseconds, as STIX 2.1 wants for created and modified."""
    return when.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _plain(obj: stix2.base._STIXBase) -> dict:
    return json.loads(obj.serialize())


def _indicator(ind: Indicator, until: str, producer: str, stamp: str) -> dict:
    first = timestamp(ind.first_seen)
    seen = f"{ind.messages} message(s) between {first} and {timestamp(ind.last_seen)}"
    obj: dict[str, object] = {
        "type": "indicator", "spec_version": "2.1", "id": stix_id("indicator", ind.value),
        "created_by_ref": producer, "created": stamp, "modified": stamp,
        "name": f"{_TITLES[ind.kind]} {ind.value}",
        "description": f"{seen}" + (f"; botnet {ind.botnet}" if ind.botnet else ""),
        "indicator_types": _TYPES[ind.kind] if ind.direct else ["anomalous-activity"],
        "pattern": pattern(ind),
        "pattern_type": "stix", "pattern_version": "2.1",
        "valid_from": first, "valid_until": until,
    }
    if ind.confidence is not None:
        obj["confidence"] = round(ind.confidence * 100)
    return obj


def _indicates(source: str, target: str, producer: str, stamp: str) -> dict:
    return {"type": "relationship", "spec_version": "2.1",
            "id": stix_id("relationship", f"{source}|{target}"), "created_by_ref": producer,
            "created": stamp, "modified": stamp, "relationship_type": "indicates",
            "source_ref": source, "target_ref": target}


def _validate_samples(objects: list[dict]) -> None:
    """Have ``stix2`` check the first object of each type and pattern (raises on error)."""
    seen: set[tuple[str, str]] = set()
    for obj in objects:
        key = (obj["type"], obj.get("pattern", "").split(":", 1)[0])
        if key not in seen:
            seen.add(key)
            stix2.parse(obj, allow_custom=False)
