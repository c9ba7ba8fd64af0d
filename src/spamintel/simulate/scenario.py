"""Scenarios: the YAML description of a simulated world, loaded into frozen dataclasses.

A scenario declares the period, monthly mail rates, the world's spam level over time
(``segments``), the sender groups (botnets, non-botnet spam sources, legitimate senders),
content campaigns, dated events and the sensors that sample the world. ``docs/simulator.md``
documents every key; ``scenarios/march-2011.yaml`` in this package is the default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

GROUP_KINDS = ("botnet", "nonbotnet", "legit")
EVENT_TYPES = ("pause", "resume", "takedown", "new_botnet", "content_switch")
CATEGORIES = (
    "pharma",
    "replica",
    "dating",
    "casino",
    "stock",
    "419",
    "software",
    "malware",
    "phishing",
    "diploma",
    "weightloss",
    "jobs",
    "other",
)


class ScenarioError(ValueError):
    """The scenario file is invalid; the message names the offending key."""


@dataclass(frozen=True)
class MonthRates:
    """Rates of all mail in one month: spam share, 1-in-N virus and phishing rates (None:
    no malware, or no phishing)."""

    spam_rate: float
    virus_1_in: float | None
    phish_1_in: float | None
    pharma_share: float | None = None


@dataclass(frozen=True)
class Segment:
    """World spam level from ``start`` until the next segment (bn messages/day)."""

    start: datetime
    spam_bn: float
    botnet_share: float
    fixed_bn: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Burst:
    """A periodic day multiplier (mean 1 over a period), e.g. Rustock's burst-and-decay."""

    period_days: int
    multipliers: tuple[float, ...]
    anchor: date
    until: date | None = None


@dataclass(frozen=True)
class Group:
    """A sender population: a botnet, a non-botnet spam source, or legitimate senders."""

    name: str
    kind: str
    shares: dict[str, float]
    bots: int
    lifetime_days: float
    countries: dict[str, float]
    hours: tuple[float, ...]
    rate_sigma: float
    msgs_per_conn: float
    rcpts: float
    mix: dict[str, float]
    malware_weight: float
    phish_weight: float
    dialects: dict[str, float]
    headers: dict[str, float]
    sender: str
    broken_mime: float
    burst: Burst | None = None
    blocks: int = 0

    @property
    def label(self) -> str:
        """The ``botnet`` value of this group in the ground truth."""
        if self.kind == "legit":
            return "legit"
        return f"nonbotnet:{self.name}" if self.kind == "nonbotnet" else self.name


@dataclass(frozen=True)
class Campaign:
    """A content campaign: category, content template, the groups that send it, dates."""

    id: str
    category: str
    content: str
    groups: tuple[str, ...]
    start: date | None
    end: date | None
    weight: float = 1.0


@dataclass(frozen=True)
class Event:
    """A dated change in the world: pause, resume, takedown, new botnet, content switch."""

    type: str
    group: str
    at: datetime
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Sensor:
    """A sensor and the share of the world's mail it sees (``kind``: trap sees spam only)."""

    name: str
    kind: str
    host: str
    domains: tuple[str, ...]
    addresses: int
    share: float
    visibility: dict[str, float] = field(default_factory=dict)
    # header fields a filter on the route to this sensor appends to ``stamp_share`` of its mail
    stamps: tuple[str, ...] = ()
    stamp_share: float = 0.0


@dataclass(frozen=True)
class Target:
    """A calibration figure the world's truth must reproduce."""

    metric: str
    start: date
    end: date
    value: float
    group: str = ""
    source: str = ""
    tolerance: float = 0.02


@dataclass(frozen=True)
class Scenario:
    """A whole simulated world."""

    name: str
    start: date
    end: date
    seed: int
    months: dict[str, MonthRates]
    segments: tuple[Segment, ...]
    groups: tuple[Group, ...]
    campaigns: tuple[Campaign, ...]
    events: tuple[Event, ...]
    sensors: tuple[Sensor, ...]
    targets: tuple[Target, ...]
    raw: dict[str, Any]
    legit_weekly: tuple[float, ...] = (1.0,) * 7

    def group(self, name: str) -> Group:
        """The group called ``name``."""
        for g in self.groups:
            if g.name == name:
                return g
        raise KeyError(name)


def as_datetime(value: Any) -> datetime:
    """A YAML date or datetime (or ISO string) as an aware UTC datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ScenarioError(f"bad date/time {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def as_date(value: Any) -> date:
    """A YAML date (or ISO string) as a date."""
    return as_datetime(value).date()
