"""Change points of every botnet's and the global daily series, typed and dated, with
magnitude, confidence and (for stops) a displacement analysis.

Event types: ``takedown``, ``pause``, ``resume``, ``new_botnet`` (from silences, see
``silences``), ``surge`` and ``drop`` (sustained level shifts), ``content_switch`` and
``software_switch`` (the botnet's bots send with another SMTP dialect or header template,
so signatures written for the old software stop matching; see ``levels``). The global
series only yields surges and drops. Magnitudes are in the series' unit per day (world
estimates when calibrated): ``magnitude`` is the change of the level (after minus
before), ``magnitude_relative`` the same as a fraction of before, ``global_change`` the
relative change of all spam over the same windows. A content or software switch's
magnitude is the share of the mix that moved (total variation distance, 0 to 1), its
unit in ``MIX_UNITS``.

Displacement: after a botnet stops (takedown or pause), every other botnet's mean over the
``w`` days after the stop day is compared with the ``w`` days before it; those that grew
by at least ``displacement_min_ratio``, with the messages seen in the two windows
differing at a z of at least ``T_MIN`` (Poisson; a Welch t of the daily values when the
counts are unknown), are listed with their increase per day and its share of the
stopped botnet's lost output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from spamintel.analyze.estimate import Z95, count_ratio_z
from spamintel.analyze.fragments import without_fragment_ends
from spamintel.analyze.levels import content_switches, level_shifts, software_switches
from spamintel.analyze.silences import (
    MIN_EXPECTED,
    first_sustained,
    silence_events,
    silent_runs,
)
from spamintel.config import AnalyzeConfig

T_MIN = 3.0
STOPS = ("takedown", "pause")
MIX_UNITS = {"content_switch": "share of the category mix",
             "software_switch": "share of the SMTP dialect or header template mix"}
_SETTLED = ", at its level from "


@dataclass
class SeriesSet:
    """Inputs of change detection: daily values per botnet and global, hourly counts per
    botnet, daily category counts per botnet; per botnet the messages of every sensor
    (``observed``), those of the sensors behind its estimate (``behind``), which silences
    are tested on, and its counts' scatter beyond Poisson (``dispersion``, τ²); the
    messages of all spam per day (``observed_global``); per botnet its daily counts by
    SMTP dialect (``dialects``) and header template (``templates``)."""

    days: list[date]
    daily: dict[str, np.ndarray]
    global_daily: np.ndarray
    hourly: dict[str, dict[datetime, float]]
    categories: dict[str, list[dict[str, int]]]
    unit: str
    pooled: dict[str, np.ndarray] = field(default_factory=dict)
    pieces: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    pooled_global: np.ndarray | None = None
    observed: dict[str, np.ndarray] = field(default_factory=dict)
    behind: dict[str, np.ndarray] = field(default_factory=dict)
    dispersion: dict[str, float] = field(default_factory=dict)
    observed_global: np.ndarray | None = None
    dialects: dict[str, list[dict[str, int]]] = field(default_factory=dict)
    templates: dict[str, list[dict[str, int]]] = field(default_factory=dict)


def _active(x: np.ndarray, fraction: float) -> np.ndarray:
    active = np.ones(len(x), bool)
    for run in silent_runs(x, fraction):
        active[run.start:run.stop] = False
    return active


def _window_change(x: np.ndarray, i: int, w: int) -> tuple[float, float, float]:
    """(before mean, after mean, Welch t) around day index ``i`` (day ``i`` skipped)."""
    b, a = x[max(0, i - w):i], x[i + 1:i + 1 + w]
    if len(b) < 2 or len(a) < 2:
        return 0.0, 0.0, 0.0
    se = math.sqrt(b.var(ddof=1) / len(b) + a.var(ddof=1) / len(a))
    t = (a.mean() - b.mean()) / se if se > 0 else (math.inf if a.mean() > b.mean() else 0.0)
    return float(b.mean()), float(a.mean()), float(t)


def _shares(s: SeriesSet, x: np.ndarray, i: int, w: int) -> tuple[float, float]:
    glob = s.pooled_global if s.pooled_global is not None else s.global_daily
    b, a = slice(max(0, i - w), i), slice(i + 1, i + 1 + w)
    gb, ga = glob[b].sum(), glob[a].sum()
    return (x[b].sum() / gb if gb > 0 else 0.0), (x[a].sum() / ga if ga > 0 else 0.0)


def displacement(s: SeriesSet, event: dict, cfg: AnalyzeConfig,
                 stopped: list[dict] | None = None) -> list[dict]:
    """Botnets that took over after ``event``'s botnet stopped: those whose output grew
    (z of at least ``T_MIN`` and ``displacement_min_ratio``) or whose share of all
    spam rose by ``displacement_min_share_points`` while their output held (not lower
    at 95% confidence: when every botnet slows down, as at Christmas, the shares of those
    left rise, but none took anything over); largest share gain first. ``stopped``: every
    stop of that day (``event`` among them); when several botnets stop together, what the
    others took over is a share of their loss together, and none of them is a taker."""
    i = s.days.index(event["date"])
    stopped = stopped or [event]
    lost = sum(max(e["level_before"] - e["level_after"], 0.0) for e in stopped)
    gone = {e["botnet"] for e in stopped}
    w = cfg.window_days
    out = []
    for name, x in s.daily.items():
        if name in gone:
            continue
        before, after, t = _window_change(x, i, w)
        obs = s.observed.get(name)
        if obs is not None:
            t = float(count_ratio_z(obs[i + 1:i + 1 + w].sum(), obs[max(0, i - w):i].sum()))
        grew = t >= T_MIN and after >= before * cfg.displacement_min_ratio and after > 0
        share_b, share_a = _shares(s, s.pooled.get(name, x), i, w)
        gained = share_a - share_b >= cfg.displacement_min_share_points and t > -Z95
        if grew or gained:
            out.append({"botnet": name, "increase": after - before,
                        "ratio": after / before if before > 0 else None,
                        "share_before": share_b, "share_after": share_a,
                        "share_gain": share_a - share_b,
                        "share_of_loss": (after - before) / lost if lost else None})
    return sorted(out, key=lambda d: -d["share_gain"])


def _pooled_level(s: SeriesSet, name: str, i: int, min_days: int, max_days: int = 28
                  ) -> float | None:
    """Mean pooled level over whole cycles of the piece that ends before day ``i``, when
    that piece spans at least ``min_days`` (else None: the window mean stands)."""
    if name not in s.pooled or name not in s.pieces or i < 1:
        return None
    piece, period = s.pieces[name]
    j = i - 1
    start = j
    while start > 0 and piece[start - 1] == piece[j] and j - start + 1 < max_days:
        start -= 1
    if j - start + 1 < min_days:
        return None
    p = max(int(period[j]), 1)
    length = (j - start + 1) // p * p or (j - start + 1)
    return float(s.pooled[name][j - length + 1:j + 1].mean())


def _refine_stop(s: SeriesSet, e: dict, w: int) -> None:
    level = _pooled_level(s, e["botnet"], s.days.index(e["date"]), w)
    if level:
        e["level_before"] = level
        e["magnitude"] = e["level_after"] - level
        e["magnitude_relative"] = e["magnitude"] / level


def _global_change(s: SeriesSet, day: date, w: int) -> float | None:
    i = s.days.index(day)
    before, after, _ = _window_change(s.global_daily, i, w)
    return (after - before) / before if before > 0 else None


def _watched_before(s: SeriesSet, name: str, day: date, w: int) -> bool:
    """Whether the sensors saw enough spam before a new sender's first ``day`` to have
    seen the sender there had it been sending: at its share of all spam from that day (the
    lower of its first ``w`` days and all its days), the days before would have held
    ``MIN_EXPECTED`` of its messages. A sender present from the start of a feed whose
    first weeks are thin (an archive's first strays) is not new."""
    seen, total = s.observed.get(name), s.observed_global
    if seen is None or total is None:
        return True
    i = s.days.index(day)
    shares = [seen[i:j].sum() / total[i:j].sum() for j in (i + w, len(total))
              if total[i:j].sum() > 0]
    return min(shares, default=0.0) * total[:i].sum() >= MIN_EXPECTED


def _settle(start: dict, level: float, since: date) -> None:
    before = start["level_before"]
    told = start["detail"].split(_SETTLED)[0]
    start.update(level_after=level, magnitude=level - before,
                 magnitude_relative=level / before - 1 if before > 0 else None,
                 detail=f"{told}{_SETTLED}{since.isoformat()}")


def _level_reached(i: int, x: np.ndarray, obs: np.ndarray | None,
                   pooled: np.ndarray | None, w: int, ends: int) -> tuple[float, int] | None:
    """(level, from day index) a sender that started on day ``i`` reached after a ramp
    that ``ends`` within ``w`` or ``2 w`` days, where above the mean of its first ``w``
    days: the highest of the pooled level at the ramp's end when its series, cut into
    pieces of one level (``analyze/smooth.py``), has stepped up since its first day, and
    the mean of the next ``w`` days when their messages are clearly more (Poisson z of
    at least ``T_MIN``)."""
    first, second = slice(i + 1, i + 1 + w), slice(i + 1 + w, i + 1 + 2 * w)
    found = [(float(x[first].mean()), -1)]
    for end in (i + w, i + ends):
        if pooled is not None and end < len(pooled) and pooled[end] > pooled[i + 1]:
            found.append((float(pooled[end]), end))
    if (obs is not None and i + 1 + 2 * w <= len(x)
            and count_ratio_z(obs[second].sum(), obs[first].sum()) >= T_MIN):
        found.append((float(x[second].mean()), i + 1 + w))
    best = max(found, key=lambda f: (f[0], -f[1]))  # the earliest day of the highest level
    return best if best[1] >= 0 else None


def _fold_ramps(found: list[dict], days: list[date], x: np.ndarray,
                obs: np.ndarray | None, pooled: np.ndarray | None, w: int) -> list[dict]:
    """``found`` (one series' events) with each sender's arrival told once, at the level
    it reached. A start is measured on the ``w`` days after it, and a new sender that
    recruits its bots over those days reaches its level only at their end or in the
    next ``w`` (``_level_reached``; the ramp may run into them unless a surge there is a
    change of its own): a surge measured against those first days (at most ``w`` + 1
    days after a start, ``new_botnet``, or a return, ``resume``) is taken into it. A
    later surge is a change of its own."""
    starts = [e for e in found if e["type"] in ("new_botnet", "resume")]
    for e in (s for s in starts if s["type"] == "new_botnet"):
        i = days.index(e["date"])
        later = any(s["type"] == "surge" and w + 1 < (s["date"] - e["date"]).days <= 2 * w
                    for s in found)
        reached = _level_reached(i, x, obs, pooled, w, w if later else 2 * w)
        if reached is not None:
            _settle(e, reached[0], days[reached[1]])
    out = []
    for e in found:
        start = next((s for s in starts if e["type"] == "surge"
                      and 0 < (e["date"] - s["date"]).days <= w + 1), None)
        if start is None:
            out.append(e)
        elif e["level_after"] > start["level_after"]:
            _settle(start, e["level_after"], e["date"])
    return out


def _without_strays(x: np.ndarray, fraction: float, counts: np.ndarray | None = None
                    ) -> np.ndarray:
    """``x`` with the isolated days before its first sustained activity (``counts``: the
    messages behind it) set to zero: a stray message attributed to a botnet weeks before
    it appears does not hide its onset. Only when the days before are silent next to the
    days after (their mean below ``fraction`` of the later mean): a series that trickles
    along at one low rate has no onset."""
    start = first_sustained(x, len(x) - 1, counts=counts) if len(x) else 0
    if start == 0 or not np.any(x[start:] > 0) or x[:start].mean() > fraction * x[start:].mean():
        return x
    out = x.copy()
    out[:start] = 0.0
    return out


def _level_after(s: SeriesSet, name: str, j: int, p: int, up: bool, max_days: int = 28
                 ) -> float | None:
    """Mean pooled level over whole cycles of ``p`` days from the break on day ``j``,
    through the pieces after it while each next break moves the same way (``up``): the
    segmentation may find one change in steps, the first of them a few days long. At
    most ``max_days``; None when under a cycle."""
    piece, level = s.pieces[name][0], s.pooled[name]
    end = j + 1
    while end < min(len(piece), j + max_days):
        if piece[end] != piece[end - 1] and \
                (level[end:end + p].mean() > level[max(end - p, 0):end].mean()) != up:
            break
        end += 1
    if end - j < p:
        return None
    return float(level[j:j + (end - j) // p * p].mean())


def _at_break(s: SeriesSet, name: str, shifts: list[dict]) -> list[dict]:
    """``shifts`` (one botnet's level shifts) each dated at the nearest break of the
    series' pieces (``analyze/smooth.py``) less than a burst cycle away, where the pooled
    level over a cycle moves the same way, and measured on the pieces' levels (before:
    the last piece; after: ``_level_after``). Two windows of ``w`` days hold a cycle of
    another period unevenly, so their ratio peaks where the later window starts on a
    burst, up to a cycle after the change, and their means are off by the burst they
    hold; the break is where the level changed."""
    if name not in s.pieces or name not in s.pooled:
        return shifts
    piece, period = s.pieces[name]
    for e in shifts:
        i = s.days.index(e["date"])
        p = int(period[max(i - 1, 0):i + 1].max())
        if p < 2:
            continue
        up = e["type"] == "surge"
        levels = {j: (_pooled_level(s, name, j, p), _level_after(s, name, j, p, up))
                  for j in range(max(i - p + 1, 1), min(i + p, len(piece)))
                  if piece[j] != piece[j - 1]}
        moved = {j: (b, a) for j, (b, a) in levels.items() if b and a and (a > b) == up}
        if moved:
            j = min(moved, key=lambda j: (abs(j - i), j))
            before, after = moved[j]
            e.update(date=s.days[j], level_before=before, level_after=after,
                     magnitude=after - before, magnitude_relative=after / before - 1,
                     detail=f"level x{after / before:.2f} over whole cycles of {p} days, "
                            f"{e['detail']}")
    return shifts


def _botnet_events(s: SeriesSet, name: str, x: np.ndarray, cfg: AnalyzeConfig) -> list[dict]:
    """One botnet's events: its silences (a start only where the sensors were watching),
    level shifts, content and software switches, with a ramp told as one arrival."""
    w, frac = cfg.window_days, cfg.silent_fraction
    active = _active(x, frac)
    counts = s.behind.get(name, s.observed.get(name))
    found = silence_events(_without_strays(x, frac, counts), s.days, s.hourly.get(name, {}),
                           frac, cfg.takedown_min_days, w, counts, s.dispersion.get(name, 0.0))
    found = [e for e in found
             if e["type"] != "new_botnet" or _watched_before(s, name, e["date"], w)]
    found += _at_break(s, name, level_shifts(x, s.days, active, w, cfg.surge_ratio,
                                            s.observed.get(name)))
    found += content_switches(s.categories.get(name, []), s.days, active, w,
                              cfg.content_switch_distance)
    found += software_switches(s.dialects.get(name, []), s.templates.get(name, []), s.days,
                               active, w, cfg.software_switch_distance)
    return _fold_ramps(found, s.days, x, s.observed.get(name), s.pooled.get(name), w)


def detect(s: SeriesSet, cfg: AnalyzeConfig) -> list[dict]:
    """All events of all series, sorted by date, each with a stable ``event_id``."""
    w, frac = cfg.window_days, cfg.silent_fraction
    events: list[dict] = []
    for name, x in sorted(s.daily.items()):
        for e in _botnet_events(s, name, x, cfg):
            e["botnet"], e["scope"] = name, "botnet"
            events.append(e)
    events = without_fragment_ends(s, events, w)
    for e in level_shifts(s.global_daily, s.days, _active(s.global_daily, frac), w,
                          cfg.surge_ratio):
        e["botnet"], e["scope"] = None, "global"
        events.append(e)
    stops_on: dict[date, list[dict]] = {}
    for e in events:
        if e["type"] in STOPS:
            _refine_stop(s, e, w)
            stops_on.setdefault(e["date"], []).append(e)
    for e in events:
        e["unit"] = MIX_UNITS.get(e["type"], s.unit)
        e["global_change"] = _global_change(s, e["date"], w) if e["date"] in s.days else None
        e["displaced_to"] = (displacement(s, e, cfg, stops_on[e["date"]])
                             if e["type"] in STOPS else [])
        e["event_id"] = f"{e['type']}:{e['botnet'] or 'global'}:{e['date'].isoformat()}"
    return sorted(events, key=lambda e: (e["date"], e["type"], e["botnet"] or ""))
