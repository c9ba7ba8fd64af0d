"""Token spam probabilities combined by Fisher's method (Robinson 2003), the way
bogofilter and SpamBayes score mail: the second half of a model trained on one site's mail.

Each training token gets Robinson's smoothed probability that a message holding it is
spam, ``f = (s·x + n·p) / (s + n)``, where ``p`` is the share of spam among the token's
ham and spam message frequencies (each divided by its class size), ``n`` the number of
training messages holding it, ``x`` the probability assumed for an unseen token and ``s``
the weight of that assumption. Only tokens with ``|f - 0.5| > MIN_DEV`` are kept: the
others say little either way. A message's kept tokens are combined by two chi-square
tests, ``H = C⁻¹(-2 Σ ln f, 2k)`` and ``S = C⁻¹(-2 Σ ln(1 - f), 2k)``, into
``I = (1 + H - S) / 2``. The constants are bogofilter's defaults, not fitted here.

Unlike the regression's weights, a token seen once in training counts fully here, so this
part is what keeps a site's rare words: its vocabulary is every decisive training token.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from scipy.special import gammaincc

ROBX = 0.52  # probability of a token seen in no training message
ROBS = 0.0178  # weight of ROBX against the token's own counts
MIN_DEV = 0.375  # tokens with |f - 0.5| at most this are left out
LOGIT_LIMIT = 20.0  # I is 0 or 1 to double precision for most messages: cap its log-odds


def token_probabilities(docs: Iterable[Iterable[str]], is_spam: Sequence[bool]
                        ) -> dict[str, float]:
    """Robinson's ``f`` of every decisive token (``|f - 0.5| > MIN_DEV``) of ``docs``
    (each a message's distinct tokens), labelled by ``is_spam``."""
    spam_df: Counter[str] = Counter()
    ham_df: Counter[str] = Counter()
    for tokens, spam in zip(docs, is_spam, strict=True):
        (spam_df if spam else ham_df).update(tokens)
    n_spam, n_ham = sum(is_spam), len(is_spam) - sum(is_spam)
    if not n_spam or not n_ham:
        return {}
    out = {}
    for token in spam_df.keys() | ham_df.keys():
        bad, good = spam_df[token] / n_spam, ham_df[token] / n_ham
        n = spam_df[token] + ham_df[token]
        f = (ROBS * ROBX + n * bad / (bad + good)) / (ROBS + n)
        if abs(f - 0.5) > MIN_DEV:
            out[token] = f
    return out


def log_terms(f: float) -> tuple[float, float]:
    """``(ln f, ln(1 - f))``: what a token adds to the two sums of ``combined_logit``."""
    return math.log(f), math.log1p(-f)


def combined_logit(k: int, sum_log_f: float, sum_log_1mf: float) -> float:
    """Log-odds of Fisher's combined ``I`` for ``k`` kept tokens whose ``ln f`` and
    ``ln(1 - f)`` sum to the given values (0 when no token was kept), within
    ±``LOGIT_LIMIT``. ``C⁻¹(χ², 2k)`` is the regularised upper incomplete gamma
    function ``Q(k, χ²/2)``."""
    if k <= 0:
        return 0.0
    h = float(gammaincc(k, -sum_log_f))
    s = float(gammaincc(k, -sum_log_1mf))
    i = (1.0 + h - s) / 2.0
    if i <= 0.0 or i >= 1.0:
        return math.copysign(LOGIT_LIMIT, i - 0.5)
    return max(-LOGIT_LIMIT, min(LOGIT_LIMIT, math.log(i / (1.0 - i))))
