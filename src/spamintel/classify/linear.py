"""The compiled linear model: token → weight rows, scored with one gather and a sum.

Training (``train.py``) fits scikit-learn linear models on hashed token features; the
result is compiled into this form: only tokens seen in training keep a weight (the
hashed weight of their bucket), so scoring a message is one look-up of its tokens'
rows (``lookup.TokenIndex``) and one small sum. Outputs are grouped: ``spam`` and
``phish`` are probabilities (logistic), ``category`` is a softmax over category ids.

A model trained on one site's mail also holds, per token, the two log terms of its
Robinson probability (``fisher.py``); its spam log-odds then add the log-odds of Fisher's
combined probability to the regression's. The same gather sums both.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from spamintel.classify.fisher import combined_logit
from spamintel.classify.lookup import TokenIndex

DEFAULT_MODEL = Path(__file__).parent / "data" / "default_model.npz"


class Scores:
    """Model outputs for one message. ``spam`` and ``phish`` are computed with the
    score; the sorted ``rows`` and the likeliest ``category`` (and its probability) only
    when first asked for."""

    __slots__ = ("_category", "_found", "_model", "_sorted", "norm", "phish", "spam")

    def __init__(self, spam: float, phish: float, found: np.ndarray, norm: float,
                 model: LinearModel) -> None:
        self.spam, self.phish, self.norm = spam, phish, norm
        self._found, self._model = found, model
        self._sorted: np.ndarray | None = None
        self._category: tuple[str | None, float] | None = None

    def _sorted_rows(self) -> np.ndarray:
        if self._sorted is None:
            self._sorted = self._model.index.sorted_rows(self._found)
        return self._sorted

    @property
    def rows(self) -> list[int]:
        """Rows of the message's known tokens, sorted: most spam-like first."""
        return self._sorted_rows().tolist()

    def first_rows(self, n: int) -> list[int]:
        """The first ``n`` of ``rows``."""
        return self._sorted_rows()[:n].tolist()

    def _likeliest(self) -> tuple[str | None, float]:
        if self._category is None:
            self._category = self._model.category_of(self._sorted_rows(), self.norm)
        return self._category

    @property
    def category(self) -> str | None:
        """The likeliest category (None when the model has no category outputs)."""
        return self._likeliest()[0]

    @property
    def category_prob(self) -> float:
        """Softmax probability of ``category``."""
        return self._likeliest()[1]


def sigmoid(z: float) -> float:
    """The logistic function, clipped so that no score overflows."""
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


class LinearModel:
    """Weights per token for the outputs ``spam``, ``phish`` and one per category.

    Rows are kept in decreasing order of spam weight, so a message's known rows, sorted,
    list its most spam-like tokens first (the explanation costs nothing more)."""

    def __init__(self, vocab: list[str], weights: np.ndarray, bias: np.ndarray,
                 categories: list[str], meta: dict[str, Any],
                 fisher: np.ndarray | None = None) -> None:
        weights = np.asarray(weights, dtype=np.float32).reshape(len(vocab), -1)
        order = np.argsort(-weights[:, 0], kind="stable")
        self.tokens = [vocab[i] for i in order]
        self.weights = weights[order]
        self.bias = bias.astype(np.float32)
        self.categories = list(categories)
        self.meta = meta
        # Per token (ln f, ln(1 - f)) of its Robinson probability, zeros for a token
        # Fisher's combination leaves out; None for a regression-only model.
        self.fisher = None if fisher is None else \
            np.asarray(fisher, dtype=np.float32).reshape(len(vocab), 2)[order]
        # Spam and phish weights (and the Fisher terms with a 1 that counts them) kept by
        # the index: one gather and one sum give every score. As float16 (80 KB for the
        # shipped model, so more of it stays in the CPU caches) when that is exact (what
        # ``save`` writes), which is also when the sums may be taken in any order
        # (``TokenIndex.exact_terms``); a model fresh from training sums in row order.
        values = self.weights[:, :2]
        if self.fisher is not None:
            values = np.hstack([values, self.fisher, (self.fisher[:, :1] != 0)])
        half = np.array_equal(values.astype(np.float16).astype(values.dtype), values)
        self._values = values.astype(np.float16 if half else np.float64)
        self.index = TokenIndex(self.tokens, self._values)
        self._exact_terms = self.index.exact_terms
        self._bias = (float(self.bias[0]), float(self.bias[1]))
        self._n_spammy = int((self.weights[:, 0] > 0).sum())
        self._category_weights = np.ascontiguousarray(self.weights[:, 2:])
        self._category_bias: list[float] = self.bias[2:].tolist()

    @property
    def version(self) -> str:
        """Model version recorded in each event's ``model_version``."""
        return str(self.meta.get("version", "unversioned"))

    @property
    def site_headers(self) -> bool:
        """Whether the model was trained with the receiving site's header fields."""
        return bool(self.meta.get("features", {}).get("site_headers", False))

    def threshold(self, name: str) -> float:
        """Calibrated decision threshold for ``spam`` or ``phish``."""
        return float(self.meta.get("thresholds", {}).get(name, 0.5))

    def score(self, tokens: set[str] | frozenset[str]) -> Scores:
        """Score a token set: spam and phish probabilities (the category on demand)."""
        found = self.index.found(tokens)
        norm = 1.0 / math.sqrt(max(len(tokens), 1))
        if len(found) > self._exact_terms:  # the sum depends on its order: the rows'
            rows = self.index.rows_of(found)
            sums = [sum(col.tolist()) for col in self._values[rows].T]
        elif len(found):
            sums = self.index.gather(found).sum(axis=0, dtype=np.float64).tolist()
        else:
            sums = [0.0] * self._values.shape[1]
        return self._scores(sums, found, norm)

    def _scores(self, sums: list[float], found: np.ndarray, norm: float) -> Scores:
        """Scores from the sums of a message's gathered index values."""
        spam = self._bias[0] + sums[0] * norm
        if len(sums) > 2:
            spam += combined_logit(round(sums[4]), sums[2], sums[3])
        return Scores(sigmoid(spam), sigmoid(self._bias[1] + sums[1] * norm), found, norm,
                      self)

    def score_many(self, hashes: Sequence[np.ndarray]) -> list[Scores] | None:
        """``score`` of the token sets of many messages, given each set's
        ``token_hashes``, in a few NumPy calls: the same numbers, as the weights' sums are
        exact, so their order does not matter (None for a model where they are not: one
        fresh from training, not saved)."""
        if not hashes:
            return []
        owners = len(hashes)
        found = self.index.found_many(np.concatenate(hashes))
        sizes = np.fromiter(map(len, hashes), np.intp, owners)
        owner = np.repeat(np.arange(owners), sizes)
        known = found >= 0
        found, owner = found[known], owner[known]
        sums = self.index.sums_by_owner(found, owner, owners)
        if sums is None:
            return None
        ends = np.cumsum(np.bincount(owner, minlength=owners)).tolist()
        out, start = [], 0
        for size, end, *message_sums in zip(sizes.tolist(), ends, *sums, strict=True):
            out.append(self._scores(message_sums, found[start:end],
                                    1.0 / math.sqrt(max(size, 1))))
            start = end
        return out

    def category_of(self, rows: list[int] | np.ndarray, norm: float) -> tuple[str | None, float]:
        """The likeliest category of a message's known token rows and its probability."""
        if not self.categories:
            return None, 0.0
        z = self._category_bias
        if len(rows):  # one gather and one sum in NumPy; the dozen logits in Python
            sums = self._category_weights.take(rows, axis=0).sum(axis=0).tolist()
            z = [s * norm + b for s, b in zip(sums, z, strict=True)]
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        best = exp.index(max(exp))
        return self.categories[best], exp[best] / sum(exp)

    def explain(self, scores: Scores, n: int = 3) -> list[str]:
        """The ``n`` tokens pushing the spam score up the most (of a scored message)."""
        return [self.tokens[i] for i in scores.first_rows(n) if i < self._n_spammy]

    def save(self, path: str | Path) -> None:
        """Write the model (``.npz``) and its metadata beside it (``.json``)."""
        path = Path(path)
        buf = io.BytesIO()
        extra: dict[str, Any] = ({} if self.fisher is None
                                 else {"fisher": self.fisher.astype(np.float16)})
        np.savez_compressed(buf, vocab=np.array(self.tokens, dtype=np.str_),
                            weights=self.weights.astype(np.float16), bias=self.bias,
                            categories=np.array(self.categories, dtype=np.str_), **extra)
        data = buf.getvalue()
        meta = dict(self.meta, sha256=hashlib.sha256(data).hexdigest())
        for target, content in ((path.with_suffix(".json"),
                                 (json.dumps(meta, indent=2, sort_keys=True) + "\n").encode()),
                                (path, data)):
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_bytes(content)
            tmp.replace(target)  # readers never see a half-written model

    @classmethod
    def load(cls, path: str | Path | None = None) -> LinearModel:
        """Read a model written by ``save`` (the shipped default when ``path`` is empty)."""
        path = Path(path or DEFAULT_MODEL)
        with np.load(path, allow_pickle=False) as npz:
            vocab, weights = npz["vocab"].tolist(), npz["weights"].astype(np.float32)
            bias, categories = npz["bias"], npz["categories"].tolist()
            fisher = npz["fisher"].astype(np.float32) if "fisher" in npz.files else None
        meta_path = path.with_suffix(".json")
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        return cls(vocab, weights, bias, categories, meta, fisher)
