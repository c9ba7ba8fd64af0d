"""The compiled linear model: token → weight rows, scored with one gather and a sum.

Training (``train.py``) fits scikit-learn linear models on hashed token features; the
result is compiled into this form: only tokens seen in training keep a weight (the
hashed weight of their bucket), so scoring a message is a few dictionary lookups and
one small NumPy sum. Outputs are grouped: ``spam`` and ``phish`` are probabilities
(logistic), ``category`` is a softmax over category ids.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_MODEL = Path(__file__).parent / "data" / "default_model.npz"


@dataclass
class Scores:
    """Model outputs for one message."""

    spam: float
    phish: float
    category: str | None
    category_prob: float
    rows: list[int]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


class LinearModel:
    """Weights per token for the outputs ``spam``, ``phish`` and one per category."""

    def __init__(self, vocab: list[str], weights: np.ndarray, bias: np.ndarray,
                 categories: list[str], meta: dict[str, Any]) -> None:
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.tokens = list(vocab)
        self.weights = weights.astype(np.float32)
        self.spam_weights = self.weights[:, 0].copy() if len(self.weights) else np.zeros(0)
        self.bias = bias.astype(np.float32)
        self.categories = list(categories)
        self.meta = meta

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

    def score(self, tokens: set[str]) -> Scores:
        """Score a token set: spam and phish probabilities, the likeliest category."""
        idx = [i for i in map(self.vocab.get, tokens) if i is not None]
        norm = 1.0 / math.sqrt(max(len(tokens), 1))
        z = self.weights.take(idx, axis=0).sum(axis=0) * norm + self.bias if idx else self.bias
        cat, prob = None, 0.0
        if self.categories:
            exp = np.exp(z[2:] - z[2:].max())
            best = int(exp.argmax())
            cat, prob = self.categories[best], float(exp[best] / exp.sum())
        return Scores(_sigmoid(float(z[0])), _sigmoid(float(z[1])), cat, prob, idx)

    def explain(self, scores: Scores, n: int = 3) -> list[str]:
        """The ``n`` tokens pushing the spam score up the most (of a scored message)."""
        idx = scores.rows
        if not idx:
            return []
        contrib = self.spam_weights.take(idx)
        best = np.argpartition(-contrib, n)[:n] if len(idx) > n else range(len(idx))
        best = sorted(best, key=lambda i: -contrib[i])
        return [self.tokens[idx[i]] for i in best if contrib[i] > 0]

    def save(self, path: str | Path) -> None:
        """Write the model (``.npz``) and its metadata beside it (``.json``)."""
        path = Path(path)
        buf = io.BytesIO()
        np.savez_compressed(buf, vocab=np.array(self.tokens, dtype=np.str_),
                            weights=self.weights.astype(np.float16), bias=self.bias,
                            categories=np.array(self.categories, dtype=np.str_))
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
        meta_path = path.with_suffix(".json")
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        return cls(vocab, weights, bias, categories, meta)
