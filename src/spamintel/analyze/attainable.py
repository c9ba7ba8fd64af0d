"""What a simulated world's sample allows its daily estimates (evaluation only: reads truth).

A sensor (a trap, or a mixed feed) sees a Poisson sample of each botnet's mail,
``share × visibility × volume`` messages a day. The reference estimator here knows, from
the scenario, every time at which a botnet's level may change (segment starts, month
starts, its own events) and the shape of its mail within each piece (periodic bursts,
ramps), and estimates each piece's level from every message the sensors saw in it. Its
error on a day is then the relative Poisson error of the piece's count, so the chance
that the day lands within ±5% is exact; the mean over the botnet's days is the share of
days within ±5% the reference reaches on average.

It is a reference, not a bound: it pays for every change, however small, while an
estimator that pools across a change of 1-2% may do better. A real estimator also has to
find the changes. ``scale_needed`` asks how many times the sensors' sample would have to
grow before the reference reaches a target share.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
from scipy.stats import poisson

from spamintel.analyze.daily import OUTLIER_TOLERANCE

TOLERANCE = 0.05


def _truth_series(truth_dir: Path) -> dict[str, tuple[list[date], np.ndarray]]:
    """World messages per day of each botnet, days ascending."""
    rows = duckdb.execute(f"""SELECT botnet, day, sum(messages) FROM
        read_parquet('{truth_dir}/daily.parquet') WHERE kind = 'botnet'
        AND category IS NOT NULL GROUP BY ALL ORDER BY botnet, day""").fetchall()
    out: dict[str, tuple[list[date], list[float]]] = {}
    for botnet, day, value in rows:
        days, values = out.setdefault(botnet, ([], []))
        days.append(day)
        values.append(float(value))
    return {k: (d, np.asarray(v)) for k, (d, v) in out.items()}


def _change_times(scenario: dict, botnet: str) -> list[datetime]:
    """When the scenario may change the botnet's level, besides month starts (shares are
    monthly): every segment start and the botnet's own events (pause, resume, takedown,
    appearance)."""
    times = [_parse(seg["from"]) for seg in scenario["scenario"]["segments"]]
    times += [_parse(ev["at"]) for ev in scenario["events"] if ev.get("group") == botnet]
    return times


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(str(text)).replace(tzinfo=None)


def pieces(days: list[date], changes: list[datetime]) -> np.ndarray:
    """Piece number per day: a month start or a change at midnight starts a piece on
    its day; a change during a day makes that day a piece of its own."""
    starts = set()
    for t in changes:
        starts.add(t.date())
        if t.time() != datetime.min.time():
            starts.add(t.date() + timedelta(days=1))
    first = np.array([i == 0 or d.day == 1 or d in starts for i, d in enumerate(days)])
    return np.cumsum(first) - 1


def within_probability(expected: float) -> float:
    """P(|X/n − 1| ≤ 5%) for X ~ Poisson(n): a pooled count's chance of a good estimate."""
    if expected <= 0:
        return 0.0
    hi = np.floor(expected * (1 + TOLERANCE))
    lo = np.ceil(expected * (1 - TOLERANCE)) - 1
    return float(poisson.cdf(hi, expected) - poisson.cdf(lo, expected))


def _sensor_share(sensors: list[dict], botnet: str) -> float:
    """Share of the botnet's mail the usable sensors see: those whose view of it is within
    the sensor check's tolerance of their declared share (the estimator leaves the
    others out, ``daily.select_sensors``). Traps and mixed feeds both count; a feed's count
    of a botnet also depends on the classifier, which the reference takes as perfect."""
    usable = [s for s in sensors
              if abs(math.log(s.get("visibility", {}).get(botnet, 1.0) or 1e-9))
              <= OUTLIER_TOLERANCE]
    return sum(s.get("effective_share") or s["share"] for s in usable)


def _piece_counts(truth_dir: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per botnet: expected sensor messages per piece, and the piece of each live day."""
    scenario = json.loads((truth_dir / "scenario.json").read_text(encoding="utf-8"))
    out = {}
    for botnet, (days, volume) in _truth_series(truth_dir).items():
        if not (volume > 0).any():
            continue
        piece = pieces(days, _change_times(scenario, botnet))
        expected = volume * _sensor_share(scenario["sensors"], botnet)
        out[botnet] = (np.bincount(piece, weights=expected), piece[volume > 0])
    return out


def _mean_chance(counts: tuple[np.ndarray, np.ndarray], multiplier: float) -> float:
    per_piece, live_piece = counts
    chance = np.array([within_probability(n * multiplier) for n in per_piece])
    return float(chance[live_piece].mean())


def _reaches(counts: tuple[np.ndarray, np.ndarray], target: float, multiplier: float) -> bool:
    return _mean_chance(counts, multiplier) >= target


def attainable_accuracy(truth_dir: Path, multiplier: float = 1.0) -> dict[str, float]:
    """Per botnet, the expected share of days within ±5% with known change days and the
    sensors' sample multiplied by ``multiplier``."""
    return {b: _mean_chance(c, multiplier) for b, c in _piece_counts(truth_dir).items()}


def scale_needed(truth_dir: Path, target: float = 0.95, largest: float = 1000.0
                 ) -> dict[str, float | None]:
    """Per botnet, the smallest sample multiplier (doubling, then bisection to 5%) at
    which ``attainable_accuracy`` reaches ``target``; None beyond ``largest``."""
    return {b: _smallest_multiplier(partial(_reaches, c, target), largest)
            for b, c in _piece_counts(truth_dir).items()}


def _smallest_multiplier(reaches: Callable[[float], bool], largest: float) -> float | None:
    if reaches(1.0):
        return 1.0
    lo, hi = 1.0, 2.0
    while not reaches(hi):
        if hi >= largest:
            return None
        lo, hi = hi, hi * 2
    while hi / lo > 1.05:
        mid = (lo * hi) ** 0.5
        lo, hi = (lo, mid) if reaches(mid) else (mid, hi)
    return hi
