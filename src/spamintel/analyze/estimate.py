"""World totals from what the sensors saw, with intervals and a stated unit.

Two calibrations (from config, never from ground truth):

- **sensor shares**: each sensor receives a known share ``s`` of all the world's targeted
  mailboxes, so the world total is the pooled ratio ``sum(observed) / sum(s)`` over the
  sensors that were up that day (the maximum-likelihood estimate when each sensor's count
  is Poisson with mean ``s * world``);
- **reference total**: the world's spam per day over a reference period is known; every
  day is scaled by the same factor ``reference / observed`` of that period.

Intervals: an exact (Garwood) 95% Poisson interval on the message count, combined in log
space with the calibration's own relative error (share uncertainty, or the Poisson error
of the reference period's count).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.stats import chi2

from spamintel.analyze.series import DailyCounts
from spamintel.config import CalibrationConfig

Z95 = 1.959964


def poisson_interval(n: float) -> tuple[float, float]:
    """Exact two-sided 95% interval of a Poisson mean given count ``n``."""
    lo = 0.0 if n <= 0 else chi2.ppf(0.025, 2 * n) / 2
    return float(lo), float(chi2.ppf(0.975, 2 * n + 2) / 2)


def count_ratio_z(after: float | np.ndarray, before: float | np.ndarray
                  ) -> float | np.ndarray:
    """z of the log ratio of two Poisson counts (each plus ½), signed: above 0 when
    ``after`` is larger. Works on numbers and on numpy arrays alike."""
    a, b = np.asarray(after, dtype=float) + 0.5, np.asarray(before, dtype=float) + 0.5
    return np.log(a / b) / np.sqrt(1 / a + 1 / b)


def widen(value: float, low: float, high: float, rel_err: float) -> tuple[float, float]:
    """Combine an interval with an extra relative (1-sigma) error, in log space."""
    if rel_err <= 0 or value <= 0:
        return low, high
    extra = (Z95 * rel_err) ** 2
    lo_log = math.log(value / low) if low > 0 else math.inf
    hi_log = math.log(high / value)
    low = value * math.exp(-math.sqrt(lo_log ** 2 + extra)) if low > 0 else 0.0
    return low, value * math.exp(math.sqrt(hi_log ** 2 + extra))


@dataclass(frozen=True)
class Scaler:
    """Turns the observed count of one day into a world estimate with an interval."""

    cal: CalibrationConfig
    factor: float | None = None
    factor_rel_err: float = 0.0

    @property
    def mode(self) -> str:
        """``shares``, ``reference`` or ``none`` (no calibration: no world figures)."""
        if self.cal.sensor_shares:
            return "shares"
        return "reference" if self.factor else "none"

    def scale(self, day_shares: float, cal_msgs: int, cal_amount: float, all_msgs: int,
              all_amount: float) -> tuple[float, float, float] | None:
        """(estimate, low, high) of one day, or None without calibration."""
        if self.mode == "shares":
            if day_shares <= 0:
                return None
            base, n, rel = cal_amount / day_shares, cal_msgs, self.cal.share_rel_error
            per_msg = cal_amount / cal_msgs if cal_msgs else 1.0
            unit_per_count = per_msg / day_shares
        elif self.mode == "reference":
            assert self.factor is not None
            base, n, rel = all_amount * self.factor, all_msgs, self.factor_rel_err
            unit_per_count = (all_amount / all_msgs if all_msgs else 1.0) * self.factor
        else:
            return None
        lo, hi = poisson_interval(n)
        low, high = widen(base, lo * unit_per_count, hi * unit_per_count, rel)
        return base, low, high


def make_scaler(cal: CalibrationConfig, counts: DailyCounts) -> Scaler:
    """A scaler for ``cal``; the reference mode fixes its factor from the reference days."""
    if cal.sensor_shares or not cal.reference_per_day or not cal.reference_start:
        return Scaler(cal)
    lo = date.fromisoformat(cal.reference_start)
    hi = date.fromisoformat(cal.reference_end or cal.reference_start)
    days = [d for d in counts.days if lo <= d <= hi]
    amount = sum(a for (d, _, _), a in counts.amount.items() if lo <= d <= hi)
    msgs = sum(n for (d, _, _), n in counts.messages.items() if lo <= d <= hi)
    if not days or amount <= 0:
        return Scaler(cal)
    factor = cal.reference_per_day * len(days) / amount
    return Scaler(cal, factor=factor, factor_rel_err=1 / math.sqrt(msgs))


GLOBAL, BOTNET, NONBOTNET = "global", "botnet", "nonbotnet"


def monthly_estimates(daily: list[dict], scaler: Scaler) -> list[dict]:
    """Per month and series: observed per day (mean over the month's days) and estimated per
    day (mean over the days with an estimate: a day no sensor could see, all of them down,
    says nothing of the world and is left out, not counted as nothing). ``days_estimated``
    says how many days the estimate covers."""
    acc: dict[tuple[str, str, str | None], list] = {}
    for r in daily:
        key = (r["day"].strftime("%Y-%m"), r["scope"], r["botnet"])
        a = acc.setdefault(key, [0, 0.0, 0, 0.0, 0.0, 0])
        seen = r["estimated"] is not None
        a[0] += 1
        a[1] += r["observed"]
        a[2] += (r["calibrated_messages"] if scaler.mode == "shares" else r["messages"]) * seen
        a[3] += r["estimated"] or 0.0
        a[4] += (r["high"] or 0.0) * seen
        a[5] += seen
    rows = []
    for (month, scope, name), (days, obs, n, est, high_sum, covered) in sorted(
            acc.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")):
        value = low = high = None
        if covered:
            value = est / covered
            lo, hi = poisson_interval(n)
            per_count = est / n if n else high_sum / covered / hi
            rel = scaler.cal.share_rel_error if scaler.mode == "shares" else scaler.factor_rel_err
            low, high = widen(value, lo * per_count / covered, hi * per_count / covered, rel)
        rows.append({"month": month, "scope": scope, "botnet": name, "metric": "spam_per_day",
                     "days": days, "days_estimated": covered, "observed_per_day": obs / days,
                     "value": value, "low": low, "high": high, "unit": scaler.cal.unit,
                     "calibration": scaler.mode})
    return rows
