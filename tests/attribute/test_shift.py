"""A sample departs from another only by more than chance gives a sample its size."""

import numpy as np

from spamintel.attribute._shift import departs, shares, value_shift, within


def test_shares_of_an_empty_sample_are_zero():
    assert shares(np.array([], dtype=np.int64), 3).tolist() == [0.0, 0.0, 0.0]


def test_a_sample_of_the_same_mix_does_not_depart_and_another_mix_does():
    rng = np.random.default_rng(4)
    rest = rng.integers(0, 4, 5000)
    same = rng.integers(0, 4, 200)
    other = rng.integers(2, 4, 200)  # only two of the four values
    tv, chance = value_shift(same, rest, 4)
    assert tv < 2 * chance and not departs(same, rest, 4, 0.1)
    assert value_shift(other, rest, 4)[0] > 0.4 and departs(other, rest, 4, 0.4)
    assert within(value_shift(same, rest, 4)) and not within(value_shift(other, rest, 4))


def test_a_small_sample_needs_a_larger_shift():
    rest = np.repeat(np.arange(4), 1000)
    few = np.array([0, 0, 1])  # total variation 0.5, but three values are little evidence
    assert not departs(few, rest, 4, 0.3)


def test_within_a_tolerance_accepts_a_small_shift_chance_alone_rejects():
    shift = (0.06, 0.01)
    assert not within(shift) and within(shift, 0.1) and not within(shift, 0.05)
