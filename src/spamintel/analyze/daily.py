"""Daily world estimates per series (each botnet, non-botnet spam, and their sum).

Volumes come from the traps when there are any (see ``volume_sensors``); a botnet's also
from the mixed feeds, whose count of its mail is scaled by the classifier's recall on it
(``with_mixed_feeds``). For each series
the sensors are first checked against each other: a sensor whose rate
per unit of share differs strongly from the other sensors' pooled rate (a harvested
address list that a botnet over- or under-targets) is left out for that series, when at
least three sensors saw it, unless it is a trap whose rate holds steady over the period
(``rescale_outliers``): then it comes back at its own rate, adding its counts while the
others set the level. The remaining counts are pooled over sensors and smoothed
over days by ``smooth.fit`` (days of one level share their counts), where every series
may follow the level changes of all spam together (``shared_breaks``); the raw one-day
estimate is kept beside it. Where the pooled sensors still disagree beyond chance (two
sensors cannot be checked against each other), their spread widens the interval
(``sensor_spread``). The global series is the sum of the others, its interval
combining theirs in quadrature.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import date

import numpy as np
from scipy import stats

from spamintel.analyze import smooth
from spamintel.analyze.estimate import BOTNET, GLOBAL, NONBOTNET, Scaler, poisson_interval, widen
from spamintel.analyze.series import DailyCounts

MIN_SENSORS_TO_CHECK = 3
OUTLIER_Z = 5.0
OUTLIER_TOLERANCE = math.log(1.15)


def _deviance(n: np.ndarray, e: np.ndarray) -> float:
    """Poisson deviance of counts ``n`` under one rate per unit of exposure ``e``."""
    mu = e * (n.sum() / e.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.where(n > 0, n * np.log(n / mu), 0.0)
    return float(2 * (log_term - (n - mu)).sum())


def select_sensors(n: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Mask of sensors (rows) to pool: drop, one at a time, the most discordant one.

    A sensor's discordance is the likelihood-ratio statistic of giving it a rate of its
    own (the drop in the others' Poisson deviance when it leaves), so a sensor that never
    sees a series is found as the outlier rather than dragging the pool down and making
    the good sensors look discordant. It is dropped when that statistic reaches
    ``OUTLIER_Z``² and its rate differs from the rest's by more than 15%."""
    used = e.sum(axis=1) > 0
    ns, es = n.sum(axis=1), e.sum(axis=1)
    while used.sum() >= MIN_SENSORS_TO_CHECK:
        total = _deviance(ns[used], es[used])
        scores = np.zeros(len(used))
        for s in np.flatnonzero(used):
            rest = used.copy()
            rest[s] = False
            d = math.log((ns[s] + 0.5) / es[s]) - math.log((ns[rest].sum() + 0.5)
                                                           / es[rest].sum())
            if abs(d) > OUTLIER_TOLERANCE:
                scores[s] = total - _deviance(ns[rest], es[rest])
        worst = int(np.argmax(scores))
        if scores[worst] < OUTLIER_Z ** 2:
            break
        used[worst] = False
    return used


MIN_RESCALED_MESSAGES = 100
RATIO_BLOCK_DAYS = 28
RATIO_TEST_LEVEL = 0.99


def steady_ratio(n_s: np.ndarray, e_s: np.ndarray, n_ref: np.ndarray, e_ref: np.ndarray,
                 clump: float = 1.0) -> float | None:
    """A sensor's rate relative to the reference sensors' when it holds over the series:
    the ratio over all days, or None when its share of the counts in blocks of
    ``RATIO_BLOCK_DAYS`` days strays from what that ratio implies beyond chance (a
    chi-square test at ``RATIO_TEST_LEVEL``, a message counting as 1/``clump`` of a
    draw) or there are fewer than two blocks to compare."""
    block = np.arange(len(n_s)) // RATIO_BLOCK_DAYS
    nb, eb = np.bincount(block, n_s), np.bincount(block, e_s)
    rb, fb = np.bincount(block, n_ref), np.bincount(block, e_ref)
    ok = (eb > 0) & (fb > 0) & (nb + rb > 0)
    if ok.sum() < 2 or nb[ok].sum() <= 0 or rb[ok].sum() <= 0:
        return None
    k = (nb[ok].sum() / eb[ok].sum()) / (rb[ok].sum() / fb[ok].sum())
    share = eb[ok] * k / (eb[ok] * k + fb[ok])
    total = (nb[ok] + rb[ok]) / clump
    chi2 = float((((nb[ok] / clump) - total * share) ** 2
                  / (total * share * (1 - share))).sum())
    return k if chi2 <= stats.chi2.ppf(RATIO_TEST_LEVEL, ok.sum() - 1) else None


def rescale_outliers(n_sd: np.ndarray, e_sd: np.ndarray, used: np.ndarray,
                     candidates: np.ndarray, clump: float = 1.0
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Exposures and mask with each sensor ``select_sensors`` left out (among
    ``candidates``) taken back at its own steady rate (``steady_ratio``): a list a botnet
    targets twice as much as its share says still counts the botnet's ups and downs,
    while the pooled sensors set the level. A sensor with fewer than
    ``MIN_RESCALED_MESSAGES`` of the series, or whose rate wanders, stays out."""
    e_out, mask = e_sd.copy(), used.copy()
    n_ref, e_ref = n_sd[used].sum(0), e_sd[used].sum(0)
    for s in np.flatnonzero(candidates & ~used):
        if n_sd[s].sum() < MIN_RESCALED_MESSAGES:
            continue
        k = steady_ratio(n_sd[s], e_sd[s], n_ref, e_ref, clump)
        if k is not None and k > 0:
            e_out[s] *= k
            mask[s] = True
    return e_out, mask


def sensor_spread(n_sd: np.ndarray, e_sd: np.ndarray, clump: float = 1.0) -> float:
    """Relative variance that the sensors' disagreement adds to their pooled estimate.

    Each sensor sees a series at a rate per unit of share of its own (the lists it was
    seeded on draw some botnets more than others); when the pooled sensors' rates over the
    series differ beyond what their counts allow, their spread is a variance of its own
    (τ² of DerSimonian and Laird's random effects, on rates relative to the pooled one,
    a message counting as 1/``clump`` of a draw), and the pooled estimate, which weighs
    each sensor by its share, carries ``τ² Σ (eₛ/E)²`` of it. Zero with one sensor or when
    the sensors agree."""
    ns, es = n_sd.sum(axis=1) / clump, e_sd.sum(axis=1) / clump
    keep = es > 0
    if keep.sum() < 2 or ns[keep].sum() <= 0:
        return 0.0
    ns, es = ns[keep], es[keep]
    w = es * (ns.sum() / es.sum())
    q = float(((ns - w) ** 2 / w).sum())
    tau2 = max(0.0, (q - (len(w) - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    return tau2 * float(((es / es.sum()) ** 2).sum())


def _arrays(counts: DailyCounts, name: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Messages and amounts per (sensor, day) of one series."""
    si = {s: i for i, s in enumerate(counts.sensors)}
    di = {d: i for i, d in enumerate(counts.days)}
    n = np.zeros((len(si), len(di)))
    a = np.zeros((len(si), len(di)))
    for (day, sensor, botnet), k in counts.messages.items():
        if botnet == name and sensor in si and day in di:
            n[si[sensor], di[day]] += k
            a[si[sensor], di[day]] += counts.amount[(day, sensor, botnet)]
    return n, a


def volume_sensors(counts: DailyCounts, scaler: Scaler,
                   mixed: tuple[str, ...] | list[str]) -> np.ndarray:
    """Mask of sensors whose counts make volumes: the traps when any has a known share.

    A trap's count of spam does not depend on the classifier; a mixed feed's does (false
    positives among its wanted mail, spam let through as ham). Mixed feeds still take part
    in the sensor check."""
    shares = scaler.cal.sensor_shares
    traps = np.array([s in shares and s not in mixed for s in counts.sensors], dtype=bool)
    if scaler.mode != "shares" or not traps.any():
        return np.ones(len(counts.sensors), dtype=bool)
    return traps


def with_mixed_feeds(arrays: tuple[np.ndarray, np.ndarray], e_sd: np.ndarray,
                     volume_ok: np.ndarray, counts: DailyCounts,
                     mixed: tuple[str, ...] | list[str], recall: dict[str, float]
                     ) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, np.ndarray]:
    """Counts and amounts, exposure and volume mask of one botnet's series with the mixed
    feeds added.

    A mixed feed counts a botnet's mail only when the classifier flags it, so its exposure
    in a month is its share times the classifier's recall on that botnet's mail then
    (``recall``, by month). Months without a measured recall leave the feed out; without
    traps (every sensor already counts) they keep it at its share, as nothing better is
    known."""
    if not recall:
        return arrays, e_sd, volume_ok
    months = [d.strftime("%Y-%m") for d in counts.days]
    unknown = 1.0 if volume_ok.all() else 0.0
    factor = np.array([recall.get(m, unknown) for m in months])
    n_sd, a_sd = arrays[0].copy(), arrays[1].copy()
    e_sd, volume_ok = e_sd.copy(), volume_ok.copy()
    for i, sensor in enumerate(counts.sensors):
        if sensor in mixed and e_sd[i].any():
            e_sd[i] *= factor
            n_sd[i] = np.where(e_sd[i] > 0, n_sd[i], 0.0)
            a_sd[i] = np.where(e_sd[i] > 0, a_sd[i], 0.0)
            volume_ok[i] = True
    return (n_sd, a_sd), e_sd, volume_ok


def _exposure(counts: DailyCounts, up: np.ndarray, scaler: Scaler) -> np.ndarray:
    """Share of the world each sensor represents on each day, from the part of each day
    it was up (``uptimes``: 0 when down, the day's uptime when down for part of it). With a
    reference total the sensors are pooled in the first row: a day's exposure is the
    calibration's, times the day's ``coverage``."""
    if scaler.mode == "shares":
        return up * np.array([scaler.cal.sensor_shares.get(s, 0.0)
                              for s in counts.sensors])[:, None]
    e = np.zeros_like(up)
    if scaler.mode == "reference" and len(counts.sensors):
        e[0] = coverage(counts, up) / scaler.factor
    return e


def coverage(counts: DailyCounts, up: np.ndarray) -> np.ndarray:
    """Per day, the part of the store's usual mail the sensors were up to receive: each
    sensor's part of the day up (``uptimes``) weighed by its share of all the mail. 1 on a
    day every sensor was up all day."""
    if not counts.sensors:
        return np.zeros(len(counts.days))
    return (_mail_shares(counts)[:, None] * up).sum(axis=0)


def uptimes(counts: DailyCounts, active: dict[date, set[str]],
            uptime: Mapping[tuple[date, str], float] | None = None) -> np.ndarray:
    """Sensors × days: the part of each day the sensor was up: 0 when it stored nothing,
    its ``uptime`` (``analyze/uptime.py``) when it was down for part of the day, else 1."""
    uptime = uptime or {}
    return np.array([[uptime.get((d, s), 1.0) if s in active.get(d, ()) else 0.0
                      for d in counts.days] for s in counts.sensors]).reshape(
                          len(counts.sensors), len(counts.days))


def _mixed(counts: DailyCounts, mixed: tuple[str, ...] | list[str]) -> np.ndarray:
    """Mask of the sensors that are mixed feeds."""
    return np.array([s in mixed for s in counts.sensors], dtype=bool)


def _mail_shares(counts: DailyCounts) -> np.ndarray:
    """Each sensor's share of all the spam the store holds (equal shares when none)."""
    n = np.zeros(len(counts.sensors))
    for (_day, sensor, _botnet), k in counts.messages.items():
        n[counts.sensors.index(sensor)] += k
    return n / n.sum() if n.sum() else np.full(len(n), 1.0 / len(n))


def shared_breaks(parts: list[np.ndarray], e_sd: np.ndarray, volume_ok: np.ndarray
                  ) -> np.ndarray:
    """Days on which all spam together (the sum of the per-sensor counts ``parts``)
    changes level: the shared change points of ``smooth.segment``."""
    n = np.sum([n_sd[volume_ok].sum(0) for n_sd in parts], axis=0)
    return smooth.breaks(smooth.segment(n, e_sd[volume_ok].sum(0)))


def _series(n_sd, a_sd, e_sd, scaler: Scaler, do_smooth: bool,
            volume_ok: np.ndarray, shared: np.ndarray | None, clump: float,
            traps: np.ndarray) -> dict[str, np.ndarray]:
    """One series' estimates; in its intervals and dispersion a message counts as
    1/``clump`` of an independent draw (``series.clumping``: bots that send several
    messages per connection make the counts vary more than Poisson's). A trap
    (``traps``) the sensor check leaves out may come back at its own steady rate
    (``rescale_outliers``); a mixed feed, whose counts follow the classifier's recall
    month by month, does not."""
    if scaler.mode == "reference":
        n, a, e = n_sd.sum(0), a_sd.sum(0), e_sd.sum(0)
    else:
        used = select_sensors(n_sd, e_sd)
        used = used & volume_ok if (used & volume_ok).any() else used
        e_sd, used = rescale_outliers(n_sd, e_sd, used, volume_ok & traps, clump)
        n, a, e = n_sd[used].sum(0), a_sd[used].sum(0), e_sd[used].sum(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.where(e > 0, a / e, np.nan)
    piece, period = np.arange(len(n)), np.ones(len(n), dtype=np.int64)
    rel = scaler.cal.share_rel_error if scaler.mode == "shares" else scaler.factor_rel_err
    if scaler.mode == "shares":
        rel = math.hypot(rel, math.sqrt(sensor_spread(n_sd[used], e_sd[used], clump)))
    tau2 = 0.0
    if do_smooth:
        f = smooth.fit(n, e, a, shared=shared)
        est, piece, period = f.rate, f.piece, f.period
        f = dataclasses.replace(f, pooled_count=f.pooled_count / clump,
                                pooled_exposure=f.pooled_exposure / clump)
        pooled_n, pooled_e = f.pooled_count, f.pooled_exposure
        tau2 = smooth.dispersion(n / clump, e / clump, f)
        rel = math.hypot(rel, math.sqrt(tau2))
    else:
        est, pooled_n, pooled_e = raw, n / clump, e / clump
    low, high = _intervals(est, pooled_n, pooled_e, rel)
    est = np.where(e > 0, est, np.nan)
    return {"n": n, "est": est, "raw": raw, "low": low, "high": high, "piece": piece,
            "period": period, "dispersion": tau2}


def _intervals(est: np.ndarray, pooled_n: np.ndarray, pooled_e: np.ndarray,
               rel: float) -> tuple[np.ndarray, np.ndarray]:
    """Each day's 95% interval: the exact Poisson interval of the messages pooled in its
    piece, scaled like the estimate and widened by the relative error ``rel``."""
    low, high = np.zeros(len(est)), np.zeros(len(est))
    for d in range(len(est)):
        lo, hi = poisson_interval(pooled_n[d])
        per_count = est[d] / pooled_n[d] if pooled_n[d] else (
            1 / pooled_e[d] if pooled_e[d] else np.nan)
        low[d], high[d] = widen(est[d], lo * per_count, hi * per_count, rel)
    return low, high


def daily_estimates(counts: DailyCounts, active: dict[date, set[str]], scaler: Scaler,
                    do_smooth: bool = True, mixed: tuple[str, ...] | list[str] = (),
                    recall: dict[str, dict[str, float]] | None = None,
                    uptime: Mapping[tuple[date, str], float] | None = None) -> list[dict]:
    """One row per day and series (global, non-botnet, each botnet), zeros filled in.

    ``recall`` maps botnet and month to the classifier's recall on the botnet's trap mail
    (``series.botnet_recall``); with it the mixed feeds add to the botnets' volumes.
    ``uptime`` is the part of a day each sensor was receiving (``uptime.sensor_uptime``);
    every row carries its day's ``coverage`` (``coverage``)."""
    up = uptimes(counts, active, uptime)
    e_sd = _exposure(counts, up, scaler)
    volume_ok = volume_sensors(counts, scaler, mixed)
    traps = volume_ok & ~_mixed(counts, mixed)
    keys = [(NONBOTNET, None)] + [(BOTNET, b) for b in counts.botnets]
    rows: list[dict] = []
    total = {k: np.zeros(len(counts.days)) for k in ("n", "obs", "est", "raw", "lo2", "hi2",
                                                     "msgs")}
    arrays = [_arrays(counts, name) for _scope, name in keys]
    shared = (shared_breaks([n_sd for n_sd, _ in arrays], e_sd, volume_ok)
              if do_smooth and scaler.mode != "none" and counts.days else None)
    for (scope, name), (n_sd, a_sd) in zip(keys, arrays, strict=True):
        msgs, obs = n_sd.sum(0), a_sd.sum(0)
        e_series, ok = e_sd, volume_ok
        if scope == BOTNET and name is not None and scaler.mode == "shares":
            (n_sd, a_sd), e_series, ok = with_mixed_feeds((n_sd, a_sd), e_sd, volume_ok,
                                                          counts, mixed,
                                                          (recall or {}).get(name, {}))
        s = (_series(n_sd, a_sd, e_series, scaler, do_smooth, ok, shared,
                     counts.clumping.get(name, 1.0), traps)
             if scaler.mode != "none" else None)
        _add_to_total(total, msgs, obs, s)
        rows += _rows(counts.days, scope, name, msgs, obs, s, scaler.cal.unit)
    glob = _global_series(total) if scaler.mode != "none" else None
    rows = _rows(counts.days, GLOBAL, None, total["msgs"], total["obs"], glob,
                 scaler.cal.unit) + rows
    cover = dict(zip(counts.days, coverage(counts, up).tolist(), strict=True))
    for r in rows:
        r["coverage"] = cover[r["day"]]
    return rows


def _add_to_total(total: dict[str, np.ndarray], msgs: np.ndarray, obs: np.ndarray,
                  s: dict | None) -> None:
    """Add one series to the global sums; intervals add in quadrature."""
    total["msgs"] += msgs
    total["obs"] += obs
    if s is not None:
        total["n"] += s["n"]
        total["est"] += s["est"]
        total["raw"] += s["raw"]
        total["lo2"] += (s["est"] - s["low"]) ** 2
        total["hi2"] += (s["high"] - s["est"]) ** 2


def _global_series(total: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The global series from the summed series: estimate and quadrature interval."""
    return {"n": total["n"], "est": total["est"], "raw": total["raw"],
            "low": total["est"] - np.sqrt(total["lo2"]),
            "high": total["est"] + np.sqrt(total["hi2"])}


def _num(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def _rows(days, scope, name, msgs, obs, s, unit) -> list[dict]:
    """One row per day; a day without an estimate (no sensor could see) has no interval."""
    out = []
    for d, day in enumerate(days):
        seen = bool(s) and np.isfinite(s["est"][d])
        out.append({"day": day, "scope": scope, "botnet": name, "messages": int(msgs[d]),
                    "observed": float(obs[d]),
                    "calibrated_messages": int(s["n"][d]) if s else 0,
                    "estimated": _num(s["est"][d]) if s else None,
                    "raw_estimated": _num(s["raw"][d]) if s else None,
                    "low": _num(max(s["low"][d], 0.0)) if seen else None,
                    "high": _num(s["high"][d]) if seen else None, "unit": unit,
                    "piece": int(s["piece"][d]) if s and "piece" in s else None,
                    "period": int(s["period"][d]) if s and "period" in s else None,
                    "dispersion": float(s["dispersion"]) if s and "dispersion" in s else None})
    return out
