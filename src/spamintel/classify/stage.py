"""``Classifier``: fill the verdict columns of a parsed message's event.

Order of precedence for the verdict: malware (EICAR, risky attachment, YARA/ClamAV
hit) > phish (phishing model score over its threshold) > spam (spam model) > ham.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from spamintel.classify.categories import CategoryRules
from spamintel.classify.features import Extractor, Features
from spamintel.classify.linear import LinearModel, Scores
from spamintel.classify.links import LinkFeeds, load_feeds
from spamintel.classify.lookup import token_hashes
from spamintel.config import ClassifyConfig
from spamintel.model import Event, ParsedMessage

MIN_CATEGORY_PROB = 0.5
# Link heuristics strong enough on their own to mark a link malicious.
_STRONG_LINK = ("link_executable", "link_userinfo", "lookalike_domain", "homoglyph_domain")


class Classifier:
    """Loads the model, rules, scanners and feeds once; ``classify`` is per message,
    ``classify_batch`` for a chunk of messages (the pipeline's)."""

    def __init__(self, cfg: ClassifyConfig | None = None) -> None:
        self.cfg = cfg or ClassifyConfig()
        self.model = LinearModel.load(self.cfg.model_path or None)
        self.rules = CategoryRules.load(self.cfg.rules_path or None)
        self.extractor = Extractor(self.cfg, self.model.site_headers)
        self.feeds: LinkFeeds = load_feeds(self.cfg.link_feeds)
        self.spam_threshold = self.cfg.spam_threshold or self.model.threshold("spam")
        self.phish_threshold = self.cfg.phish_threshold or self.model.threshold("phish")
        self._version = self.model.version

    def _category(self, verdict: str, tokens: set[str], scores: Scores) -> tuple[str | None, str]:
        if verdict == "ham":
            return None, ""
        if verdict in ("malware", "phish"):
            return ("malware" if verdict == "malware" else "phishing"), ""
        hit = self.rules.match(tokens)
        if hit is not None:
            return hit.category, f"category_rule:{hit.category}:{'+'.join(hit.keywords)}"
        # The phish model already said no: the category model's "phishing" means "other".
        if scores.category not in (None, "phishing") and scores.category_prob >= MIN_CATEGORY_PROB:
            return scores.category, f"category_model:{scores.category}:{scores.category_prob:.2f}"
        return "other", ""

    def classify(self, parsed: ParsedMessage) -> Event:
        """Set verdict, spam_score, category, is_* flags, reasons and model_version."""
        feats = self.extractor.extract(parsed)
        return self._decide(parsed, feats, self.model.score(feats.tokens))

    def classify_batch(self, parsed: Sequence[ParsedMessage]) -> list[Event]:
        """``classify`` of each message, the model's scores taken for all at once."""
        kept: list[Features] = []
        hashes: list[np.ndarray] = []
        for item in parsed:
            feats = self.extractor.extract(item)
            # What the scores need is read now, while the tokens are in the CPU caches;
            # then all but the few that the category rules read are let go, so that the
            # next message's tokens reuse memory still in the caches.
            hashes.append(token_hashes(feats.tokens))
            feats.tokens = self.rules.relevant(feats.tokens)
            kept.append(feats)
        scores = self.model.score_many(hashes)
        if scores is None:
            return [self.classify(p) for p in parsed]
        return [self._decide(p, f, s) for p, f, s in zip(parsed, kept, scores, strict=True)]

    def _decide(self, parsed: ParsedMessage, feats: Features, scores: Scores) -> Event:
        ev = parsed.event
        flags, virus, tokens = feats.flags, feats.virus, feats.tokens
        feed_hits = self.feeds.match(ev.urls) if ev.urls and len(self.feeds) else []
        ev.is_virus = bool(virus)
        ev.is_phish = scores.phish >= self.phish_threshold
        ev.spam_score = round(scores.spam, 4)
        if ev.is_virus:
            ev.verdict = "malware"
        elif ev.is_phish:
            ev.verdict = "phish"
        else:
            ev.verdict = "spam" if scores.spam >= self.spam_threshold else "ham"
        # A feed listing always counts; a heuristic alone only in unwanted mail.
        ev.has_malicious_link = bool(feed_hits) or (
            ev.verdict != "ham" and bool(flags) and any(f.startswith(_STRONG_LINK) for f in flags))
        ev.category, why = self._category(ev.verdict, tokens, scores)
        reasons = virus + feed_hits + flags + feats.notes
        reasons.append(f"spam_model:{scores.spam:.3f}")
        if ev.is_phish:
            reasons.append(f"phish_model:{scores.phish:.3f}")
        if ev.verdict != "ham":
            top = self.model.explain(scores)
            if top:
                reasons.append("spam_tokens:" + ",".join(t[:30] for t in top))
        if why:
            reasons.append(why)
        ev.classify_reasons = list(dict.fromkeys(reasons))
        ev.model_version = self._version
        return ev


def classify(parsed: ParsedMessage, cfg: ClassifyConfig | None = None) -> Event:
    """One-off convenience: build a ``Classifier`` and classify one message (loads the
    model each call; use ``Classifier`` for many messages)."""
    return Classifier(cfg).classify(parsed)
