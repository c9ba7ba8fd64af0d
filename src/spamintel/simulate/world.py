"""The world's true volumes: messages per day per sender group and category.

Levels come from the scenario's ``segments`` (global spam bn/day, botnet share, fixed
outputs of named botnets, the rest split by monthly shares), shaped by events (pauses,
takedowns, new botnets ramping up) and burst cycles, over 15-minute slots so an event at
14:45 cuts its day exactly. Legitimate mail, malware and phishing follow the monthly
rates of all mail. Nothing here is random: the world is the expectation the sensors sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import numpy as np

from spamintel.simulate.scenario import CATEGORIES, Event, Group, Scenario, Segment

SLOTS = 96
SLOT_MINUTES = 24 * 60 // SLOTS
WORLD_CATEGORIES: tuple[str, ...] = (*CATEGORIES, "ham")
MALWARE, PHISHING, HAM = (WORLD_CATEGORIES.index(c) for c in ("malware", "phishing", "ham"))


@dataclass
class World:
    """True volumes: ``volumes[g, d, c]`` messages/day, ``slots[g, d, s]`` activity weights."""

    scenario: Scenario
    days: list[date]
    groups: tuple[Group, ...]
    volumes: np.ndarray
    slots: np.ndarray

    def day_index(self, day: date) -> int:
        """Index of ``day`` in ``days``."""
        return (day - self.days[0]).days

    def daily(self, name: str) -> np.ndarray:
        """True messages per day of the group called ``name`` (all categories)."""
        return self.volumes[[g.name for g in self.groups].index(name)].sum(axis=1)


def month_key(day: date) -> str:
    """``YYYY-MM`` of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def monthly(values: dict[str, float], day: date) -> float:
    """The value for ``day``'s month, else the closest earlier month, else the first."""
    key = month_key(day)
    if key in values:
        return values[key]
    earlier = [k for k in sorted(values) if k <= key]
    return values[earlier[-1]] if earlier else values[sorted(values)[0]]


def build_world(scen: Scenario) -> World:
    """Compute the true volumes of every group over the scenario period."""
    days = [scen.start + timedelta(days=i) for i in range((scen.end - scen.start).days + 1)]
    times = _slot_times(days)
    spam = [g for g in scen.groups if g.kind != "legit"]
    levels = _levels(scen, spam, days, times)
    slots = np.zeros((len(scen.groups), len(days), SLOTS))
    for gi, g in enumerate(scen.groups):
        if g.kind == "legit":
            continue
        prof = np.repeat(np.asarray(g.hours) / sum(g.hours) / (SLOTS // 24), SLOTS // 24)
        on = _activity(scen.events, g.name, times, scen.start)
        slots[gi] = levels[g.name] * on * prof[None, :] * _burst(g, days)[:, None]
    spam_day = slots.sum(axis=2).sum(axis=0)
    _add_legit(scen, days, slots, spam_day)
    volumes = _categories(scen, days, slots)
    return World(scen, days, scen.groups, volumes, slots)


def _slot_times(days: list[date]) -> np.ndarray:
    """Slot start times as float days since the first day (UTC)."""
    return np.arange(len(days))[:, None] + np.arange(SLOTS)[None, :] / SLOTS


def _as_offset(when: datetime, origin: date) -> float:
    base = datetime(origin.year, origin.month, origin.day, tzinfo=UTC)
    return (when - base).total_seconds() / 86400.0


def _levels(
    scen: Scenario, spam: list[Group], days: list[date], times: np.ndarray
) -> dict[str, np.ndarray]:
    """Messages/day level of each spam group in each slot (before events and shape)."""
    starts = np.array([_as_offset(s.start, scen.start) for s in scen.segments])
    seg_idx = np.searchsorted(starts, times, side="right") - 1
    out = {g.name: np.zeros(times.shape) for g in spam}
    month_of = np.array([_month_number(days, d) for d in range(len(days))])
    for si, seg in enumerate(scen.segments):
        for mi in set(month_of.tolist()):
            mask = (seg_idx == si) & (month_of[:, None] == mi)
            if not mask.any():
                continue
            day = days[int(np.nonzero(month_of == mi)[0][0])]
            for name, value in _segment_split(seg, spam, day).items():
                out[name][mask] = value * 1e9
    return out


def _month_number(days: list[date], d: int) -> int:
    """Month number of day index ``d`` (year*12+month), for grouping."""
    return days[d].year * 12 + days[d].month


def _segment_split(seg: Segment, spam: list[Group], day: date) -> dict[str, float]:
    """bn/day per spam group in one segment during one month. A botnet without a fixed
    output takes its monthly ``shares`` weight (0 when it has none) of the rest."""
    botnet_total = seg.spam_bn * seg.botnet_share
    fixed = {g.name: seg.fixed_bn[g.name] for g in spam if g.name in seg.fixed_bn}
    rest = [g for g in spam if g.kind == "botnet" and g.name not in fixed]
    weights = {
        g.name: seg.weights.get(g.name, monthly(g.shares, day) if g.shares else 0.0) for g in rest
    }
    remainder = max(botnet_total - sum(fixed.values()), 0.0)
    total_w = sum(weights.values()) or 1.0
    split = dict(fixed)
    split.update({n: remainder * w / total_w for n, w in weights.items()})
    non = [g for g in spam if g.kind == "nonbotnet"]
    non_w = {
        g.name: seg.weights.get(g.name, monthly(g.shares, day) if g.shares else 1.0) for g in non
    }
    non_total = sum(non_w.values()) or 1.0
    split.update(
        {n: seg.spam_bn * (1 - seg.botnet_share) * w / non_total for n, w in non_w.items()}
    )
    return split


def _activity(events: tuple[Event, ...], name: str, times: np.ndarray, origin: date) -> np.ndarray:
    """0..1 activity of a group per slot from its pause/resume/takedown/new_botnet events."""
    on = np.ones(times.shape)
    mine = sorted((e for e in events if e.group == name), key=lambda e: e.at)
    for ev in mine:
        t = _as_offset(ev.at, origin)
        if ev.type in ("pause", "takedown"):
            resume = next((r for r in mine if r.type == "resume" and r.at > ev.at), None)
            end = _as_offset(resume.at, origin) if resume and ev.type == "pause" else np.inf
            on[(times >= t) & (times < end)] = 0.0
        elif ev.type == "new_botnet":
            ramp = max(float(ev.params.get("ramp_days", 1.0)), 1e-9)
            on *= np.clip((times - t) / ramp, 0.0, 1.0)
    return on


def _burst(g: Group, days: list[date]) -> np.ndarray:
    if g.burst is None:
        return np.ones(len(days))
    mult = np.asarray(g.burst.multipliers)
    mult = mult / mult.mean()
    b = g.burst
    return np.array(
        [
            mult[(d - b.anchor).days % b.period_days]
            if b.anchor <= d and (b.until is None or d < b.until)
            else 1.0
            for d in days
        ]
    )


def _add_legit(scen: Scenario, days: list[date], slots: np.ndarray, spam_day: np.ndarray) -> None:
    """Legitimate mail from the month's spam rate, with the scenario's weekly rhythm
    (normalised within each month, so the monthly spam rate holds exactly)."""
    legit = [(gi, g) for gi, g in enumerate(scen.groups) if g.kind == "legit"]
    total_w = sum(monthly(g.shares, days[0]) if g.shares else 1.0 for _, g in legit) or 1.0
    rates = {k: v.spam_rate for k, v in scen.months.items()}
    legit_day = np.array(
        [
            spam_day[d] * (1 - monthly(rates, day)) / monthly(rates, day)
            for d, day in enumerate(days)
        ]
    )
    week = np.array([scen.legit_weekly[day.weekday()] for day in days])
    months = np.array([day.year * 12 + day.month for day in days])
    for m in set(months.tolist()):
        sel = months == m
        norm = legit_day[sel].sum() / max((legit_day[sel] * week[sel]).sum(), 1e-300)
        legit_day[sel] *= week[sel] * norm
    for d, day in enumerate(days):
        for gi, g in legit:
            prof = np.repeat(np.asarray(g.hours) / sum(g.hours) / (SLOTS // 24), SLOTS // 24)
            share = (monthly(g.shares, day) if g.shares else 1.0) / total_w
            slots[gi, d] = legit_day[d] * share * prof


def _categories(scen: Scenario, days: list[date], slots: np.ndarray) -> np.ndarray:
    """Split each group's daily volume into categories, carving malware and phishing
    out of their carriers so the monthly 1-in-N rates of all mail hold."""
    n_g, n_d = len(scen.groups), len(days)
    vol = slots.sum(axis=2)
    out = np.zeros((n_g, n_d, len(WORLD_CATEGORIES)))
    rates = {k: v for k, v in scen.months.items()}
    for d, day in enumerate(days):
        r = rates.get(month_key(day)) or rates[sorted(rates)[-1]]
        total = vol[:, d].sum()
        params = [effective(scen, g, day) for g in scen.groups]
        carve = np.zeros(n_g)
        for cat, per, weight in (
            (MALWARE, r.virus_1_in, [p.malware_weight for p in params]),
            (PHISHING, r.phish_1_in, [p.phish_weight for p in params]),
        ):
            w = np.array(weight) * vol[:, d]
            if per is not None and w.sum() > 0:
                out[:, d, cat] = total / per * w / w.sum()
                carve += out[:, d, cat]
        for gi, g in enumerate(scen.groups):
            rest = max(vol[gi, d] - carve[gi], 0.0)
            if g.kind == "legit":
                out[gi, d, HAM] = rest
                continue
            mix = params[gi].mix
            norm = sum(mix.values()) or 1.0
            for name, w in mix.items():
                out[gi, d, WORLD_CATEGORIES.index(name)] += rest * w / norm
    return out


class Conduct(NamedTuple):
    """What a group sends and with which software on one day."""

    mix: dict[str, float]
    malware_weight: float
    phish_weight: float
    headers: dict[str, float]
    dialects: dict[str, float]


def effective(scen: Scenario, g: Group, day: date) -> Conduct:
    """A group's conduct on ``day`` after any content switch that happened on or before
    that day. A switch that names ``dialects`` is a software update: the same bots speak
    the new SMTP dialects from then on."""
    now = Conduct(g.mix, g.malware_weight, g.phish_weight, g.headers, g.dialects)
    for ev in switches(scen, g):
        if ev.at.date() <= day:
            p = ev.params
            now = Conduct(
                _weights(p.get("mix", now.mix)),
                float(p.get("malware_weight", now.malware_weight)),
                float(p.get("phish_weight", now.phish_weight)),
                _weights(p.get("headers", now.headers)),
                _weights(p.get("dialects", now.dialects)),
            )
    return now


def switches(scen: Scenario, g: Group) -> list[Event]:
    """The content switches of group ``g`` in time order."""
    return sorted(
        (ev for ev in scen.events if ev.group == g.name and ev.type == "content_switch"),
        key=lambda e: e.at,
    )


def _weights(d: dict) -> dict[str, float]:
    return {str(k): float(v) for k, v in d.items()}
