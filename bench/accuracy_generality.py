"""Does the grid-averaged spam fit (``accuracy_recipes.py``, "average over the grid") hold
on mail no earlier choice looked at, and how sure is its TREC margin over bogofilter?

Systems, each trained on the same training messages:
- ``C=20``: the regression of the 2026.11.2 recipe (one fit, C = 20);
- ``C=20 + Fisher tokens``: the recipe of a site's own model (``recipe.SITE_PARAMS``: the
  same regression plus every decisive token's Robinson probability, ``fisher.py``);
- ``grid average``: the 12 fits of ``accuracy_recipes.GRID`` (df damping k in {none, 10,
  50, 200} x C in {20, 100, 1,000}), weights and intercepts averaged;
- ``bogofilter`` (``bench/bogofilter.py``), whole messages.
Both spamintel fits are compiled as ``train.py`` compiles a model (spam output only).

Evaluations (names on the command line; all when none):
- ``csdmc``: CSDMC2010, 5-fold cross-validation, folds by file-name hash (as SpamAssassin's),
  trained as one site's mail (with its relay and recipient header fields);
- ``csdmc-sender``: the same with sender-written header fields only (as the shipped model);
- ``csdmc-small``: the same folds turned round: each fold trains, the other four test;
- ``enron-glitchy``: Enron skilling-j ham + glitchyzorua spam, 5-fold the same way, sender
  header fields only (the two come from different sites and decades, so this one is easy);
- ``trec``: TREC 2007, first 70% in arrival order -> last 30%, with a paired bootstrap over
  the test messages (ham and spam resampled separately) of each 1-AUC minus bogofilter's;
- ``spamassassin``: SpamAssassin 5-fold, as ``bench_accuracy.py``, with the same bootstrap.

Run: ``.venv/bin/python bench/accuracy_generality.py [csdmc enron-glitchy trec spamassassin]``.
Writes ``bench/results/accuracy_generality.json``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).parent))
import bogofilter  # noqa: E402
from accuracy_recipes import GRID, grid_fit  # noqa: E402

from spamintel.classify.corpora import SA_FOLDS, Labelled, hash_fold, load_corpora  # noqa: E402
from spamintel.classify.dataset import Example, build_examples  # noqa: E402
from spamintel.classify.recipe import SITE_PARAMS  # noqa: E402
from spamintel.classify.train import TrainParams, _compile, fit_model, hash_matrix  # noqa: E402
from spamintel.config import default_corpora_dir  # noqa: E402

OUT = Path(__file__).parent / "results" / "accuracy_generality.json"
BOOTSTRAP_DRAWS = 1000


def ours(train: Sequence[Example], test: Sequence[Example]) -> dict[str, list[float]]:
    """Compiled spam scores of ``test`` for the site recipe, the C = 20 fit and the grid
    average."""
    x = hash_matrix([ex.tokens for ex in train])
    y = np.array([ex.label != "ham" for ex in train], int)
    start = time.time()
    parts = {kc: grid_fit(*kc)(x, y) for kc in GRID}
    print(f"  12 fits on {len(train)} messages: {time.time() - start:.0f} s", flush=True)
    fits = {"C=20": parts[(0, 20)],
            "grid average": (np.mean([w for w, _ in parts.values()], axis=0),
                             float(np.mean([b for _, b in parts.values()])))}
    site = fit_model(train, SITE_PARAMS, {})
    out = {"C=20 + Fisher tokens": [site.score(ex.tokens).spam for ex in test]}
    for name, (w, b) in fits.items():
        model = _compile(train, np.vstack([w, np.zeros_like(w)]), np.array([b, -8.0]), [],
                         TrainParams(), {})
        out[name] = [model.score(ex.tokens).spam for ex in test]
    return out


def all_scores(msgs: Sequence[Labelled], exs: Sequence[Example], tr: list[int],
               te: list[int]) -> dict[str, list[float]]:
    """Every system's scores of the test rows ``te`` after training on ``tr``."""
    out = ours([exs[i] for i in tr], [exs[i] for i in te])
    out["bogofilter"] = bogofilter.train_and_score(
        [(msgs[i].raw.data, msgs[i].label != "ham") for i in tr], [msgs[i].raw.data for i in te])
    return out


def one_minus_auc(labels, scores) -> float:
    """1-AUC in percent."""
    return float((1 - roc_auc_score(labels, scores)) * 100)


def cross_validation(msgs: Sequence[Labelled], exs: Sequence[Example],
                     small: bool = False) -> dict:
    """5 folds by file-name hash: per-fold and pooled 1-AUC of every system. ``small``:
    each fold trains and the other four test (a fifth of the data to learn from)."""
    folds = [hash_fold(m.raw.source) for m in msgs]
    labels: list[bool] = []
    pooled: dict[str, list[float]] = {}
    per_fold: dict[str, list[float]] = {}
    for k in range(SA_FOLDS):
        tr = [i for i, f in enumerate(folds) if (f == k) == small]
        te = [i for i, f in enumerate(folds) if (f == k) != small]
        fold_labels = [exs[i].label != "ham" for i in te]
        for name, s in all_scores(msgs, exs, tr, te).items():
            pooled.setdefault(name, []).extend(s)
            per_fold.setdefault(name, []).append(one_minus_auc(fold_labels, s))
        labels += fold_labels
        print(f"  fold {k}: " + ", ".join(f"{n} {v[-1]:.4f}" for n, v in per_fold.items()),
              flush=True)
    return {"ham": labels.count(False), "spam": labels.count(True),
            "systems": {name: {"pooled": one_minus_auc(labels, pooled[name]),
                               "per_fold": per_fold[name],
                               "fold_sd": float(np.std(per_fold[name], ddof=1))}
                        for name in pooled},
            "bootstrap_vs_bogofilter": bootstrap(labels, pooled)}


def bootstrap(labels: Sequence[bool], scores: dict[str, list[float]],
              draws: int = BOOTSTRAP_DRAWS, seed: int = 0) -> dict:
    """Paired bootstrap of 1-AUC(system) - 1-AUC(bogofilter), in percentage points:
    ham and spam test messages resampled separately, the same draw for every system."""
    y = np.asarray(labels, bool)
    ham, spam = np.flatnonzero(~y), np.flatnonzero(y)
    arrays = {name: np.asarray(s, float) for name, s in scores.items()}
    rng = np.random.default_rng(seed)
    diffs: dict[str, list[float]] = {name: [] for name in arrays if name != "bogofilter"}
    for _ in range(draws):
        idx = np.concatenate([rng.choice(ham, len(ham)), rng.choice(spam, len(spam))])
        base = one_minus_auc(y[idx], arrays["bogofilter"][idx])
        for name in diffs:
            diffs[name].append(one_minus_auc(y[idx], arrays[name][idx]) - base)
    return {name: {"mean": float(np.mean(d)), "ci95": [float(np.percentile(d, 2.5)),
                                                      float(np.percentile(d, 97.5))],
                   "share_below_bogofilter": float(np.mean(np.asarray(d) < 0))}
            for name, d in diffs.items()}


def trec(msgs: Sequence[Labelled], exs: Sequence[Example]) -> dict:
    """TREC 2007 in arrival order, with the bootstrap."""
    tr = [i for i, e in enumerate(exs) if e.split == "train"]
    te = [i for i, e in enumerate(exs) if e.split == "test"]
    labels = [exs[i].label != "ham" for i in te]
    scores = all_scores(msgs, exs, tr, te)
    return {"ham": labels.count(False), "spam": labels.count(True),
            "systems": {name: {"pooled": one_minus_auc(labels, s)} for name, s in scores.items()},
            "bootstrap_vs_bogofilter": bootstrap(labels, scores)}


EVALUATIONS = {  # name: (corpora, site header fields, evaluation)
    "csdmc": (("csdmc2010",), True, cross_validation),
    "enron-glitchy": (("enron_skilling-j", "glitchyzorua_spam_2023_2025"), False,
                      cross_validation),
    "csdmc-sender": (("csdmc2010",), False, cross_validation),
    "csdmc-small": (("csdmc2010",), True, partial(cross_validation, small=True)),
    "trec": (("trec07p",), True, trec),
    "spamassassin": (("spamassassin",), True, cross_validation),
}


def main(names: Sequence[str]) -> None:
    """Run the named evaluations and write the JSON."""
    results = json.loads(OUT.read_text()) if OUT.exists() else {}
    for name in names or list(EVALUATIONS):
        corpora, site, evaluate = EVALUATIONS[name]
        start = time.time()
        msgs = load_corpora(default_corpora_dir(), corpora)
        exs = build_examples(msgs, site_headers=site)
        results[name] = {**evaluate(msgs, exs), "seconds": round(time.time() - start)}
        print(name, json.dumps(results[name], indent=1), flush=True)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
