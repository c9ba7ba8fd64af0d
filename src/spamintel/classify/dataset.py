"""Feature extraction over labelled corpora, in parallel and cached on disk, so that
training and the accuracy benchmark parse each message once."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from spamintel.classify.corpora import PLACEHOLDER_WORDS, Labelled
from spamintel.classify.features import Extractor
from spamintel.config import ParseConfig
from spamintel.fingerprint import fingerprint
from spamintel.model import RawMessage
from spamintel.parse import parse_message

_CODE = ("tokens.py", "features.py", "phishing.py", "links.py", "malware.py", "dataset.py",
         "corpora.py")
# The stages before classify: a change there changes the features too.
_STAGES = ("parse", "fingerprint")


@dataclass(frozen=True)
class Example:
    """One training/evaluation example: labels, split and the message's feature tokens."""

    corpus: str
    source: str
    label: str
    split: str
    fold: int
    order: int
    tokens: frozenset[str]


_EXTRACTOR: Extractor | None = None


def tokens_of(raw: RawMessage, site_headers: bool = False) -> frozenset[str]:
    """Parse, fingerprint and extract the feature tokens of one message."""
    global _EXTRACTOR  # one extractor (compiled YARA rules) per worker process
    if _EXTRACTOR is None:
        _EXTRACTOR = Extractor()
    _EXTRACTOR.site_headers = site_headers
    cfg = ParseConfig()
    parsed = parse_message(raw, cfg)
    fingerprint(parsed, cfg)
    return frozenset(_EXTRACTOR.extract(parsed).tokens)


def _scrub(tokens: frozenset[str], words: frozenset[str] | None) -> frozenset[str]:
    """Drop the tokens a curator's placeholder left (``phishing``, ``h:to:pot`` ...)."""
    if not words:
        return tokens
    return frozenset(t for t in tokens if t.rsplit(":", 1)[-1] not in words)


def _key(messages: Sequence[Labelled], site_headers: bool) -> str:
    h = hashlib.sha256(b"site" if site_headers else b"sender")
    for name in _CODE:
        h.update((Path(__file__).parent / name).read_bytes())
    for stage in _STAGES:
        for path in sorted((Path(__file__).parent.parent / stage).glob("*.py")):
            h.update(path.read_bytes())
    for m in messages:
        h.update(m.raw.sha256.encode())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    """Where extracted features are cached (``$XDG_CACHE_HOME/spamintel``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "spamintel"


def build_examples(messages: Sequence[Labelled], workers: int = 2, cache: bool = True,
                   site_headers: bool = False) -> list[Example]:
    """Examples for ``messages``; reuses the on-disk cache when code and data match."""
    path = cache_dir() / f"features-{_key(messages, site_headers)}.pkl"
    if cache and path.exists():
        with open(path, "rb") as fh:
            return pickle.load(fh)
    raws = [m.raw for m in messages]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            toks = list(pool.map(partial(tokens_of, site_headers=site_headers), raws,
                                 chunksize=256))
    else:
        toks = [tokens_of(r, site_headers) for r in raws]
    examples = [Example(m.corpus, m.raw.source, m.label, m.split, m.fold, m.order,
                        _scrub(t, PLACEHOLDER_WORDS.get(m.corpus)))
                for m, t in zip(messages, toks, strict=True)]
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(examples, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    return examples
