"""Sustained level shifts (surge, drop), content and software switches inside active
periods.

Both compare a window of ``w`` days before each candidate day with ``w`` days from it.
With ``w = 7`` every window holds each weekday once, so weekday/weekend cycles cancel;
short burst cycles average out. A level shift is reported where the log ratio of the
window means is a local extreme, exceeds ``log(ratio)``, stands out from the series' own
noise (robust z of at least ``Z_MIN``) and holds for a further window. A content switch
is reported where the category mix of the two windows differs by at least ``distance``
(total variation), most there within a window either side, and a chi-square test rejects
"same mix" at ``P_MAX``. The distance is taken wherever each window holds
``MIN_WINDOW_MESSAGES``: a small sender's switch is dated by where its mix changed most,
not by the first day around it with more mail; the test keeps chance apart. A software
switch is the same test on the mix of SMTP dialects or of header templates, which must
also hold a further window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.stats import chi2_contingency, norm

from spamintel.analyze.estimate import count_ratio_z

Z_MIN = 4.0
P_MAX = 1e-6
MIN_WINDOW_MESSAGES = 10
# Share of a botnet's mail below which a dialect or header template joins "(others)".
MIN_VALUE_SHARE = 0.02


def _window_means(x: np.ndarray, w: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    c = np.concatenate([[0.0], np.cumsum(x)])
    idx = np.arange(w, len(x) - w + 1)
    return idx, (c[idx + w] - c[idx]) / w, (c[idx] - c[idx - w]) / w


def _counts_differ(observed: np.ndarray | None, w: int) -> np.ndarray | bool:
    """Per candidate day, whether the messages behind the two windows differ at ``Z_MIN``
    (Poisson, on the log ratio); True everywhere without counts."""
    if observed is None:
        return True
    _, n_after, n_before = _window_means(np.asarray(observed, dtype=float), w)
    return np.abs(count_ratio_z(n_after * w, n_before * w)) >= Z_MIN


def level_shifts(x: np.ndarray, days: list[date], active: np.ndarray, w: int,
                 ratio: float, observed: np.ndarray | None = None) -> list[dict]:
    """Surges and drops of a series, only where both windows are fully active and, when
    the messages ``observed`` per day are given, where their counts differ beyond chance
    (a series of a few messages has no level shifts)."""
    if len(x) < 2 * w + 1:
        return []
    idx, after, before = _window_means(x, w)
    ok = np.array([active[i - w:i + w].all() for i in idx]) & (before > 0) & (after > 0)
    r = np.where(ok, np.log(np.where(ok, after, 1) / np.where(ok, before, 1)), 0.0)
    if ok.sum() < 3:
        return []
    dev = r[ok] - np.median(r[ok])
    noise = max(1.4826 * float(np.median(np.abs(dev))), 1e-9)
    out = []
    for j in np.flatnonzero(ok & _counts_differ(observed, w)):
        lo, hi = max(0, j - w), min(len(r), j + w + 1)
        if abs(r[j]) < math.log(ratio) or abs(r[j]) < np.abs(r[lo:hi]).max():
            continue
        z = abs(r[j]) / noise
        i = idx[j]
        if z < Z_MIN or not _holds(x, i, w, before[j], r[j] > 0, ratio):
            continue
        conf = 1.0 - 2 * norm.sf(z)
        out.append({"type": "surge" if r[j] > 0 else "drop", "date": days[i], "event_time": None,
                    "magnitude": after[j] - before[j], "magnitude_relative":
                    after[j] / before[j] - 1, "level_before": before[j],
                    "level_after": after[j], "confidence": round(min(0.99, conf), 3),
                    "detail": f"{w}-day mean x{after[j] / before[j]:.2f} (z={z:.1f})"})
    return out


def _holds(x: np.ndarray, i: int, w: int, before: float, up: bool, ratio: float) -> bool:
    later = x[i:i + 2 * w]
    if len(later) < w:
        return False
    m = later.mean()
    return m >= before * ratio ** 0.5 if up else m <= before / ratio ** 0.5


def _moves(names: list[str], before: np.ndarray, after: np.ndarray) -> str:
    """The value whose share fell most and the one whose share rose most, with their
    shares before and after ("pharma 62% → 8%, stock 3% → 49%")."""
    fell, rose = int(np.argmin(after - before)), int(np.argmax(after - before))
    return ", ".join(f"{_short(names[k])} {before[k]:.0%} → {after[k]:.0%}" for k in (fell, rose))


def _short(label: str, width: int = 160) -> str:
    return label if len(label) <= width else label[:width - 1] + "…"


@dataclass(frozen=True)
class MixChange:
    """A day where a daily mix of values changed: the index of the day, the total variation
    distance between the windows either side, the chi-square p-value and what moved."""

    day: int
    distance: float
    p: float
    moves: str


def _mix_matrix(mix: list[dict[str, int]], min_share: float) -> tuple[list[str], np.ndarray]:
    """Values × days counts; values under ``min_share`` of all the mail join "(others)"."""
    total: dict[str, int] = {}
    for day in mix:
        for v, n in day.items():
            total[v] = total.get(v, 0) + n
    whole = sum(total.values())
    names = sorted(v for v, n in total.items() if n >= min_share * whole)
    rare = [v for v in total if v not in names]
    m = np.array([[day.get(v, 0) for v in names] + [sum(day.get(v, 0) for v in rare)]
                  for day in mix], dtype=float)
    return names + ["(others)"], m


def mix_changes(mix: list[dict[str, int]], active: np.ndarray, w: int, distance: float,
                min_share: float = 0.0, hold: bool = False) -> list[MixChange]:
    """Days where a daily mix of values changes for good: the distance between the ``w``
    days before and from the day is at least ``distance``, a local maximum, and a
    chi-square test rejects one mix at ``P_MAX``. With ``hold``, the ``w`` days after
    those must differ from the days before by ``distance`` too, where they hold
    ``MIN_WINDOW_MESSAGES``: a mix that swings back is no change."""
    names, m = _mix_matrix(mix, min_share)
    if np.count_nonzero(m.sum(axis=0)) < 2 or len(mix) < 2 * w + 1:
        return []
    c = np.vstack([np.zeros(len(names)), np.cumsum(m, axis=0)])
    tv = np.zeros(len(mix))
    for i in range(w, len(mix) - w + 1):
        a, b = c[i + w] - c[i], c[i] - c[i - w]
        if (active[i - w:i + w].all() and a.sum() >= MIN_WINDOW_MESSAGES
                and b.sum() >= MIN_WINDOW_MESSAGES):
            tv[i] = _distance(a, b)
    out = []
    for i in np.flatnonzero(tv >= distance).tolist():
        if tv[i] < tv[max(0, i - w):i + w + 1].max():
            continue
        a, b = c[i + w] - c[i], c[i] - c[i - w]
        keep = (a + b) > 0
        p = float(chi2_contingency(np.vstack([b[keep], a[keep]]))[1])
        if p <= P_MAX and not (hold and _swings_back(c, i, w, b, distance)):
            out.append(MixChange(int(i), float(tv[i]), p,
                                 _moves(names, b / b.sum(), a / a.sum())))
    return out


def _swings_back(c: np.ndarray, i: int, w: int, before: np.ndarray, distance: float) -> bool:
    """Whether the ``w`` days after the window from day ``i`` (cumulative counts ``c``)
    hold enough mail and are within ``distance`` of the mix ``before`` the day."""
    if i + 2 * w >= len(c):
        return False
    later = c[i + 2 * w] - c[i + w]
    if later.sum() < MIN_WINDOW_MESSAGES:
        return False
    return _distance(later, before) < distance


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    """Total variation distance between the mixes of counts ``a`` and ``b``."""
    return float(0.5 * np.abs(a / a.sum() - b / b.sum()).sum())


def _switch(kind: str, day: date, distance: float, p: float, detail: str) -> dict:
    return {"type": kind, "date": day, "event_time": None, "magnitude": distance,
            "magnitude_relative": None, "level_before": None, "level_after": None,
            "confidence": round(min(0.99, 1 - p), 3), "detail": detail}


def content_switches(cats: list[dict[str, int]], days: list[date], active: np.ndarray, w: int,
                     distance: float) -> list[dict]:
    """Days where the category mix changes for good."""
    return [_switch("content_switch", days[c.day], c.distance, c.p,
                    f"category mix changed by {c.distance:.0%}: {c.moves}")
            for c in mix_changes(cats, active, w, distance)]


def software_switches(dialects: list[dict[str, int]], templates: list[dict[str, int]],
                      days: list[date], active: np.ndarray, w: int, distance: float) -> list[dict]:
    """Days where a botnet's bots change the software they send with: the mix of SMTP
    dialects or of header templates changes and holds (``mix_changes`` with ``hold``;
    values under ``MIN_VALUE_SHARE`` of the botnet's mail are pooled, so a rare variant's
    noise does not count). Changes of both within ``w`` days are one switch, dated where
    the larger one is."""
    found = sorted([(c, what) for mix, what in ((dialects, "SMTP dialect"),
                                                (templates, "header template"))
                    for c in mix_changes(mix, active, w, distance, MIN_VALUE_SHARE, hold=True)],
                   key=lambda cw: cw[0].day)
    groups: list[list[tuple[MixChange, str]]] = []
    for cw in found:
        if groups and cw[0].day - groups[-1][-1][0].day <= w:
            groups[-1].append(cw)
        else:
            groups.append([cw])
    out = []
    for g in groups:
        top = max(g, key=lambda cw: cw[0].distance)[0]
        detail = "; ".join(f"{what} mix changed by {c.distance:.0%}: {c.moves}" for c, what in g)
        out.append(_switch("software_switch", days[top.day], top.distance,
                           max(c.p for c, _ in g), detail))
    return out
