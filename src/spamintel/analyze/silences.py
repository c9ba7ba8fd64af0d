"""Silences in a daily series: when a sender stops, comes back, or first appears.

A day is *silent* when the series is below ``silent_fraction`` of its typical level (the
median of its active days, found in two passes), or when it is active after a silent day
but the activity does not go on (a stray message attributed to a sender that stopped).
Runs of silent days become events:

- a silent run at the start followed by activity: ``new_botnet`` on the first active day
  (its first trickle, but not a low level that strays kept up before it, see
  ``_own_start``);
- a silent run in the middle lasting at least ``MIN_PAUSE_DAYS``: ``pause`` then ``resume``;
- a silent run reaching the end of the data: ``takedown`` when it lasts at least
  ``takedown_min_days``, else a ``pause`` (not yet known to be final). The sure
  takedown is of a sender seen for ``ESTABLISHED_WEEKS`` of its own weeks or more; the
  end of one seen for less (a run of a campaign's senders) has its confidence scaled
  down in proportion. A sender already sending when the data begin lived at least the
  days seen, however few were active.

Dates are refined on the hourly series: the hour a single Poisson mean-shift splits best
within the two days around the daily transition, so a takedown at 14:45 is dated that
day even though the day itself still carried half a day of spam. An event in the last
hours of a day, after which less than ``MIN_DAY_SHARE`` of the sender's usual day is
left, is dated the next day (the first its mail changes); so is a stop whose rest of the
day would have carried fewer than ``MIN_EXPECTED`` messages, where an empty evening is
chance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from scipy import stats

from spamintel.analyze import smooth

MIN_PAUSE_DAYS = 2
ESTABLISHED_WEEKS = 4
MIN_LEAD_DAYS = 3
QUIET_HOUR = 0.2
MIN_EXPECTED = 10.0
MIN_DAY_SHARE = 0.1
STRAY_GAP = 5.0
SPLIT_Z = 3.0


@dataclass(frozen=True)
class Run:
    """A run of silent days ``[start, stop)`` in day indices."""

    start: int
    stop: int

    @property
    def days(self) -> int:
        return self.stop - self.start


def typical_level(x: np.ndarray, fraction: float) -> float:
    """Median of the active days (two passes from the 90th percentile of the days with
    any mail: a sender active on fewer than a tenth of the days, one that appeared in
    the last weeks of a long period, has a level too)."""
    if not len(x) or not np.any(x > 0):
        return 0.0
    level = float(np.percentile(x[x > 0], 90))
    for _ in range(2):
        on = x >= fraction * level
        level = float(np.median(x[on])) if on.any() else level
    return level


def _strays_silenced(silent: np.ndarray, span: int = 7, min_days: int = 3) -> np.ndarray:
    """``silent`` with activity after a silent day that does not go on (fewer than
    ``min_days`` active days among the ``span`` days from it, or among those left) marked
    silent too, once the sender has been active: a stray message attributed to a sender
    that stopped is no return. (Before its first activity, ``first_sustained`` dates a
    new sender.)"""
    out = silent.copy()
    active = ~silent
    began = False
    for i in range(len(out)):
        window = active[i:i + span]
        goes_on = np.count_nonzero(window) >= min(min_days, len(window))
        if active[i] and began and out[i - 1] and not goes_on:
            out[i] = True
        began = began or bool(active[i] and goes_on)
    return out


def silent_runs(x: np.ndarray, fraction: float) -> list[Run]:
    """Maximal runs of silent days (strays inside them count as silent)."""
    level = typical_level(x, fraction)
    if level <= 0:
        return []
    silent = _strays_silenced(x < fraction * level)
    runs, start = [], None
    for i, s in enumerate(silent):
        if s and start is None:
            start = i
        elif not s and start is not None:
            runs.append(Run(start, i))
            start = None
    if start is not None:
        runs.append(Run(start, len(x)))
    return runs


def best_split(y: np.ndarray, rising: bool) -> tuple[int | None, float]:
    """Where one change of Poisson level splits ``y`` best: the index ``k`` of the first
    value after the change (only changes in the asked direction), and the gain in
    log-likelihood over a single level (``None`` and 0 when no split rises or falls so)."""
    total = float(y.sum())
    if len(y) < 2 or total <= 0:
        return None, 0.0
    k = np.arange(1, len(y))
    n1 = np.cumsum(y)[:-1]
    n2 = total - n1
    ll = -(smooth.piece_cost(n1, k) + smooth.piece_cost(n2, len(y) - k))
    ll = np.where((n2 / (len(y) - k) > n1 / k) == rising, ll, -np.inf)
    best = int(np.argmax(ll))
    if not np.isfinite(ll[best]):
        return None, 0.0
    return int(k[best]), float(ll[best] + smooth.piece_cost(np.array([total]), len(y))[0])


def split_hour(hourly: dict[datetime, float], first: date, rising: bool) -> datetime | None:
    """Hour where a one-change Poisson model splits best over the 48 h from ``first``."""
    t0 = datetime(first.year, first.month, first.day, tzinfo=UTC)
    hours = [t0 + timedelta(hours=h) for h in range(48)]
    y = np.array([hourly.get(h, 0.0) for h in hours], dtype=float)
    k, _ = best_split(y, rising)
    return hours[k] if k is not None else None


def first_sustained(x: np.ndarray, limit: int, span: int = 7, min_days: int = 3,
                    start: int = 0, counts: np.ndarray | None = None) -> int:
    """First day (from ``start`` up to ``limit``) with activity that goes on: at least
    ``min_days`` active days among the ``span`` days from it, and no gap after it that
    the level after the gap makes unlikely (``_stray``, on the message ``counts`` behind
    ``x`` when given: a message of a sensor with a smaller share weighs more in ``x``, not
    in the chance of a gap). A botnet ramping up is dated from its first trickle, while an
    isolated stray message is not."""
    counts = x if counts is None else counts
    for i in range(start, limit + 1):
        if (x[i] > 0 and np.count_nonzero(x[i:i + span]) >= min_days
                and not _stray(counts, i, span)):
            return i
    return limit


def _stray(x: np.ndarray, i: int, span: int) -> bool:
    """Whether active day ``i`` is followed by quiet days in which the level of the
    ``span`` days after them would have sent at least ``STRAY_GAP`` times what day ``i``
    did: one message four days before a sender's mail begins at four a day is another
    sender's stray, while a slow start's days that far apart are its first trickle."""
    later = np.flatnonzero(x[i + 1:i + 1 + span] > 0)
    if not len(later) or later[0] == 0:
        return False
    after = i + 1 + int(later[0])
    return float(x[after:after + span].mean()) * int(later[0]) >= STRAY_GAP * float(x[i])


def _hour_profile(hourly: dict[datetime, float]) -> np.ndarray:
    """The sender's mail per hour of the day, summed over the series."""
    profile = np.zeros(24)
    for h, n in hourly.items():
        profile[h.hour] += n
    return profile


def first_expected_hour(hourly: dict[datetime, float], at: datetime) -> datetime:
    """The first hour from ``at`` in which the sender is normally active (its hour-of-day
    profile at least ``QUIET_HOUR`` of the mean): a stop during the sender's nightly rest
    is dated when silence first becomes unusual."""
    profile = _hour_profile(hourly)
    if profile.sum() <= 0:
        return at
    for k in range(24):
        h = at + timedelta(hours=k)
        if profile[h.hour] >= QUIET_HOUR * profile.mean():
            return h
    return at


def event_day(at: datetime | None, fallback: date, hourly: dict[datetime, float],
              days: list[date]) -> date:
    """The day an event at hour ``at`` is dated: the first day whose mail it changes by at
    least ``MIN_DAY_SHARE`` of the sender's usual day (its hour-of-day profile), so a stop
    at 23:40 is dated the next day, the first without mail; ``fallback`` without ``at``."""
    if at is None:
        return fallback
    profile = _hour_profile(hourly)
    later = at.date() + timedelta(days=1)
    if profile.sum() > 0 and profile[at.hour:].sum() < MIN_DAY_SHARE * profile.sum() \
            and later in days:
        return later
    return at.date()


def _event(kind: str, day: date, at: datetime | None, conf: float, before: float,
           after: float, note: str) -> dict:
    rel = (after - before) / before if before > 0 else None
    return {"type": kind, "date": day, "event_time": at,
            "magnitude": after - before, "magnitude_relative": rel, "level_before": before,
            "level_after": after, "confidence": round(min(0.99, conf), 3), "detail": note}


def _mean(x: np.ndarray, lo: int, hi: int) -> float:
    lo, hi = max(lo, 0), min(hi, len(x))
    return float(x[lo:hi].mean()) if hi > lo else 0.0


def _expected(obs: np.ndarray, lo: int, hi: int, days: int) -> float:
    """Messages the sensors would have seen over ``days`` days at the level of obs[lo:hi]."""
    return _mean(obs, lo, hi) * days


def _evidence(obs: np.ndarray, lo: int, hi: int, start: int, days: int, tau2: float) -> float:
    """−log of the chance that ``days`` days from ``start`` show no more messages than
    they did (the strays of a silence count: a trickle of a small sender is no silence),
    at the level of obs[lo:hi]. That level is itself a count: the chance is the
    predictive one (negative binomial), so a week that ran high by chance does not make
    the quiet days after it a pause. For a series whose days vary beyond Poisson by
    ``tau2`` it is also the gamma-Poisson chance at that level, and the larger of the
    two counts."""
    lo, hi = max(lo, 0), min(hi, len(obs))
    before, seen = float(obs[lo:hi].sum()), float(obs[start:start + days].sum())
    if before <= 0 or hi <= lo:
        return 0.0
    evidence = -float(stats.nbinom.logcdf(seen, before, (hi - lo) / (hi - lo + days)))
    if tau2 > 0:
        mean = before / (hi - lo)
        evidence = min(evidence, -float(stats.nbinom.logcdf(seen, days / tau2,
                                                            1.0 / (1.0 + mean * tau2))))
    return evidence


def silence_events(x: np.ndarray, days: list[date], hourly: dict[datetime, float],
                   fraction: float, takedown_days: int, window: int,
                   obs: np.ndarray | None = None, dispersion: float = 0.0) -> list[dict]:
    """Events found from the silent runs of one series (see module docstring).

    ``obs`` holds the observed message counts behind ``x``: a silence is only reported
    when so few messages (its strays) at the level before it have a chance under
    e^−``MIN_EXPECTED`` (``_evidence``): Poisson gaps of a small botnet are not pauses,
    and, for a series whose counts scatter beyond Poisson by ``dispersion`` (τ²,
    ``smooth.dispersion``), neither are a bursty sender's quiet days.
    """
    obs = x if obs is None else obs
    out = []
    for run in silent_runs(x, fraction):
        at_end, at_start = run.stop == len(x), run.start == 0
        if at_start and not at_end:
            first = first_sustained(x, run.stop, start=_own_start(obs, run, window),
                                    counts=obs)
            if first >= MIN_LEAD_DAYS and _expected(obs, first, first + window,
                                                    first) >= MIN_EXPECTED:
                out.append(_onset("new_botnet", x, days, hourly, first, window, run.start))
        if at_start or _evidence(obs, run.start - window, run.start, run.start, run.days,
                                 dispersion) < MIN_EXPECTED:
            continue
        stop = _stop_kind(x, run, at_end, takedown_days, obs)
        if stop is None:
            continue
        kind, conf, note = stop
        first_day = days[run.start]
        at = _stop_hour(hourly, first_day, _expected(obs, run.start - window, run.start, 1))
        edge = days.index(at.date()) if at else run.start
        before = _mean(x, edge - window, edge)
        after = _mean(x, run.start, min(run.stop, run.start + window))
        out.append(_event(kind, event_day(at, first_day, hourly, days), at, conf, before, after,
                          f"silent for {run.days} day(s) from {first_day.isoformat()}{note}"))
        if not at_end:
            out.append(_onset("resume", x, days, hourly, run.stop, window, run.start))
    return out


def _stop_kind(x: np.ndarray, run: Run, at_end: bool, takedown_days: int,
               counts: np.ndarray | None = None) -> tuple[str, float, str] | None:
    """The kind of the stop that begins ``run``, its confidence and a note on it (the
    sender's life from its first sustained day, strays judged on ``counts``); None when
    the silence is too short to be a pause."""
    if not at_end:
        return ("pause", 1.0 - math.exp(-run.days), "") if run.days >= MIN_PAUSE_DAYS else None
    conf = 0.5 + 0.5 * min(1.0, run.days / (2 * takedown_days))
    if run.days < takedown_days:
        return "pause", conf, ""
    life = run.start - first_sustained(x, run.start, counts=counts)
    if x[0] > 0:  # already sending when the data begin: it lived at least the days seen
        life = max(life, run.start)
    conf *= min(1.0, life / (ESTABLISHED_WEEKS * takedown_days))
    if x[0] > 0:  # already sending when the data begin: its life is longer than seen
        return "takedown", conf, f", {run.start} day(s) after the data begin, when it was sending"
    return "takedown", conf, f", {life} day(s) after it was first seen"


def _stop_hour(hourly: dict[datetime, float], first: date, per_day: float) -> datetime | None:
    """The hour a sender stopped, for a silence from day ``first``: the split of the
    hourly series (``split_hour``), moved to the first hour the sender is normally active
    (``first_expected_hour``). The stop is placed in the day before ``first`` only when
    the rest of that day would have carried at least ``MIN_EXPECTED`` messages at the
    sender's level (``per_day`` messages a day seen, spread by its hour-of-day profile):
    a small sender's empty evening is chance, not a stop."""
    at = split_hour(hourly, first - timedelta(days=1), rising=False)
    if at is None:
        return None
    at = first_expected_hour(hourly, at)
    if not first - timedelta(days=1) <= at.date() <= first:
        return None
    if at.date() < first:
        profile = _hour_profile(hourly)
        if per_day * profile[at.hour:].sum() < MIN_EXPECTED * profile.sum():
            midnight = datetime(first.year, first.month, first.day, tzinfo=UTC)
            return first_expected_hour(hourly, midnight)
    return at


def _own_start(obs: np.ndarray, run: Run, window: int) -> int:
    """Where a new sender's own mail may begin in the silent ``run`` before it: its
    earliest clear rise (``_earliest_rise``), moved back over the days just before it
    that already carry at least twice the rate of the days before them (a ramp's first
    trickle). Strays of other senders attributed to it before it appeared, on most days
    or on a few, stay the lower level; without a clear rise, the run's start."""
    rise = _earliest_rise(obs, run, window)
    if rise is None:
        return run.start
    floor = obs[run.start:rise].mean() if rise > run.start else 0.0
    while rise > run.start and obs[rise - 1] > 0 and obs[rise - 1] >= 2 * floor:
        rise -= 1
    return min(rise, run.stop)


def _earliest_rise(obs: np.ndarray, run: Run, window: int) -> int | None:
    """The rise that best splits the messages of ``run`` and of the ``window`` days after
    it into two Poisson levels, then the best rise before that one, and so on while each
    is clear (log-likelihood gain of ``SPLIT_Z``²/2); ``None`` when none is."""
    found, stop = None, run.stop + window
    while True:
        k, gain = best_split(obs[run.start:stop], rising=True)
        if k is None or 2 * gain < SPLIT_Z ** 2:
            return found
        found = stop = run.start + k


def _onset(kind: str, x: np.ndarray, days: list[date], hourly: dict[datetime, float],
           i: int, window: int, quiet_from: int) -> dict:
    """A sender starting (again) on day ``i`` after the silent days from ``quiet_from``:
    its level before is that of the silence (the week before, at most), so a pause
    shorter than a week does not mix the level it paused from into the change."""
    first = days[i]
    at = split_hour(hourly, first - timedelta(days=1), rising=True)
    if at is not None and not (first - timedelta(days=1) <= at.date() <= first):
        at = None
    active = int(np.sum(x[i:i + 2 * window] > 0))
    conf = 0.5 + 0.5 * min(1.0, active / window)
    before = _mean(x, max(i - window, quiet_from), i)
    after = _mean(x, i + 1, i + 1 + window)
    day = event_day(at, first, hourly, days)
    return _event(kind, day, at, conf, before, after, f"active from {day.isoformat()}")
