"""Whether one sample's mix of values departs from another's: the total variation
distance between their shares, against what chance gives a sample of that size. Sender
classes are split, joined and named by such tests (networks, countries, software)."""

from __future__ import annotations

import numpy as np


def shares(values: np.ndarray, k: int) -> np.ndarray:
    """Share of each of the values ``0..k-1`` among ``values`` (zeros when empty)."""
    return np.bincount(values, minlength=k) / max(len(values), 1)


def value_shift(mine: np.ndarray, rest: np.ndarray, k: int) -> tuple[float, float]:
    """Total variation distance between the value shares of ``mine`` and ``rest`` (values
    ``0..k-1``), and its expected value for a sample of ``mine``'s size drawn from
    ``rest`` by chance."""
    p = shares(rest, k)
    tv = 0.5 * float(np.abs(shares(mine, k) - p).sum())
    chance = 0.5 * float(np.sqrt(2.0 * p * (1.0 - p) / (np.pi * max(len(mine), 1))).sum())
    return tv, chance


def beyond(shift: tuple[float, float], min_shift: float) -> bool:
    """Whether a ``value_shift`` result is at least ``min_shift`` and at least twice what
    chance gives."""
    tv, chance = shift
    return tv >= max(min_shift, 2.0 * chance)


def within(shift: tuple[float, float], tolerance: float = 0.0) -> bool:
    """Whether a ``value_shift`` result is no more than twice what chance gives (the two
    samples could share one mix), or no more than ``tolerance``."""
    tv, chance = shift
    return tv <= max(2.0 * chance, tolerance)


def departs(mine: np.ndarray, rest: np.ndarray, k: int, min_shift: float) -> bool:
    """Whether ``mine``'s mix differs from ``rest``'s (``beyond`` of their shift)."""
    return beyond(value_shift(mine, rest, k), min_shift)
