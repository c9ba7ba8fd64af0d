import math

import pytest
from scipy.stats import chi2

from spamintel.classify.fisher import (
    LOGIT_LIMIT,
    MIN_DEV,
    ROBS,
    ROBX,
    combined_logit,
    log_terms,
    token_probabilities,
)


def test_robinson_probability_of_a_token():
    docs = [{"pills", "hello"}, {"pills"}, {"hello"}, {"hello", "agenda"}]
    probs = token_probabilities(docs, [True, True, False, False])
    # "pills": in both spam, no ham: p = 1, n = 2
    assert probs["pills"] == pytest.approx((ROBS * ROBX + 2 * 1.0) / (ROBS + 2))
    # "hello": in half the spam and all ham: p = 0.5 / (0.5 + 1), n = 3; not decisive
    assert abs((ROBS * ROBX + 3 * (1 / 3)) / (ROBS + 3) - 0.5) <= MIN_DEV
    assert "hello" not in probs
    assert probs["agenda"] < 0.5 - MIN_DEV  # seen once, in ham: kept


def test_one_class_gives_no_probabilities():
    assert token_probabilities([{"a"}, {"b"}], [True, True]) == {}


def test_combination_is_fishers_chi_square():
    fs = [0.99, 0.95, 0.2, 0.98]
    terms = [log_terms(f) for f in fs]
    got = combined_logit(len(fs), sum(a for a, _ in terms), sum(b for _, b in terms))
    h = chi2.sf(-2 * sum(math.log(f) for f in fs), 2 * len(fs))
    s = chi2.sf(-2 * sum(math.log(1 - f) for f in fs), 2 * len(fs))
    i = (1 + h - s) / 2
    assert got == pytest.approx(math.log(i / (1 - i)))
    assert got > 0


def test_no_evidence_is_neutral_and_certainty_is_capped():
    assert combined_logit(0, 0.0, 0.0) == 0.0
    spammy = [log_terms(0.99)] * 400
    hammy = [log_terms(0.01)] * 400
    assert combined_logit(400, *map(sum, zip(*spammy, strict=True))) == LOGIT_LIMIT
    assert combined_logit(400, *map(sum, zip(*hammy, strict=True))) == -LOGIT_LIMIT
