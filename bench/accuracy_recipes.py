"""Training-recipe variants for the spam output, on the two one-site evaluations of
``bench_accuracy.py`` (TREC 2007 in arrival order, SpamAssassin 5-fold), and what a rule
using training data alone would pick among them.

Every variant keeps the scorer as it is (one weight per token, binary tokens, rows
scaled by 1/sqrt(number of tokens)); only the weights change. Each figure is given for
the hashed regression and for the model compiled as ``train.py`` compiles it (tokens
seen twice, the 20,000 with the largest spam weights; no category outputs, so the cap
can keep slightly other tokens than the whole recipe).

"average over the grid" is what ``spamintel train`` fits with the grid options (its
``--spam-c`` and ``--spam-damping``; not the shipped recipe, see docs/accuracy.md);
"C=20" is the shipped recipe's spam fit.

Run: ``.venv/bin/python bench/accuracy_recipes.py [name ...]`` (names: see ``RECIPES``;
``picks`` and ``picks-shipped`` run the two selection rules).
Writes ``bench/results/accuracy_recipes.json``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.svm import LinearSVC

from spamintel.classify.corpora import SA_FOLDS, load_corpora
from spamintel.classify.dataset import Example, build_examples
from spamintel.classify.recipe import validation_split
from spamintel.classify.train import TrainParams, _compile, hash_matrix
from spamintel.config import default_corpora_dir

OUT = Path(__file__).parent / "results" / "accuracy_recipes.json"
Fit = Callable[[sparse.csr_matrix, np.ndarray], tuple[np.ndarray, float]]


def _doc_freq(x: sparse.csr_matrix) -> np.ndarray:
    b = x.copy()
    b.data[:] = 1.0
    return np.asarray(b.sum(axis=0)).ravel()


def logreg(c: float, **kw) -> Fit:
    """The shipped recipe's regression (liblinear, L2) at ``C = c``."""
    def fit(x, y):
        m = LogisticRegression(C=c, solver="liblinear", max_iter=200, **kw).fit(x, y)
        return m.coef_[0], float(m.intercept_[0])
    return fit


def scaled(scale: Callable[[sparse.csr_matrix, np.ndarray], np.ndarray], inner: Fit) -> Fit:
    """Fit ``inner`` on columns multiplied by ``scale``; fold the scale into the weights."""
    def fit(x, y):
        s = scale(x, y)
        w, b = inner(x @ sparse.diags(s), y)
        return w * s, b
    return fit


def nb_ratio(alpha: float) -> Callable:
    """NBSVM (Wang & Manning 2012): the naive-Bayes log-count ratio of each feature."""
    def scale(x, y):
        p = alpha + _doc_freq(x[y == 1])
        q = alpha + _doc_freq(x[y == 0])
        return np.log(p / p.sum()) - np.log(q / q.sum())
    return scale


def df_damping(k: float) -> Callable:
    """sqrt(df / (df + k)): a token seen in few messages is regularised more."""
    return lambda x, y: np.sqrt(_doc_freq(x) / (_doc_freq(x) + k))


def svm(c: float) -> Fit:
    """Linear SVM (squared hinge)."""
    def fit(x, y):
        m = LinearSVC(C=c, max_iter=5000).fit(x, y)
        return m.coef_[0], float(m.intercept_[0])
    return fit


def averaged(fits: Sequence[Fit]) -> Fit:
    """Weights and intercepts averaged over several fits (still one linear model)."""
    def fit(x, y):
        parts = [f(x, y) for f in fits]
        return np.mean([w for w, _ in parts], axis=0), float(np.mean([b for _, b in parts]))
    return fit


# The grid the selection rules choose from (k = 0: no damping).
GRID = [(k, c) for k in (0, 10, 50, 200) for c in (20, 100, 1000)]


def grid_fit(k: float, c: float) -> Fit:
    """One point of ``GRID``."""
    return logreg(c) if k == 0 else scaled(df_damping(k), logreg(c))


RECIPES: dict[str, Fit] = {
    **{f"C={c}": logreg(c) for c in (5, 10, 20, 40, 100, 1000)},
    **{f"C={c} balanced": logreg(c, class_weight="balanced") for c in (5, 20)},
    **{f"svm C={c}": svm(c) for c in (0.3, 1, 3)},
    "average C=5,20,100,1000": averaged([logreg(c) for c in (5, 20, 100, 1000)]),
    **{f"nbsvm alpha={a} C={c}": scaled(nb_ratio(a), logreg(c))
       for a in (1, 10, 30) for c in (1, 5, 20, 100) if a == 1 or c in (5, 20)},
    **{f"df k={k} C={c}": scaled(df_damping(k), logreg(c))
       for k in (10, 50, 200) for c in (20, 100, 1000)},
    "average over the grid": averaged([grid_fit(k, c) for k, c in GRID]),
}
def run(fit: Fit, train: Sequence[Example], test: Sequence[Example]) -> tuple[list, list]:
    """Spam scores of ``test``: hashed regression, and compiled as ``train.py`` does."""
    x = hash_matrix([ex.tokens for ex in train])
    w, b = fit(x, np.array([ex.label != "ham" for ex in train], int))
    hashed = hash_matrix([ex.tokens for ex in test]) @ w + b
    model = _compile(train, np.vstack([w, np.zeros_like(w)]), np.array([b, -8.0]), [],
                     TrainParams(), {})
    compiled = [model.score(ex.tokens).spam for ex in test]
    return hashed.tolist(), compiled


def one_minus_auc(labels: Sequence[bool], scores: Sequence[float]) -> float:
    """1-AUC in percent."""
    return round((1 - roc_auc_score(labels, scores)) * 100, 4)


def splits(exs: Sequence[Example]) -> dict[str, list[tuple[list, list]]]:
    """The two evaluations as lists of (train, test) pairs."""
    trec = [e for e in exs if e.corpus == "trec07p"]
    sa = [e for e in exs if e.corpus == "spamassassin"]
    return {"trec07p_chronological": [([e for e in trec if e.split == "train"],
                                       [e for e in trec if e.split == "test"])],
            "spamassassin_5fold": [([e for e in sa if e.fold != k], [e for e in sa if e.fold == k])
                                   for k in range(SA_FOLDS)]}


def evaluate(pick: Callable[[Sequence[Example]], Fit], exs: Sequence[Example]) -> dict:
    """Both evaluations; ``pick`` gives the fit for each training part."""
    out = {}
    for name, pairs in splits(exs).items():
        labels, hashed, compiled = [], [], []
        for train, test in pairs:
            h, c = run(pick(train), train, test)
            labels += [e.label != "ham" for e in test]
            hashed += h
            compiled += c
        out[name] = {"hashed": one_minus_auc(labels, hashed),
                     "compiled": one_minus_auc(labels, compiled),
                     "compiled_unrounded": (1 - roc_auc_score(labels, compiled)) * 100}
    return out


def inner_split(train: Sequence[Example], share: float = 0.2) -> tuple[list, list]:
    """The latest ``share`` of each class (by ``order``) validates, the rest fits."""
    fit, val = [], []
    for label in ("ham", "spam"):
        rows = sorted((e for e in train if (e.label != "ham") == (label == "spam")),
                      key=lambda e: e.order)
        cut = int(len(rows) * (1 - share))
        fit += rows[:cut]
        val += rows[cut:]
    return fit, val


def pick_by_inner(train: Sequence[Example]) -> tuple[float, float]:
    """The grid point with the lowest compiled 1-AUC on the inner split of ``train``."""
    return _best_on(*inner_split(train), "inner split")


def pick_on_shipped_validation() -> tuple[float, float]:
    """The grid point with the lowest compiled 1-AUC on the shipped model's validation
    slice (``recipe.validation_split``: the latest 10% of each corpus's training part),
    SpamAssassin left out (its folds are the cross-validation's test folds)."""
    exs = [e for e in build_examples(load_corpora(default_corpora_dir()))
           if e.split == "train" and e.corpus != "spamassassin"]
    return _best_on(*validation_split(exs), "shipped validation slice")


def _best_on(fit: Sequence[Example], val: Sequence[Example], what: str) -> tuple[float, float]:
    """The grid point with the lowest compiled 1-AUC on ``val`` when fitted on ``fit``
    (ties: the smaller C, then the larger k)."""
    labels = [e.label != "ham" for e in val]
    errs = {kc: one_minus_auc(labels, run(grid_fit(*kc), fit, val)[1]) for kc in GRID}
    best = min(errs, key=lambda kc: (errs[kc], kc[1], -kc[0]))
    print(f"  {what} picks k={best[0]} C={best[1]} ({errs})", flush=True)
    return best


def result(name: str, exs: Sequence[Example]) -> dict:
    """The figures of one recipe or selection rule."""
    if name == "picks":  # TREC's training part, then each SpamAssassin training part
        chosen: list[tuple[float, float]] = []

        def pick(train: Sequence[Example]) -> Fit:
            chosen.append(pick_by_inner(train))
            return grid_fit(*chosen[-1])
        return {**evaluate(pick, exs), "chosen_k_c": chosen}
    if name == "picks-shipped":
        point = pick_on_shipped_validation()
        fit = grid_fit(*point)
        return {**evaluate(lambda train: fit, exs), "chosen_k_c": point}
    fit = RECIPES[name]
    return evaluate(lambda train: fit, exs)


def main(names: Sequence[str]) -> None:
    """Run the named recipes (all when none are named) and write the JSON."""
    exs = build_examples(load_corpora(default_corpora_dir(), ("trec07p", "spamassassin")),
                         site_headers=True)
    results = json.loads(OUT.read_text()) if OUT.exists() else {}
    for name in names or list(RECIPES) + ["picks", "picks-shipped"]:
        results[name] = result(name, exs)
        print(name, results[name], flush=True)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
