"""Training: hashed token features → scikit-learn logistic regressions → a compiled
``LinearModel`` (spam, phish and category outputs), with its recipe and data manifest.

Recipe (``fit_model``):
1. Hash each message's token set into 2^20 buckets (``FeatureHasher``), binary,
   rows scaled by 1/sqrt(number of tokens).
2. ``spam``: spam+phish vs ham, logistic regression (C = 20 by default). Optionally the
   average of regressions over a grid (weights and intercepts averaged, still one weight
   per token): every C in ``c_spam`` and every rare-token damping k in ``spam_damping``
   (columns scaled by sqrt(df / (df + k)) before the fit and the scale folded back into
   the weights, df = training messages holding the token; k = 0: none).
3. ``phish``: logistic regression, phish vs ham and other spam.
4. ``category``: one-vs-rest logistic regression over spam whose category the
   keyword rules give confidently (phish examples are ``phishing``), so the model
   learns the wider vocabulary that co-occurs with the rule words in real spam.
5. Compile: tokens seen in at least ``min_df`` training messages keep the weights of
   their bucket; the ``max_vocab`` tokens with the largest weights are kept.
   With ``fisher_tokens`` (a site's own mail, ``spamintel train --ham/--spam``), every
   decisive training token also keeps its Robinson probability (``fisher.py``), and the
   spam output adds Fisher's combined log-odds to the regression's; the vocabulary is
   then the union of both.
6. Thresholds: chosen on a validation slice held out from the training data (the
   models are refitted on all of it afterwards).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression

from spamintel.classify.categories import CategoryRules
from spamintel.classify.dataset import Example
from spamintel.classify.fisher import log_terms, token_probabilities
from spamintel.classify.linear import LinearModel

N_FEATURES = 2**20


@dataclass(frozen=True)
class TrainParams:
    """Hyper-parameters of the recipe (documented in the model's metadata)."""

    c_spam: tuple[float, ...] = (20.0,)
    spam_damping: tuple[float, ...] = (0.0,)
    c_phish: float = 20.0
    c_category: float = 10.0
    min_df: int = 2
    max_vocab: int = 20_000  # the look-up per message slows with the vocabulary's size
    min_category_examples: int = 15
    max_ham_fp: float = 0.003
    max_phish_ham_fp: float = 0.003
    fisher_tokens: bool = False


def hash_matrix(docs: Sequence[frozenset[str] | set[str]]) -> sparse.csr_matrix:
    """Binary hashed features, each row scaled by 1/sqrt(its token count)."""
    hasher = FeatureHasher(N_FEATURES, input_type="string", alternate_sign=False)
    x = hasher.transform(docs).tocsr()
    x.data[:] = 1.0
    scale = 1.0 / np.sqrt(np.maximum([len(d) for d in docs], 1))
    return sparse.diags(scale) @ x


def _fit(x: sparse.csr_matrix, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """Weights and intercept of a logistic regression; a constant model when the
    training data hold one class only (e.g. no phishing in a user's mail)."""
    if y.min() == y.max():
        return np.zeros(x.shape[1]), (8.0 if y[0] else -8.0)
    fit = LogisticRegression(C=c, solver="liblinear", max_iter=200).fit(x, y)
    return fit.coef_[0], float(fit.intercept_[0])


def _fit_averaged(x: sparse.csr_matrix, y: np.ndarray, cs: Sequence[float],
                  dampings: Sequence[float]) -> tuple[np.ndarray, float]:
    """Weights and intercept averaged over the fits at every C in ``cs`` and every
    rare-token damping k in ``dampings`` (``fit_model``'s step 2)."""
    df = np.asarray((x != 0).sum(axis=0)).ravel()
    fits = []
    for k in dampings:
        scale = np.sqrt(df / (df + k)) if k else np.ones(x.shape[1])
        xs = x @ sparse.diags(scale) if k else x
        fits += [(w * scale, b) for w, b in (_fit(xs, y, c) for c in cs)]
    return np.mean([w for w, _ in fits], axis=0), float(np.mean([b for _, b in fits]))


def category_labels(examples: Sequence[Example], rules: CategoryRules) -> list[str | None]:
    """Weak category labels: ``phishing`` for phish, the rules' pick for spam, else None."""
    out: list[str | None] = []
    for ex in examples:
        if ex.label == "phish":
            out.append("phishing")
        elif ex.label == "spam":
            hit = rules.match(set(ex.tokens))
            out.append(hit.category if hit else None)
        else:
            out.append(None)
    return out


def _category_model(x, labels, params: TrainParams):
    counts = Counter(label for label in labels if label)
    classes = sorted(c for c, n in counts.items() if n >= params.min_category_examples)
    rows = [i for i, label in enumerate(labels) if label in classes]
    if len(classes) < 2:
        return [], np.zeros((0, N_FEATURES)), np.zeros(0)
    y = np.array([labels[i] for i in rows])
    coef = np.zeros((len(classes), N_FEATURES))
    bias = np.zeros(len(classes))
    for k, cls in enumerate(classes):
        coef[k], bias[k] = _fit(x[rows], (y == cls).astype(int), params.c_category)
    return classes, coef, bias


def _compile(examples, coefs: np.ndarray, bias: np.ndarray, classes, params, meta) -> LinearModel:
    df = Counter(t for ex in examples for t in ex.tokens)
    vocab = [t for t, n in df.items() if n >= params.min_df]
    weights = coefs[:, _buckets(vocab)].T  # (n_vocab, n_outputs)
    strength = np.abs(weights[:, :2]).max(axis=1) * 4 + np.abs(weights[:, 2:]).max(axis=1,
                                                                                  initial=0)
    keep = np.sort(np.argsort(-strength)[: params.max_vocab])
    vocab, weights = [vocab[i] for i in keep], weights[keep]
    if not params.fisher_tokens:
        return LinearModel(vocab, weights, bias, classes, meta)
    probs = token_probabilities([ex.tokens for ex in examples],
                                [ex.label != "ham" for ex in examples])
    kept = set(vocab)
    extra = [t for t in probs if t not in kept]
    vocab = vocab + extra
    weights = np.vstack([weights, np.zeros((len(extra), weights.shape[1]))])
    # Rounded as ``LinearModel.save`` rounds them: a fresh model scores as the saved one.
    fisher = np.array([log_terms(probs[t]) if t in probs else (0.0, 0.0) for t in vocab],
                      dtype=np.float16).reshape(-1, 2)
    return LinearModel(vocab, weights, bias, classes, meta, fisher)


def _buckets(vocab: list[str]) -> np.ndarray:
    """The hashed feature column of each token."""
    hasher = FeatureHasher(N_FEATURES, input_type="string", alternate_sign=False)
    return hasher.transform([[t] for t in vocab]).tocsr().indices


def fit_model(examples: Sequence[Example], params: TrainParams, meta: dict,
              rules: CategoryRules | None = None) -> LinearModel:
    """Fit every output on ``examples`` and compile the model (thresholds at 0.5)."""
    rules = rules or CategoryRules.load()
    x = hash_matrix([ex.tokens for ex in examples])
    labels = np.array([ex.label for ex in examples])
    spam_w, spam_b = _fit_averaged(x, (labels != "ham").astype(int), params.c_spam,
                                   params.spam_damping)
    phish_w, phish_b = _fit(x, (labels == "phish").astype(int), params.c_phish)
    classes, cat_coef, cat_bias = _category_model(x, category_labels(examples, rules), params)
    coefs = np.vstack([spam_w, phish_w, cat_coef])
    bias = np.concatenate([[spam_b, phish_b], cat_bias])
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    meta = dict(meta, categories=classes, trained_at=stamp)
    return _compile(examples, coefs, bias, classes, params, meta)


def pick_threshold(neg_scores: Sequence[float], max_fp: float, floor: float = 0.5) -> float:
    """Lowest threshold (≥ ``floor``) that keeps the false-positive share ≤ ``max_fp``."""
    if not len(neg_scores):
        return floor
    quantile = float(np.quantile(np.asarray(neg_scores), 1 - max_fp))
    return round(max(floor, min(quantile + 1e-4, 0.99)), 4)
