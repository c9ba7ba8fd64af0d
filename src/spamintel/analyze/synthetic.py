"""A small synthetic event world with known truth, for tests and benchmarks of the analysis.

It writes events (and a perfect ``attribution`` table) straight into a store, skipping
message generation and parsing, so estimators and change detection can be checked
against exact world rates: botnets with weekday cycles and bursts, a holiday pause and
resume, a takedown at a given minute, a botnet that appears mid-period, a content
switch, two traps and one mixed feed that also sees legitimate mail.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa

from spamintel.model import EVENT_SCHEMA
from spamintel.store import Store

DAY_US = 86_400_000_000


@dataclass(frozen=True)
class SynthBotnet:
    """One botnet: world messages/day, bots, category mix and its life events."""

    name: str
    per_day: float
    bots: int
    categories: dict[str, float]
    starts: datetime | None = None
    stops: tuple[tuple[datetime, datetime | None], ...] = ()
    growth: tuple[tuple[date, float], ...] = ()
    switch: tuple[date, dict[str, float]] | None = None
    burst_period: int = 0
    country: str = "RU"


def _dt(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


DEFAULT_BOTNETS: tuple[SynthBotnet, ...] = (
    SynthBotnet("Rustock", 14e9, 60_000, {"pharma": 0.8, "software": 0.2},
                stops=((_dt(2010, 12, 25, 6), _dt(2011, 1, 10, 8)),
                       (_dt(2011, 3, 16, 14, 45), None)), burst_period=2),
    SynthBotnet("Bagle", 8e9, 25_000, {"pharma": 1.0},
                growth=((date(2011, 3, 17), 1.3),), country="IN"),
    SynthBotnet("Cutwail", 5e9, 80_000, {"pharma": 0.4, "malware": 0.3, "other": 0.3},
                country="BR"),
    SynthBotnet("Lethic", 3e9, 30_000, {"pharma": 0.5, "replica": 0.5},
                switch=(date(2011, 2, 14), {"casino": 0.9, "replica": 0.1}), country="UA"),
    SynthBotnet("Newbot", 2e9, 10_000, {"stock": 1.0}, starts=_dt(2011, 2, 7, 12), country="CO"),
)


@dataclass(frozen=True)
class SynthWorld:
    """Period, botnets, non-botnet spam, legitimate mail and the sensors' shares."""

    start: date = date(2010, 12, 1)
    end: date = date(2011, 4, 30)
    botnets: tuple[SynthBotnet, ...] = DEFAULT_BOTNETS
    nonbotnet_per_day: float = 6e9
    ham_per_day: float = 12e9
    shares: dict[str, float] = field(default_factory=lambda: {
        "trap-a": 2e-7, "trap-b": 1e-7, "mx-feed": 5e-8})
    mixed: tuple[str, ...] = ("mx-feed",)
    weekend_factor: float = 0.85
    virus_p: float = 0.004
    phish_p: float = 0.003  # both among spam only
    seed: int = 7

    def days(self) -> list[date]:
        """Every day of the period."""
        return [self.start + timedelta(d) for d in range((self.end - self.start).days + 1)]


def active_fraction(b: SynthBotnet, day: date) -> float:
    """Share of ``day`` during which ``b`` is sending (0..1)."""
    lo = datetime(day.year, day.month, day.day, tzinfo=UTC)
    hi = lo + timedelta(days=1)
    spans = [(b.starts or lo, hi)]
    for stop, resume in b.stops:
        spans = _cut(spans, stop, resume or hi + timedelta(days=1))
    total = sum(max(0.0, (min(e, hi) - max(s, lo)).total_seconds()) for s, e in spans)
    return total / 86_400


def _cut(spans, a, b):
    out = []
    for s, e in spans:
        if e <= a or s >= b:
            out.append((s, e))
            continue
        if s < a:
            out.append((s, a))
        if e > b:
            out.append((b, e))
    return out


def world_rate(w: SynthWorld, b: SynthBotnet, day: date) -> float:
    """True world output of ``b`` on ``day`` (messages/day)."""
    rate = b.per_day * active_fraction(b, day)
    for since, factor in b.growth:
        if day >= since:
            rate *= factor
    if day.weekday() >= 5:
        rate *= w.weekend_factor
    if b.burst_period:
        rate *= 1.25 if (day - w.start).days % b.burst_period == 0 else 0.75
    return rate


def truth_daily(w: SynthWorld) -> dict[tuple[date, str], float]:
    """Truth: world messages per (day, botnet), plus key ``"*"`` for all spam."""
    out: dict[tuple[date, str], float] = {}
    for day in w.days():
        total = w.nonbotnet_per_day * (w.weekend_factor if day.weekday() >= 5 else 1.0)
        for b in w.botnets:
            out[(day, b.name)] = world_rate(w, b, day)
            total += out[(day, b.name)]
        out[(day, "*")] = total
    return out


class _Rows:
    def __init__(self) -> None:
        self.cols: dict[str, list[np.ndarray]] = {}

    def add(self, **arrays: np.ndarray) -> None:
        for k, v in arrays.items():
            self.cols.setdefault(k, []).append(v)

    def table(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.cols.items()}


def _times(rng, day: date, n: int, b: SynthBotnet | None) -> np.ndarray:
    base = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1e6)
    t = base + rng.integers(0, DAY_US, n)
    if b is None or n == 0:
        return t
    keep = np.ones(n, bool)
    if b.starts:
        keep &= t >= int(b.starts.timestamp() * 1e6)
    for stop, resume in b.stops:
        lo = int(stop.timestamp() * 1e6)
        hi = int(resume.timestamp() * 1e6) if resume else 1 << 62
        keep &= ~((t >= lo) & (t < hi))
    return t[keep]


def _botnet_day(w, rng, rows, b, day, sensor, share):
    frac = active_fraction(b, day)
    if frac == 0:
        return
    expected = world_rate(w, b, day) / frac * share
    t = _times(rng, day, rng.poisson(expected), b)
    n = len(t)
    cats = b.categories
    if b.switch and day >= b.switch[0]:
        cats = b.switch[1]
    bot_ids = np.minimum(rng.pareto(1.5, n) * b.bots / 20, b.bots - 1).astype(np.int64)
    bot_ids = (bot_ids * 2654435761 + (day.toordinal() // 3) * 97) % b.bots
    rows.add(t=t, bot=bot_ids, net=np.full(n, b.name, object), sensor=np.full(n, sensor, object),
             verdict=np.full(n, "spam", object), cc=np.full(n, b.country, object),
             category=rng.choice(list(cats), n, p=list(cats.values())).astype(object))


def _other_day(w, rng, rows, day, sensor, share):
    wk = w.weekend_factor if day.weekday() >= 5 else 1.0
    t = _times(rng, day, rng.poisson(w.nonbotnet_per_day * wk * share), None)
    rows.add(t=t, bot=rng.integers(0, 10**6, len(t)), net=np.full(len(t), None, object),
             sensor=np.full(len(t), sensor, object), verdict=np.full(len(t), "spam", object),
             cc=np.full(len(t), "US", object), category=np.full(len(t), "other", object))
    if sensor in w.mixed:
        t = _times(rng, day, rng.poisson(w.ham_per_day * share), None)
        rows.add(t=t, bot=rng.integers(0, 10**6, len(t)), net=np.full(len(t), None, object),
                 sensor=np.full(len(t), sensor, object), verdict=np.full(len(t), "ham", object),
                 cc=np.full(len(t), "US", object), category=np.full(len(t), None, object))


def generate(w: SynthWorld) -> tuple[pa.Table, pa.Table]:
    """Events (``EVENT_SCHEMA``) and the matching perfect attribution table."""
    rng = np.random.default_rng(w.seed)
    rows = _Rows()
    for day in w.days():
        for sensor, share in w.shares.items():
            for b in w.botnets:
                _botnet_day(w, rng, rows, b, day, sensor, share)
            _other_day(w, rng, rows, day, sensor, share)
    return _to_tables(w, rng, rows.table())


def _ips(net: np.ndarray, bot: np.ndarray) -> np.ndarray:
    names = {x: int(hashlib.md5(str(x).encode()).hexdigest()[:4], 16) for x in set(net)}
    salt = np.array([names[x] for x in net])
    v = (salt.astype(np.int64) << 20) + bot
    a, b, c, d = 1 + (v >> 24) % 223, (v >> 16) % 256, (v >> 8) % 256, v % 256
    return np.char.add(np.char.add(np.char.add(np.char.add(a.astype(str), "."), b.astype(str)),
                                   np.char.add(".", c.astype(str))),
                       np.char.add(".", d.astype(str))).astype(object)


def _to_tables(w: SynthWorld, rng, c: dict[str, np.ndarray]) -> tuple[pa.Table, pa.Table]:
    n = len(c["t"])
    ids = np.array([f"{i:032x}" for i in range(n)], dtype=object)
    ts = pa.array(c["t"], pa.timestamp("us", tz="UTC"))
    spam = c["verdict"] == "spam"
    virus = spam & (rng.random(n) < w.virus_p)
    phish = spam & (rng.random(n) < w.phish_p)
    kinds = np.where(np.isin(c["sensor"], list(w.mixed)), "feed", "trap").astype(object)
    data = {
        "event_id": ids, "msg_sha256": ids, "observed_at": ts,
        "day": pa.array(c["t"] // DAY_US, pa.int32()).cast(pa.date32()),
        "time_source": np.full(n, "session", object), "sensor": c["sensor"],
        "source_kind": kinds, "client_ip": _ips(c["net"], c["bot"]), "client_cc": c["cc"],
        "client_asn": pa.array((c["bot"] % 7 + 1000).astype(np.int64)), "rcpt_count":
        pa.array(np.ones(n, np.int32)), "verdict": np.where(phish, "phish", c["verdict"]),
        "category": c["category"], "is_virus": virus, "is_phish": phish,
        "has_malicious_link": spam & (rng.random(n) < 0.02),
    }
    cols = [data[f.name] if f.name in data else pa.nulls(n, f.type) for f in EVENT_SCHEMA]
    events = pa.Table.from_arrays([pa.array(x, f.type) if not isinstance(x, pa.Array) else x
                                   for x, f in zip(cols, EVENT_SCHEMA, strict=True)],
                                  schema=EVENT_SCHEMA)
    has = np.array([x is not None for x in c["net"]])
    attribution = pa.table({
        "event_id": pa.array(ids[has], pa.string()),
        "botnet": pa.array(c["net"][has], pa.string()),
        "botnet_confidence": pa.array(np.ones(has.sum(), np.float32)),
        "botnet_method": pa.array(np.full(has.sum(), "truth", object), pa.string()),
        "campaign_id": pa.array(np.char.add("c-", c["category"][has].astype(str)), pa.string()),
    })
    return events, attribution


def build_store(path, w: SynthWorld | None = None) -> tuple[Store, SynthWorld]:
    """Write a synthetic world into a new store at ``path`` (perfect attribution)."""
    w = w or SynthWorld()
    events, attribution = generate(w)
    store = Store(path)
    order = np.argsort(events.column("day").cast(pa.int32()).to_numpy())
    events = events.take(order)
    for chunk in events.to_batches(max_chunksize=2_000_000):
        store.write_events(chunk)
    store.write_table("attribution", attribution)
    return store, w
