"""Choosing between matching families: unique matches decide, context settles the rest."""

from __future__ import annotations

import numpy as np
import pytest

from spamintel.attribute.assign import pattern_log_priors, resolve_rows


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


def test_a_small_concentrated_family_does_not_win_a_large_familys_shared_mail():
    """Family 1 (small) sends from network 5 only, half of it campaign 7, half campaign 8;
    family 0 (large) sends campaign 7 from ten networks, network 5 among them. Both match
    the shared rows' signatures. A row of campaign 7 from network 5 is five times likelier
    under family 1's own profile, but nearly all the shared rows are family 0's, so it is
    family 0's; campaign 8 stays family 1's."""
    def rows(n: int, network: int, content: int) -> list[list[int]]:
        return [[0, 0, 1, network, content, 0]] * n

    unique0 = [r for net in range(10) for r in rows(10, net, 7)]
    unique1 = rows(5, 5, 7) + rows(5, 5, 8)
    shared = [r for net in range(10) for r in rows(10, net, 7)] + rows(2, 5, 8)
    x = np.array(unique0 + unique1 + shared)
    mask = np.array([[1, 0]] * 100 + [[0, 1]] * 10 + [[1, 1]] * 102, dtype=bool)
    fam = resolve_rows(x, mask, [2, 3, 4, 5], np.full(len(x), -1))
    shared_fam = fam[110:]
    assert (shared_fam[:100] == 0).all()
    assert shared_fam[100:].tolist() == [1, 1]
    assert fam[:110].tolist() == [0] * 100 + [1] * 10


def test_pattern_log_priors_follow_the_shared_rows():
    # three rows clearly family 0's, one family 1's: shares 3/4 and 1/4
    scores = np.array([[0.0, -20.0], [0.0, -20.0], [0.0, -20.0], [-20.0, 0.0]])
    both = np.ones((4, 2), dtype=bool)
    priors = pattern_log_priors(scores, both)
    assert np.exp(priors[0]) == pytest.approx([0.75, 0.25], abs=1e-6)
    one = np.array([[True, False]] * 4)
    assert (pattern_log_priors(scores, one) == 0).all()
    assert pattern_log_priors(np.zeros((0, 2)), np.zeros((0, 2), dtype=bool)).shape == (0, 2)
