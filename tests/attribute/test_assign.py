"""Choosing between matching families: unique matches decide, context settles the rest."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.assign import resolve_rows


def test_unique_match_decides_and_context_settles_ties():
    # columns: dialect, header, recipients, network, content, domain
    x = np.array([[0, 0, 1, 5, 7, 9],    # family 0 only
                  [0, 0, 1, 5, 7, 9],    # family 0 only
                  [1, 1, 3, 6, 8, 4],    # family 1 only
                  [1, 1, 3, 6, 8, 4],    # family 1 only
                  [2, 2, 3, 6, 8, 4],    # both match; context looks like family 1
                  [2, 2, 1, 5, 7, 9]])   # both match; context looks like family 0
    mask = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [1, 1]], dtype=bool)
    fam = resolve_rows(x, mask, [2, 3, 4, 5], np.full(6, -1))
    assert fam.tolist() == [0, 0, 1, 1, 1, 0]


def test_no_signature_no_family():
    x = np.zeros((2, 6), dtype=np.int64)
    assert resolve_rows(x, np.zeros((2, 0), dtype=bool), [2], np.full(2, -1)).tolist() == \
        [-1, -1]


def test_a_family_with_no_mail_of_its_own_never_wins_a_tie():
    # family 2 (a family absent from this world) matches only together with others
    x = np.array([[0, 0, 1, 5, 7, 9],    # family 0 only
                  [0, 0, 1, 5, 7, 9],    # family 0 only
                  [2, 2, 4, 2, 3, 1],    # families 0 and 2; context unlike family 0's
                  [2, 2, 4, 2, 3, 1]])   # families 1 and 2; no unique mail for either
    mask = np.array([[1, 0, 0], [1, 0, 0], [1, 0, 1], [0, 1, 1]], dtype=bool)
    assert resolve_rows(x, mask, [2, 3, 4, 5], np.full(4, -1)).tolist() == [0, 0, 0, -1]
    own = np.array([-1, -1, -1, 1])
    assert resolve_rows(x, mask, [2, 3, 4, 5], own).tolist() == [0, 0, 0, 1]
