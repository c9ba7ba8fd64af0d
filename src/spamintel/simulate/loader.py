"""Load a scenario YAML (built-in name or file) into a validated ``Scenario``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from spamintel.simulate.scenario import (
    Burst,
    Campaign,
    Event,
    Group,
    MonthRates,
    Scenario,
    ScenarioError,
    Segment,
    Sensor,
    Target,
    as_date,
    as_datetime,
)
from spamintel.simulate.validate import scenario_problems

HOUR_PROFILES: dict[str, tuple[float, ...]] = {
    "flat": (1.0,) * 24,
    # residential PCs across time zones: quieter 02-07 UTC
    "residential": (
        0.8,
        0.7,
        0.6,
        0.55,
        0.55,
        0.6,
        0.7,
        0.85,
        1.0,
        1.1,
        1.15,
        1.2,
        1.2,
        1.2,
        1.2,
        1.2,
        1.2,
        1.2,
        1.2,
        1.15,
        1.1,
        1.0,
        0.95,
        0.9,
    ),
    # starts 03:00 UK, peaks 07:00, stops 19:00 (botnet_traits.md, Rustock "Temporal")
    "rustock": (
        0.05,
        0.05,
        0.05,
        0.8,
        1.4,
        1.8,
        2.0,
        2.2,
        2.0,
        1.8,
        1.6,
        1.5,
        1.4,
        1.3,
        1.2,
        1.1,
        1.0,
        0.9,
        0.6,
        0.1,
        0.05,
        0.05,
        0.05,
        0.05,
    ),
    # office hours Europe/Americas, for legitimate mail
    "office": (
        0.3,
        0.25,
        0.2,
        0.2,
        0.25,
        0.4,
        0.7,
        1.0,
        1.4,
        1.7,
        1.8,
        1.8,
        1.7,
        1.8,
        1.9,
        1.9,
        1.8,
        1.5,
        1.2,
        1.0,
        0.8,
        0.6,
        0.45,
        0.35,
    ),
}

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped with the package."""
    root = resources.files("spamintel.simulate") / "scenarios"
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a scenario by built-in name (``march-2011``) or from a YAML file path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        text = path.read_text(encoding="utf-8")
    else:
        res = resources.files("spamintel.simulate") / "scenarios" / f"{name_or_path}.yaml"
        if not res.is_file():
            raise ScenarioError(f"no scenario {name_or_path!r}; built-in: {builtin_scenarios()}")
        text = res.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_LOADER)
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a YAML mapping")
    return build_scenario(data)


def build_scenario(data: dict[str, Any]) -> Scenario:
    """Validate a parsed YAML mapping and build the ``Scenario``."""
    try:
        period = data["period"]
        groups = tuple(_group(g) for g in data["groups"])
        scen = Scenario(
            name=str(data.get("name", "unnamed")),
            start=as_date(period["start"]),
            end=as_date(period["end"]),
            seed=int(data.get("seed", 1)),
            months={str(k): MonthRates(**v) for k, v in data["months"].items()},
            segments=tuple(sorted((_segment(s) for s in data["segments"]), key=lambda s: s.start)),
            groups=groups,
            campaigns=tuple(_campaign(c) for c in data.get("campaigns", [])),
            events=tuple(_event(e) for e in data.get("events", [])),
            sensors=tuple(_sensor(s) for s in data["sensors"]),
            targets=tuple(_target(t) for t in data.get("calibration", [])),
            raw=data,
            legit_weekly=tuple(float(x) for x in data.get("legit_weekly", (1.0,) * 7)),
        )
    except (KeyError, TypeError) as exc:
        raise ScenarioError(f"missing or malformed key: {exc}") from exc
    problems = scenario_problems(scen)
    if problems:
        raise ScenarioError("; ".join(problems))
    return scen


def _segment(d: dict[str, Any]) -> Segment:
    return Segment(
        as_datetime(d["from"]),
        float(d["spam_bn"]),
        float(d["botnet_share"]),
        {k: float(v) for k, v in (d.get("fixed_bn") or {}).items()},
        {k: float(v) for k, v in (d.get("weights") or {}).items()},
    )


def _group(d: dict[str, Any]) -> Group:
    hours = d.get("hours", "residential")
    hours = HOUR_PROFILES[hours] if isinstance(hours, str) else tuple(float(h) for h in hours)
    burst = d.get("burst")
    return Group(
        name=str(d["name"]),
        kind=str(d.get("kind", "botnet")),
        shares={str(k): float(v) for k, v in (d.get("shares") or {}).items()},
        bots=int(d.get("bots", 1000)),
        lifetime_days=float(d.get("lifetime_days", 30)),
        countries={str(k): float(v) for k, v in d["countries"].items()},
        hours=hours,
        rate_sigma=float(d.get("rate_sigma", 1.0)),
        msgs_per_conn=float(d.get("msgs_per_conn", 1.0)),
        rcpts=float(d.get("rcpts", 1.0)),
        mix={str(k): float(v) for k, v in d["mix"].items()},
        malware_weight=float(d.get("malware_weight", 0)),
        phish_weight=float(d.get("phish_weight", 0)),
        dialects=_weights(d["dialects"]),
        headers=_weights(d["headers"]),
        sender=str(d.get("sender", "random_domain")),
        broken_mime=float(d.get("broken_mime", 0.02)),
        blocks=int(d.get("blocks", 0)),
        burst=Burst(
            int(burst["period_days"]),
            tuple(float(x) for x in burst["multipliers"]),
            as_date(burst["anchor"]),
            as_date(burst["until"]) if burst.get("until") else None,
        )
        if burst
        else None,
    )


def _weights(value: Any) -> dict[str, float]:
    if isinstance(value, str):
        return {value: 1.0}
    if isinstance(value, list):
        return {str(v): 1.0 for v in value}
    return {str(k): float(v) for k, v in value.items()}


def _campaign(d: dict[str, Any]) -> Campaign:
    return Campaign(
        str(d["id"]),
        str(d["category"]),
        str(d.get("content", d["category"])),
        tuple(str(g) for g in d["groups"]),
        as_date(d["from"]) if d.get("from") else None,
        as_date(d["to"]) if d.get("to") else None,
        float(d.get("weight", 1.0)),
    )


def _event(d: dict[str, Any]) -> Event:
    params = {k: v for k, v in d.items() if k not in ("type", "group", "at", "note")}
    return Event(
        str(d["type"]), str(d["group"]), as_datetime(d["at"]), params, str(d.get("note", ""))
    )


def _sensor(d: dict[str, Any]) -> Sensor:
    stamps = d.get("stamps") or {}
    return Sensor(
        str(d["name"]),
        str(d.get("kind", "trap")),
        str(d["host"]),
        tuple(str(x) for x in d["domains"]),
        int(d.get("addresses", 2000)),
        float(d["share"]),
        {str(k): float(v) for k, v in (d.get("visibility") or {}).items()},
        tuple(str(x) for x in stamps.get("fields", ())),
        float(stamps.get("share", 0.0)),
    )


def _target(d: dict[str, Any]) -> Target:
    return Target(
        str(d["metric"]),
        as_date(d["from"]),
        as_date(d["to"]),
        float(d["value"]),
        str(d.get("group", "")),
        str(d.get("source", "")),
        float(d.get("tolerance", 0.02)),
    )
