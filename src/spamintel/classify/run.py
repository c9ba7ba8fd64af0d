"""Classify messages straight from files, folders, mailboxes and archives: the library
side of ``spamintel classify``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spamintel.classify.stage import Classifier
from spamintel.config import Config
from spamintel.domains import registered_domain
from spamintel.fingerprint import fingerprint
from spamintel.model import RawMessage
from spamintel.parse import Boundary, parse_message
from spamintel.sources import iter_sources


def verdict_row(source: str, verdict: str | None, score: float | None,
                category: str | None, reasons: list[str]) -> dict[str, Any]:
    """The stable per-message record ``spamintel classify --json`` prints."""
    return {"source": source, "verdict": verdict, "spam_score": score,
            "category": category, "reasons": reasons}


def classify_sources(paths: Iterable[str | Path], cfg: Config | None = None
                     ) -> Iterator[dict[str, Any]]:
    """One verdict record per message found under ``paths``; input that is not a
    message yields a record with a null verdict and the reason."""
    cfg = cfg or Config()
    classifier = Classifier(cfg.classify)
    boundary = Boundary(cfg.parse.trusted_relays, registered_domain)
    for item in iter_sources(paths, cfg=cfg.sources):
        if not isinstance(item, RawMessage):
            yield verdict_row(item.source, None, None, None, [f"unreadable:{item.reason}"])
            continue
        try:
            parsed = parse_message(item, cfg.parse, boundary)
            fingerprint(parsed, cfg.parse)
            ev = classifier.classify(parsed)
        except Exception as exc:  # noqa: BLE001 - one hostile message must not stop the run
            yield verdict_row(item.source, None, None, None, [f"error:{type(exc).__name__}"])
            continue
        yield verdict_row(item.source, ev.verdict, ev.spam_score, ev.category,
                          ev.classify_reasons)
