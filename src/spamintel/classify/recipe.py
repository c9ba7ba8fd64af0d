"""The training recipe end to end: corpora → examples → thresholds on a validation
slice → final fit on every training split → a versioned model with its manifest."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from spamintel.classify.corpora import CORPORA, Labelled, load_corpora
from spamintel.classify.dataset import Example, build_examples
from spamintel.classify.linear import LinearModel
from spamintel.classify.train import TrainParams, fit_model, pick_threshold
from spamintel.model import RawMessage
from spamintel.sources import iter_sources

VALIDATION_SHARE = 0.1
# One site's own mail (``train_from_folders``): the regression plus every decisive token's
# Robinson probability, as a site's own bogofilter keeps every token (docs/accuracy.md).
SITE_PARAMS = TrainParams(fisher_tokens=True)


def manifest(root: Path, examples: Sequence[Example]) -> dict:
    """Which files trained the model: per corpus its files (size, sha256) and counts."""
    out: dict[str, dict] = {}
    counts = Counter((ex.corpus, ex.split, ex.label) for ex in examples)
    for name in sorted({ex.corpus for ex in examples}):
        files = {}
        for path in sorted((root / name).iterdir()):
            if path.is_file():
                files[path.name] = {"bytes": path.stat().st_size,
                                    "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
        out[name] = {"files": files, "messages": {f"{s}/{lab}": n for (c, s, lab), n
                                                   in sorted(counts.items()) if c == name}}
    return out


def validation_split(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """Per corpus, the latest ``VALIDATION_SHARE`` of its training messages validate."""
    last: dict[str, int] = {}
    for ex in examples:
        last[ex.corpus] = max(last.get(ex.corpus, 0), ex.order)
    fit: list[Example] = []
    val: list[Example] = []
    for ex in examples:
        (val if ex.order >= last[ex.corpus] * (1 - VALIDATION_SHARE) else fit).append(ex)
    return fit, val


def thresholds(model: LinearModel, val: Sequence[Example], params: TrainParams) -> dict:
    """Spam and phish thresholds that keep validation false positives under the caps."""
    ham = [model.score(set(ex.tokens)) for ex in val if ex.label == "ham"]
    return {"spam": pick_threshold([s.spam for s in ham], params.max_ham_fp),
            "phish": pick_threshold([s.phish for s in ham], params.max_phish_ham_fp)}


def train(examples: Sequence[Example], version: str, params: TrainParams | None = None,
          extra_meta: dict | None = None, site_headers: bool = False) -> LinearModel:
    """Fit on the ``train`` split of ``examples`` (extracted with ``site_headers``),
    thresholds from a validation slice."""
    params = params or TrainParams()
    train_ex = [ex for ex in examples if ex.split == "train"]
    fit, val = validation_split(train_ex)
    limits = thresholds(fit_model(fit, params, {}), val, params)
    meta = {"version": version, "thresholds": limits, "params": asdict(params),
            "recipe": "spamintel.classify.train (see its module docstring)",
            "splits": "spamintel.classify.corpora (see its module docstring)",
            "examples": len(train_ex), "features": {"site_headers": site_headers},
            **(extra_meta or {})}
    return fit_model(train_ex, params, meta)


class TrainingDataError(ValueError):
    """The mail given for training lacks a class it needs (ham, or spam/phishing)."""


def _check_classes(messages: Sequence[Labelled], where: str) -> Counter:
    counts = Counter(m.label for m in messages)
    if counts["ham"] == 0 or counts["spam"] + counts["phish"] == 0:
        raise TrainingDataError(f"training needs both ham and spam (or phish) messages; "
                                f"{where} gave {dict(counts) or 'none'}")
    return counts


def train_from_corpora(root: Path, out: Path, version: str, names: tuple[str, ...] = CORPORA,
                       workers: int = 2, params: TrainParams | None = None) -> LinearModel:
    """Read the corpora under ``root``, train, and save the model to ``out``."""
    messages = load_corpora(root, names)
    _check_classes(messages, f"the corpora under {root}")
    examples = build_examples(messages, workers=workers)
    return _save(train(examples, version, params, {"manifest": manifest(root, examples)}), out)


def folder_messages(folders: dict[str, Sequence[str | Path]]) -> list[Labelled]:
    """A user's own mail as labelled messages: ``{"ham": [...], "spam": [...],
    "phish": [...]}`` → every message in its file order, all in the training split."""
    out: list[Labelled] = []
    for label, paths in folders.items():
        order = 0
        for item in iter_sources(paths, sensor=f"train-{label}"):
            if isinstance(item, RawMessage):
                out.append(Labelled(f"own-{label}", item, label, order))
                order += 1
    return out


def train_from_folders(folders: dict[str, Sequence[str | Path]], out: Path, version: str,
                       workers: int = 2, params: TrainParams | None = None) -> LinearModel:
    """Train on a user's own labelled mail and save the model to ``out``. One site's
    mail: the model also learns from its relay and recipient header fields."""
    messages = folder_messages(folders)
    counts = _check_classes(messages, "the folders")
    examples = build_examples(messages, workers=workers, cache=False, site_headers=True)
    meta = {"manifest": {"own_mail": dict(counts)}}
    return _save(train(examples, version, params or SITE_PARAMS, meta, site_headers=True),
                 out)


def _save(model: LinearModel, out: Path) -> LinearModel:
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    return model
