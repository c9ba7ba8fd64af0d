"""``simulate``: build the world, sample it day by day for every sensor, write the mail,
the session sidecars and the ground truth."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from spamintel.simulate.calibration import Check, check
from spamintel.simulate.content import load_templates
from spamintel.simulate.daygen import DayGenerator, Kit
from spamintel.simulate.ipspace import IPSpace
from spamintel.simulate.loader import load_scenario
from spamintel.simulate.population import build_population
from spamintel.simulate.scenario import Scenario, ScenarioError
from spamintel.simulate.templates import load_profiles
from spamintel.simulate.truth import country_table, daily_table, population_table
from spamintel.simulate.validate import scenario_warnings
from spamintel.simulate.world import build_world
from spamintel.simulate.writer import TruthRows, write_day, write_truth


@dataclass(frozen=True)
class SimConfig:
    """Options of one simulation run (the CLI flags)."""

    out: Path
    scenario: str | Path = "march-2011"
    seed: int | None = None
    scale: float = 1.0
    start: date | None = None
    end: date | None = None
    fmt: str = "mbox"
    asn_csv: Path | None = None


@dataclass
class SimStats:
    """What a run produced."""

    messages: int = 0
    by_sensor: dict[str, int] = field(default_factory=dict)
    days: int = 0
    seconds: float = 0.0
    calibration_ok: int = 0
    calibration_targets: int = 0
    warnings: list[str] = field(default_factory=list)


def simulate(cfg: SimConfig, progress: Callable[[date], None] | None = None) -> SimStats:
    """Generate the world of ``cfg.scenario`` and write it under ``cfg.out``."""
    t0 = time.perf_counter()
    scen = load_scenario(cfg.scenario)
    if cfg.fmt not in ("mbox", "eml"):
        raise ScenarioError(f"unknown format {cfg.fmt!r} (mbox|eml)")
    if not _days(scen, cfg.start, cfg.end):
        raise ScenarioError(f"no day from {cfg.start or scen.start} to {cfg.end or scen.end} "
                            f"lies in the scenario's period, {scen.start} to {scen.end}")
    seed = scen.seed if cfg.seed is None else cfg.seed
    kit = _kit(scen, seed, cfg)
    gen = DayGenerator(kit)
    truth = TruthRows()
    stats = SimStats(warnings=scenario_warnings(scen))
    for day in _days(scen, cfg.start, cfg.end):
        for sensor in scen.sensors:
            msgs = gen.run(sensor, day)
            write_day(cfg.out, sensor.name, day.isoformat(), msgs, cfg.fmt)
            truth.add(msgs)
            stats.messages += len(msgs)
            stats.by_sensor[sensor.name] = stats.by_sensor.get(sensor.name, 0) + len(msgs)
        stats.days += 1
        if progress:
            progress(day)
    daily, countries = daily_table(kit.world), country_table(kit.world)
    scenario = resolved(scen, seed, cfg, daily, countries) | {"warnings": stats.warnings}
    write_truth(cfg.out, truth.table(), daily, population_table(kit.world, kit.pops),
                countries, scenario)
    stats.calibration_targets = len(scenario["calibration"])
    stats.calibration_ok = sum(1 for c in scenario["calibration"] if c["ok"])
    stats.seconds = time.perf_counter() - t0
    return stats


def _kit(scen: Scenario, seed: int, cfg: SimConfig) -> Kit:
    world = build_world(scen)
    space = IPSpace.load(cfg.asn_csv)
    starts = {e.group: e.at for e in scen.events if e.type == "new_botnet"}
    pops = {}
    for g in scen.groups:
        offset = (starts[g.name].date() - scen.start).days if g.name in starts else 0.0
        pops[g.name] = build_population(g, scen, space, seed, float(offset))
    dialects, headers = load_profiles()
    _check_profiles(scen, dialects, headers)
    return Kit(scen, world, space, pops, seed, cfg.scale, load_templates(), dialects, headers)


def _check_profiles(scen: Scenario, dialects: dict, headers: dict) -> None:
    """Every SMTP dialect and header template a group or a switch names must exist."""
    named = [(g.name, "dialect", k) for g in scen.groups for k in g.dialects]
    named += [(g.name, "header template", k) for g in scen.groups for k in g.headers]
    for ev in scen.events:
        named += [(ev.group, "dialect", k) for k in ev.params.get("dialects", {})]
        named += [(ev.group, "header template", k) for k in ev.params.get("headers", {})]
    known = {"dialect": dialects, "header template": headers}
    unknown = sorted({f"{group}: unknown {kind} {name!r}" for group, kind, name in named
                      if name not in known[kind]})
    if unknown:
        raise ScenarioError("; ".join(unknown))


def _days(scen: Scenario, start: date | None, end: date | None) -> list[date]:
    lo = max(start or scen.start, scen.start)
    hi = min(end or scen.end, scen.end)
    return [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]


def resolved(scen: Scenario, seed: int, cfg: SimConfig, daily, countries=None) -> dict:
    """The scenario as run: YAML content plus seed, scale, effective sensor shares, the
    events and the calibration check, for evaluation code."""
    days = _days(scen, cfg.start, cfg.end)
    return {
        "name": scen.name, "seed": seed, "scale": cfg.scale, "format": cfg.fmt,
        "generated": {"start": str(days[0]), "end": str(days[-1])},
        "period": {"start": str(scen.start), "end": str(scen.end)},
        "sensors": [{**asdict(s), "effective_share": s.share * cfg.scale,
                     "sees": "spam" if s.kind == "trap" else "all mail"} for s in scen.sensors],
        "groups": [{"name": g.name, "label": g.label, "kind": g.kind, "bots": g.bots,
                    "lifetime_days": g.lifetime_days,
                    "burst": asdict(g.burst) if g.burst else None} for g in scen.groups],
        "events": [{"type": e.type, "group": e.group, "at": e.at.isoformat(), "note": e.note,
                    **e.params} for e in scen.events],
        "campaigns": [asdict(c) for c in scen.campaigns],
        "calibration": [_check_row(c) for c in check(scen, daily, countries)],
        "scenario": scen.raw,
    }


def _check_row(c: Check) -> dict:
    t = c.target
    return {"metric": t.metric, "group": t.group, "from": str(t.start), "to": str(t.end),
            "declared": t.value, "simulated": c.actual, "rel_error": c.rel_error,
            "tolerance": t.tolerance, "ok": c.ok, "source": t.source}
