"""Propagation: an IP's clear majority names its unattributed mail, a split vote does not."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.propagate import propagate


def test_clear_majority_fills_and_split_vote_does_not():
    ip = np.array([1, 1, 1, 2, 2, 2, 3])
    names = np.array([0, 0, -1, 0, 1, -1, -1])
    filled, rounds = propagate([ip], names, np.ones(7, dtype=bool), purity=0.6, min_support=2)
    assert filled.tolist() == [0, 0, 0, 0, 1, -1, -1]
    assert rounds.tolist() == [0, 0, 1, 0, 0, 0, 0]


def test_ineligible_rows_neither_vote_nor_change():
    ip = np.array([1, 1, 1])
    names = np.array([0, 0, -1])
    filled, _ = propagate([ip], names, np.array([True, True, False]), purity=0.6,
                          min_support=2)
    assert filled.tolist() == [0, 0, -1]
