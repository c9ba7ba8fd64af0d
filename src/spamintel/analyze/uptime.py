"""Sensor uptime: the part of each day a sensor was receiving, read from its own hours.

A sensor that stored nothing on a day was down (``series.active_sensors``). One that was
down for part of a day, or whose data begin or end in the middle of one (an archive cut
at 13:07), stores less that day, and its count would read as a drop of every botnet it
sees. Its hours tell: a sensor receives mail in every hour, in proportion to its usual
hour-of-day profile. A run of hours without a single message where, at the sensor's usual
level for that weekday, ``MIN_EXPECTED`` or more were due is time it was down: the chance
of so long a silence by chance is under e^−``MIN_EXPECTED``. The day's uptime is the share of the
sensor's usual daily mail that falls outside such runs; it scales the sensor's exposure
(``daily._exposure``). A quiet sensor, whose hours are often empty, never has a run that
long, and keeps an uptime of 1.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np

# Messages the sensor's usual level puts in a silent run of hours before the run is
# counted as time the sensor was down.
MIN_EXPECTED = 20.0
# Weeks either side of a day whose same weekdays set the sensor's usual level for it (a
# mailbox's Saturday is measured against Saturdays).
LEVEL_WEEKS = 3

# Hours in UTC, as the days are, whatever the session's time zone.
HOURS_SQL = ("SELECT sensor, day, extract(hour FROM timezone('UTC', observed_at)) AS h, "
             "count(*) FROM events WHERE day IS NOT NULL AND observed_at IS NOT NULL "
             "GROUP BY ALL")


def sensor_uptime(con) -> dict[tuple[date, str], float]:
    """Uptime under 1 of each (day, sensor) of the store (see module doc); days not listed
    had an uptime of 1 or no mail at all."""
    hours: dict[str, dict[date, np.ndarray]] = defaultdict(dict)
    for sensor, day, h, n in con.execute(HOURS_SQL).fetchall():
        hours[sensor].setdefault(day, np.zeros(24))[int(h)] += n
    out: dict[tuple[date, str], float] = {}
    for sensor, by_day in hours.items():
        for day, share in _one_sensor(by_day).items():
            out[(day, sensor)] = share
    return out


def _one_sensor(by_day: dict[date, np.ndarray]) -> dict[date, float]:
    """Uptime under 1 of one sensor's days, from its hourly counts per day."""
    days = sorted(by_day)
    counts = np.array([by_day[d] for d in days])
    profile = _profile(counts)
    totals = counts.sum(axis=1)
    ordinal = np.array([d.toordinal() for d in days])
    out = {}
    for i, day in enumerate(days):
        apart = ordinal - ordinal[i]
        same = (np.abs(apart) <= 7 * LEVEL_WEEKS) & (apart % 7 == 0)
        level = float(np.median(totals[same]))
        down = _down_hours(counts[i], profile * level)
        if down.any():
            out[day] = float(1.0 - profile[down].sum())
    return out


def _profile(counts: np.ndarray) -> np.ndarray:
    """Share of a day's mail in each hour: the median day's (the days the sensor was down
    for part of do not bend it), the mean day's where the median day is empty."""
    base = np.median(counts, axis=0)
    if base.sum() <= 0:
        base = counts.mean(axis=0)
    base = base + 0.01 * base.mean() + 1e-9
    return base / base.sum()


def _down_hours(count: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Hours in runs of empty hours whose expected messages reach ``MIN_EXPECTED``."""
    down = np.zeros(24, dtype=bool)
    start = None
    for h in range(25):
        empty = h < 24 and count[h] == 0
        if empty and start is None:
            start = h
        elif not empty and start is not None:
            if expected[start:h].sum() >= MIN_EXPECTED:
                down[start:h] = True
            start = None
    return down
