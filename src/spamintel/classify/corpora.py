"""The labelled real corpora (``../shared/data``) with fixed, documented splits.

Splits never depend on a random seed:
- ``trec07p``: arrival order (``inmail.N``); the first 70% trains, the last 30% tests.
- ``linux_sparse_ham``: mailbox order (2019 → 2026); the first half trains, the rest tests.
- ``phishing_pot``: sample number (collection order); the first 70% trains, the rest tests.
- ``spamassassin``: fold = sha256 of the file name mod 5; fold 4 tests, the others train.
- ``csdmc2010``, ``enron_skilling-j``, ``nazario``, ``glitchyzorua``: training only.
  (Enron's ham has no Received headers; header fields added by receivers are not
  features, see ``tokens.py``, so that does not teach the model anything.)
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spamintel.model import RawMessage
from spamintel.sources import iter_sources, load_labels

CORPORA = ("trec07p", "spamassassin", "csdmc2010", "linux_sparse_ham", "phishing_pot",
           "nazario_phishing", "enron_skilling-j", "glitchyzorua_spam_2023_2025")
TEST_SHARE = {"trec07p": 0.3, "linux_sparse_ham": 0.5, "phishing_pot": 0.3}
SA_FOLDS, SA_TEST_FOLD = 5, 4
# Placeholders the corpora's curators wrote over private addresses. Each corpus is one
# label, so a placeholder would teach the model its corpus's label: they are removed.
PLACEHOLDERS = {"phishing_pot": (b"phishing@pot",),
                "glitchyzorua_spam_2023_2025": (b"[removed]",)}
# ...and the words they leave in parts the byte replacement cannot reach (base64 bodies).
PLACEHOLDER_WORDS = {"phishing_pot": frozenset({"phishing", "pot"}),
                     "glitchyzorua_spam_2023_2025": frozenset({"removed"})}
_NUMBER = re.compile(r"(\d+)\D*$")


@dataclass(frozen=True)
class Labelled:
    """One message of a labelled corpus and where it falls in the splits."""

    corpus: str
    raw: RawMessage
    label: str  # ham | spam | phish
    order: int
    split: str = "train"
    fold: int = 0


def _member(source: str) -> str:
    return source.rsplit("!", 1)[-1].split("#", 1)[0]


def _number(source: str) -> int:
    match = _NUMBER.search(_member(source))
    return int(match.group(1)) if match else 0


def hash_fold(source: str, folds: int = SA_FOLDS) -> int:
    """Cross-validation fold of a message: sha256 of its file name, mod ``folds``."""
    return hashlib.sha256(_member(source).encode()).digest()[0] % folds


def _csdmc_labels(folder: Path) -> dict[str, str]:
    table = {}
    for line in (folder / "SPAMTrain.label").read_text().splitlines():
        parts = line.split()
        if len(parts) == 2:
            table[parts[1]] = "ham" if parts[0] == "1" else "spam"
    return table


def _raw(folder: Path, name: str) -> Iterator[tuple[RawMessage, str | None]]:
    """Messages of one corpus with the label its index or folder names give."""
    if name == "trec07p":
        labeler = load_labels(folder / "index")
        paths = [folder / "trec07p_dev.tar.gz"]
    else:
        labeler = None
        paths = sorted(p for p in folder.iterdir() if p.suffix in (".gz", ".bz2", ".mbox"))
    csdmc = _csdmc_labels(folder) if name == "csdmc2010" else {}
    for item in iter_sources(paths, sensor=name, labeler=labeler):
        if not isinstance(item, RawMessage) or _member(item.source).endswith("cmds"):
            continue
        if name == "trec07p":
            label = item.label
        elif name == "spamassassin":
            label = "ham" if "_ham" in item.source else "spam"
        elif name == "csdmc2010":
            label = csdmc.get(_member(item.source).rsplit("/", 1)[-1])
        else:
            label = {"phishing_pot": "phish", "nazario_phishing": "phish",
                     "glitchyzorua_spam_2023_2025": "spam"}.get(name, "ham")
        yield item, label


def _without_placeholders(raw: RawMessage, corpus: str) -> RawMessage:
    data = raw.data
    for mark in PLACEHOLDERS.get(corpus, ()):
        data = data.replace(mark, b"")
    return raw if data is raw.data else dataclasses.replace(raw, data=data)


def load_corpus(root: Path, name: str) -> list[Labelled]:
    """All labelled messages of one corpus, with split and fold assigned."""
    items = [(raw, label) for raw, label in _raw(root / name, name) if label]
    if name in ("trec07p", "phishing_pot"):
        items.sort(key=lambda pair: _number(pair[0].source))
    seen: set[str] = set()
    out: list[Labelled] = []
    for raw, label in items:
        if raw.sha256 in seen:  # the corpora repeat some messages (e.g. spam_2 editions)
            continue
        raw = _without_placeholders(raw, name)
        seen.add(raw.sha256)
        out.append(Labelled(name, raw, label, len(out)))
    cut = int(len(out) * (1 - TEST_SHARE.get(name, 0.0)))
    return [_with_split(m, cut) for m in out]


def _with_split(m: Labelled, cut: int) -> Labelled:
    if m.corpus == "spamassassin":
        fold = hash_fold(m.raw.source)
        return Labelled(m.corpus, m.raw, m.label, m.order,
                        "test" if fold == SA_TEST_FOLD else "train", fold)
    return Labelled(m.corpus, m.raw, m.label, m.order, "train" if m.order < cut else "test")


def load_corpora(root: Path, names: tuple[str, ...] = CORPORA) -> list[Labelled]:
    """Every corpus in ``names`` that exists under ``root``."""
    out: list[Labelled] = []
    for name in names:
        if (root / name).is_dir():
            out.extend(load_corpus(root, name))
    return out
