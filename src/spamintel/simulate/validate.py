"""What is wrong with a scenario, as lists of readable sentences (empty when none).

Problems (``scenario_problems``) make the scenario unusable: names that point nowhere,
values out of range. The loader raises them together as one ``ScenarioError``, so a YAML
file's author sees every mistake at once, before any mail is generated. Warnings
(``scenario_warnings``) describe a world that runs but differs from what the file says:
a month the period needs but the file does not give (the closest earlier month's rates
serve), an event outside the period (ignored), a rate no group can make true (a virus rate
with no group carrying malware, spam outside botnets with no group to send it), malware or
phishing listed in a mix (sent beyond the months' 1-in-N rates). ``spamintel simulate``
prints them and the truth's ``scenario.json`` keeps them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from spamintel.simulate.scenario import (
    CATEGORIES,
    EVENT_TYPES,
    GROUP_KINDS,
    Scenario,
    Sensor,
)

_FIELD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,75}")
# Malware and phishing are carved out of the carriers' mail (``malware_weight`` and
# ``phish_weight``) so that the months' 1-in-N rates hold.
_CARRIED = {"malware": "malware_weight", "phishing": "phish_weight"}


def scenario_problems(scen: Scenario) -> list[str]:
    """Every problem of ``scen``, in the order of the file's sections."""
    return (_name_problems(scen) + _period_problems(scen) + _month_problems(scen)
            + _group_problems(scen) + _segment_problems(scen)
            + [f"sensor {s.name}: {p}" for s in scen.sensors for p in _sensor_problems(s)])


def scenario_warnings(scen: Scenario) -> list[str]:
    """What in ``scen`` will not come true as written (see the module's docstring)."""
    return (_period_warnings(scen) + _month_warnings(scen) + _mix_warnings(scen)
            + _segment_warnings(scen))


def _name_problems(scen: Scenario) -> list[str]:
    """Kinds, event types, categories and the groups that events, campaigns and segments
    name."""
    names = {g.name for g in scen.groups}
    problems = [f"group {g.name}: kind {g.kind!r}" for g in scen.groups
                if g.kind not in GROUP_KINDS]
    problems += [f"group {g.name}: hours needs 24 values" for g in scen.groups
                 if len(g.hours) != 24]
    problems += [f"event {e.type} names unknown group {e.group}" for e in scen.events
                 if e.group not in names]
    problems += [f"unknown event type {e.type}" for e in scen.events if e.type not in EVENT_TYPES]
    for c in scen.campaigns:
        if c.category not in CATEGORIES:
            problems.append(f"campaign {c.id}: unknown category {c.category}")
        problems += [f"campaign {c.id}: unknown group {g}" for g in c.groups if g not in names]
    for seg in scen.segments:
        problems += [f"segment {seg.start}: unknown group {g}" for g in seg.fixed_bn
                     if g not in names]
    return problems


def _period_problems(scen: Scenario) -> list[str]:
    """The period's order, the segments' start, the weekly rhythm and the events' dates."""
    problems = []
    if scen.end < scen.start:
        problems.append("period.end is before period.start")
    if not scen.segments or scen.segments[0].start.date() > scen.start:
        problems.append("segments must start on or before period.start")
    if len(scen.legit_weekly) != 7 or min(scen.legit_weekly) <= 0:
        problems.append("legit_weekly needs 7 positive weights, Monday first")
    return problems


def _period_warnings(scen: Scenario) -> list[str]:
    return [f"event {e.type} of {e.group} on {e.at:%Y-%m-%d} lies outside the period and "
            f"does not happen" for e in scen.events
            if not scen.start <= e.at.date() <= scen.end]


def _period_months(start: date, end: date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(f"{day.year:04d}-{day.month:02d}")
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _month_problems(scen: Scenario) -> list[str]:
    """Each month's rates within their range."""
    problems = []
    for key, rates in sorted(scen.months.items()):
        if not 0 < rates.spam_rate < 1:
            problems.append(f"months {key}: spam_rate {rates.spam_rate} is not between 0 and 1")
        for name in ("virus_1_in", "phish_1_in"):
            value = getattr(rates, name)
            if value is not None and value < 1:
                problems.append(f"months {key}: {name} {value} is below 1")
    return problems


def _month_warnings(scen: Scenario) -> list[str]:
    """Months of the period not given, and 1-in-N rates no group can carry."""
    missing = [m for m in _period_months(scen.start, scen.end) if m not in scen.months]
    warnings = [f"months: {', '.join(missing)} not given; the rates of the closest earlier "
                f"month (else of the first given) serve"] if missing else []
    for name, carried in (("virus_1_in", "malware"), ("phish_1_in", "phishing")):
        if any(g.kind != "legit" and g.mix.get(carried) for g in scen.groups):
            continue  # a mix that lists it is warned of on its own
        weight = _CARRIED[carried]
        if not any(getattr(g, weight) > 0 for g in scen.groups) and any(
                getattr(r, name) is not None for r in scen.months.values()):
            warnings.append(f"months: {name} cannot hold, no group has a {weight} above 0, so "
                            f"the world has no {carried} (write {name}: null to say so)")
    return warnings


def _group_problems(scen: Scenario) -> list[str]:
    """Spam groups' mixes name known spam categories."""
    return [f"group {g.name}: unknown mix category {name}" for g in scen.groups
            if g.kind != "legit" for name in g.mix if name not in CATEGORIES]


def _mix_warnings(scen: Scenario) -> list[str]:
    return [f"group {g.name}: mix lists {name}, which is sent beyond the months' 1-in-N "
            f"rates (the group's {_CARRIED[name]} carves {name} out of its mail so they "
            f"hold)" for g in scen.groups if g.kind != "legit" for name in g.mix
            if name in _CARRIED]


def _segment_problems(scen: Scenario) -> list[str]:
    """Levels and shares in range."""
    problems = []
    for seg in scen.segments:
        when = f"segment {seg.start:%Y-%m-%d}"
        if seg.spam_bn < 0:
            problems.append(f"{when}: spam_bn {seg.spam_bn} is negative")
        if not 0 <= seg.botnet_share <= 1:
            problems.append(f"{when}: botnet_share {seg.botnet_share} is not within 0..1")
    return problems


def _segment_warnings(scen: Scenario) -> list[str]:
    """Spam that a segment gives to a kind of sender no group is."""
    kinds = {g.kind for g in scen.groups}
    warnings = []
    for seg in scen.segments:
        if seg.spam_bn <= 0 or not 0 <= seg.botnet_share <= 1:
            continue
        if seg.botnet_share < 1 and "nonbotnet" not in kinds:
            warnings.append(f"segment {seg.start:%Y-%m-%d}: {1 - seg.botnet_share:.0%} of "
                            f"spam is left to non-botnet senders, but no group has kind "
                            f"nonbotnet, so that spam is not sent")
        if seg.botnet_share > 0 and "botnet" not in kinds:
            warnings.append(f"segment {seg.start:%Y-%m-%d}: {seg.botnet_share:.0%} of spam "
                            f"is left to botnets, but no group has kind botnet, so that "
                            f"spam is not sent")
    return warnings


def _sensor_problems(sensor: Sensor) -> list[str]:
    """What is wrong with a sensor: its share, and its route stamps' field names and share."""
    out = [] if sensor.share > 0 else [f"share {sensor.share} is not above 0"]
    bad = [f for f in sensor.stamps if not _FIELD_NAME.fullmatch(f)]
    out += [f"stamps.fields: {f!r} is not a header field name" for f in bad]
    if not 0.0 <= sensor.stamp_share <= 1.0:
        out.append(f"stamps.share {sensor.stamp_share} is not within 0..1")
    if sensor.stamp_share > 0 and not sensor.stamps:
        out.append("stamps.share needs stamps.fields")
    return out
