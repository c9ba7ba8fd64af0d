"""Spam categories from analyst-editable keyword rules (``rules/categories.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from spamintel.classify.tokens import STOPWORDS

CATEGORY_IDS = ("pharma", "replica", "dating", "casino", "stock", "419", "software", "malware",
                "phishing", "diploma", "weightloss", "jobs", "other")
DEFAULT_RULES = Path(__file__).parent / "rules" / "categories.yaml"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class CategoryHit:
    """The winning category of a message and the keywords that chose it."""

    category: str
    score: int
    keywords: tuple[str, ...]


def _keyword_words(keyword: str) -> tuple[str, ...]:
    """The words a keyword needs, CJK runs turned into character pairs and function words
    dropped, like the message tokens."""
    words: list[str] = []
    for part in keyword.lower().split():
        if part in STOPWORDS:  # not among a message's tokens either
            continue
        if _CJK.search(part) and len(part) > 2:
            words.extend(part[i : i + 2] for i in range(len(part) - 1))
        else:
            words.append(part)
    return tuple(words)


class CategoryRules:
    """Keyword rules indexed by first word, so matching costs one lookup per token."""

    def __init__(self, spec: dict) -> None:
        self.version = str(spec.get("version", "0"))
        self.min_score = int(spec.get("min_score", 2))
        self.subject_weight = int(spec.get("subject_weight", 2))
        self.order = list(spec["categories"])
        unknown = [c for c in self.order if c not in CATEGORY_IDS]
        if unknown:
            raise ValueError(f"unknown category ids in rules: {unknown}")
        self.index: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}
        for cat, body in spec["categories"].items():
            for keyword in body.get("keywords", []):
                words = _keyword_words(str(keyword))
                if words:
                    self.index.setdefault(words[0], []).append((cat, words[1:], str(keyword)))
        # Per token prefix ("" for body words, "s:" for subject words): first word as a
        # token -> (category, the other words as tokens, keyword) of each rule it starts.
        self._by_prefix = {
            prefix: {prefix + first: [(cat, frozenset(prefix + w for w in rest), keyword)
                                      for cat, rest, keyword in rules]
                     for first, rules in self.index.items()}
            for prefix in ("", "s:")}
        self.keys = frozenset(self._by_prefix[""])
        self.subject_keys = frozenset(self._by_prefix["s:"])
        self._all_keys = self.keys | self.subject_keys
        # Every word a rule reads, as a token (first words and the others).
        self._words = self._all_keys.union(*(rest for rules in self._by_prefix.values()
                                             for starts in rules.values()
                                             for _, rest, _ in starts))

    @classmethod
    def load(cls, path: str | Path | None = None) -> CategoryRules:
        """Read a rules file (the shipped one when ``path`` is empty)."""
        with open(path or DEFAULT_RULES, encoding="utf-8") as fh:
            return cls(yaml.safe_load(fh))

    def relevant(self, tokens: set[str]) -> set[str]:
        """The tokens the rules read: ``match`` of them is ``match`` of all the tokens."""
        return tokens.intersection(self._words)

    def _scores(self, tokens: set[str], keys: frozenset[str], prefix: str, weight: int,
                scores: dict[str, int], hits: dict[str, list[str]]) -> None:
        rules = self._by_prefix[prefix]
        for token in sorted(keys):  # sorted: reasons stable across runs
            for cat, rest, keyword in rules[token]:
                if tokens.issuperset(rest):
                    scores[cat] = scores.get(cat, 0) + weight
                    hits.setdefault(cat, []).append(keyword)

    def match(self, tokens: set[str]) -> CategoryHit | None:
        """Best category for a message's token set, or None when no rule reaches
        ``min_score``. Subject words are the tokens prefixed ``s:``."""
        present = self._all_keys.intersection(tokens)  # one pass over the tokens
        scores: dict[str, int] = {}
        hits: dict[str, list[str]] = {}
        self._scores(tokens, self.keys.intersection(present), "", 1, scores, hits)
        self._scores(tokens, self.subject_keys.intersection(present), "s:", self.subject_weight,
                     scores, hits)
        if not scores:
            return None
        top = max(scores.values())
        if len(scores) < len(self.order):  # a category without a hit scores 0
            top = max(top, 0)
        best = next(c for c in self.order if scores.get(c, 0) == top)  # ties: the earlier
        if top < self.min_score:
            return None
        return CategoryHit(best, scores[best], tuple(dict.fromkeys(hits[best]))[:5])
