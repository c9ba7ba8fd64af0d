"""How often does the silence test read a small sender's Poisson gaps as a pause, and how
often does it find a real stop?

Each trial is a 150-day series of Poisson counts at a steady rate (messages the sensors
see per day), passed to ``silences.silence_events`` as the analysis passes a botnet's
series. False pauses: series with no change that yield a pause or takedown. Detection:
series whose sender stops for a number of days in the middle (and then resumes) that
yield a pause starting within a day of the stop. All **simulated**, seeded.

Run: ``.venv/bin/python bench/accuracy_silences.py [trials]`` (default 300).
Writes ``bench/results/accuracy_silences.json``.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from spamintel.analyze.silences import silence_events
from spamintel.config import AnalyzeConfig

DAYS = 150
STOP_AT = 80
RATES = (1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
STOP_DAYS = (4, 10)
RESULTS = Path(__file__).parent / "results" / "accuracy_silences.json"


def _stops(counts: np.ndarray) -> list[dict]:
    """The pauses and takedowns the analysis reads in one series of daily counts."""
    cfg = AnalyzeConfig()
    days = [date(2011, 1, 1) + timedelta(days=i) for i in range(len(counts))]
    x = counts.astype(float)
    found = silence_events(x, days, {}, cfg.silent_fraction, cfg.takedown_min_days,
                           cfg.window_days, x, 0.0)
    return [e for e in found if e["type"] in ("pause", "takedown")]


def false_pauses(rng: np.random.Generator, rate: float, trials: int) -> int:
    """Steady series at ``rate`` a day that yield a pause or takedown."""
    return sum(bool(_stops(rng.poisson(rate, DAYS))) for _ in range(trials))


def detected(rng: np.random.Generator, rate: float, stop_days: int, trials: int) -> int:
    """Series that stop for ``stop_days`` days from day STOP_AT and whose pause is found
    within a day of the stop."""
    start = date(2011, 1, 1) + timedelta(days=STOP_AT)
    hits = 0
    for _ in range(trials):
        counts = rng.poisson(rate, DAYS)
        counts[STOP_AT:STOP_AT + stop_days] = 0
        hits += any(abs((e["date"] - start).days) <= 1 for e in _stops(counts))
    return hits


def main(trials: int) -> dict:
    """Run both checks at every rate and print a table."""
    rng = np.random.default_rng(2011)
    out: dict = {"trials": trials, "days": DAYS, "simulated": True, "rates": {}}
    print(f"{'per day':>8} {'false':>7} " + " ".join(f"{f'stop {d}d':>8}" for d in STOP_DAYS))
    for rate in RATES:
        row = {"false_pauses": false_pauses(rng, rate, trials),
               "detected": {str(d): detected(rng, rate, d, trials) for d in STOP_DAYS}}
        out["rates"][str(rate)] = row
        print(f"{rate:>8} {row['false_pauses']:>7} "
              + " ".join(f"{row['detected'][str(d)]:>8}" for d in STOP_DAYS))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
