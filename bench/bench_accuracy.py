"""Accuracy of the classify stage on real mail, side by side with bogofilter, Apache
SpamAssassin (local rules + its Bayes, network tests off) and Rspamd's Bayes.

Every figure comes from a model that did not see the messages it is tested on:
- TREC 2007: train on the first 70% in arrival order, test on the last 30%.
- SpamAssassin: 5-fold cross-validation (folds by file-name hash), SpamAssassin only.
  Both are trained the way ``spamintel train --ham/--spam`` trains on one site's mail
  (with the site's relay and recipient header fields); the other systems see whole
  messages and are trained on exactly the same training messages (``bench/<system>.py``).
  A system that is not installed is left out of the table.
- linux-sparse ham (later half) and phishing_pot (later 30%): the shipped default model,
  trained on the training splits only (``spamintel.classify.corpora``); bogofilter is
  trained on the same training messages.

Writes ``bench/results/accuracy.json``. Run: ``make bench-accuracy`` (every peer, about
45 minutes), or ``.venv/bin/python bench/bench_accuracy.py --peers bogofilter`` (the other
peers' rows kept from the last run).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).parent))
import bogofilter  # noqa: E402
import rspamd  # noqa: E402
import spamassassin  # noqa: E402

from spamintel.classify.corpora import SA_FOLDS, Labelled, load_corpora  # noqa: E402
from spamintel.classify.dataset import Example, build_examples  # noqa: E402
from spamintel.classify.linear import LinearModel  # noqa: E402
from spamintel.classify.recipe import SITE_PARAMS  # noqa: E402
from spamintel.classify.train import fit_model  # noqa: E402
from spamintel.config import default_corpora_dir  # noqa: E402

OUT = Path(__file__).parent / "results" / "accuracy.json"


def summary(labels: Sequence[bool], scores: Sequence[float]) -> dict:
    """1-AUC (%) and the ham false-positive rate (%) at the threshold catching 99% of spam."""
    y, s = np.asarray(labels, bool), np.asarray(scores, float)
    cut = np.quantile(s[y], 0.01)
    return {"one_minus_auc_pct": round((1 - roc_auc_score(y, s)) * 100, 4),
            "fpr_at_99pct_spam_pct": round(float((s[~y] >= cut).mean()) * 100, 3),
            "spam": int(y.sum()), "ham": int((~y).sum())}


def _ours(train: list[Example], test: list[Example]) -> list[float]:
    model = fit_model(train, SITE_PARAMS, {})
    return [model.score(set(ex.tokens)).spam for ex in test]


PEERS = {"bogofilter": bogofilter, "spamassassin": spamassassin, "rspamd": rspamd}


def _peer(driver, train: list[Labelled], test: list[Labelled]) -> list[float]:
    return driver.train_and_score([(m.raw.data, m.label != "ham") for m in train],
                                  [m.raw.data for m in test])


# ``--peers a,b`` runs only those peers; the other peers' rows are kept from the last run
# (they do not depend on spamintel's model), marked ``"kept_from_earlier_run"``.
SELECTED = list(PEERS)


def _peers() -> dict:
    return {name: driver for name, driver in PEERS.items()
            if name in SELECTED and driver.available()}


def _keep_earlier_peers(results: dict) -> None:
    earlier = json.loads(OUT.read_text()) if OUT.exists() else {}
    for evaluation in ("trec07p_chronological", "spamassassin_5fold"):
        for name in PEERS:
            row = earlier.get(evaluation, {}).get(name)
            if name not in SELECTED and row:
                results[evaluation][name] = {**row, "kept_from_earlier_run": True}


def evaluate_split(msgs: list[Labelled], exs: list[Example], is_train, is_test) -> dict:
    """Every system on one train/test split, given as predicates on the examples."""
    tr = [i for i, e in enumerate(exs) if is_train(e)]
    te = [i for i, e in enumerate(exs) if is_test(e)]
    labels = [exs[i].label != "ham" for i in te]
    ours = _ours([exs[i] for i in tr], [exs[i] for i in te])
    out = {"spamintel": summary(labels, ours), "train": len(tr), "test": len(te)}
    for name, driver in _peers().items():
        scores = _peer(driver, [msgs[i] for i in tr], [msgs[i] for i in te])
        out[name] = summary(labels, scores)
    return out


def spamassassin_cv(msgs: list[Labelled], exs: list[Example]) -> dict:
    """Five folds, scores pooled over the folds."""
    idx = [i for i, e in enumerate(exs) if e.corpus == "spamassassin"]
    peers = _peers()
    labels: list[bool] = []
    scores: dict[str, list[float]] = {"spamintel": [], **{name: [] for name in peers}}
    for k in range(SA_FOLDS):
        tr = [i for i in idx if exs[i].fold != k]
        te = [i for i in idx if exs[i].fold == k]
        labels += [exs[i].label != "ham" for i in te]
        scores["spamintel"] += _ours([exs[i] for i in tr], [exs[i] for i in te])
        for name, driver in peers.items():
            scores[name] += _peer(driver, [msgs[i] for i in tr], [msgs[i] for i in te])
    return {"folds": SA_FOLDS, **{name: summary(labels, s) for name, s in scores.items()}}


def shipped_model(msgs: list[Labelled], exs: list[Example]) -> dict:
    """The shipped model on held-out linux-sparse ham and phishing_pot."""
    model = LinearModel.load()
    t_spam, t_phish = model.threshold("spam"), model.threshold("phish")
    scores = {i: model.score(set(e.tokens)) for i, e in enumerate(exs) if e.split == "test"}
    linux = [i for i in scores if exs[i].corpus == "linux_sparse_ham"]
    sa_ham = [i for i in scores if exs[i].corpus == "spamassassin" and exs[i].label == "ham"]
    phish = [i for i in scores if exs[i].corpus == "phishing_pot"]
    ham = linux + sa_ham

    def pct(rows, test) -> float:
        return round(100 * float(np.mean([test(scores[i]) for i in rows])), 3)

    out = {"model_version": model.version, "thresholds": {"spam": t_spam, "phish": t_phish},
           "linux_sparse_test_ham": len(linux),
           "linux_sparse_spam_fp": sum(scores[i].spam >= t_spam for i in linux),
           "phishing_pot_test": len(phish), "phish_test_ham": len(ham),
           "phish_recall_pct": pct(phish, lambda s: s.phish >= t_phish),
           "phish_fp_on_ham_pct": pct(ham, lambda s: s.phish >= t_phish),
           "phish_as_spam_or_phish_pct": pct(phish, lambda s: max(s.phish - t_phish,
                                                                 s.spam - t_spam) >= 0)}
    if bogofilter.available():
        train = [i for i, e in enumerate(exs) if e.split == "train"]
        bogo = _peer(bogofilter, [msgs[i] for i in train], [msgs[i] for i in linux])
        out["bogofilter_linux_sparse_spam_fp"] = sum(s >= 0.5 for s in bogo)
    return out


def simulated_categories(seed: int = 11, scale: float = 0.5, days: int = 2) -> dict:
    """SIMULATED: category accuracy on the world simulator's ground truth (its default
    scenario, a seed the rules and model were never looked at with)."""
    import tempfile
    from collections import Counter
    from datetime import date, timedelta

    import pyarrow.parquet as pq

    from spamintel.classify import Classifier
    from spamintel.config import ParseConfig
    from spamintel.fingerprint import fingerprint
    from spamintel.model import RawMessage
    from spamintel.parse import parse_message
    from spamintel.simulate.generate import SimConfig, simulate
    from spamintel.sources import iter_sources

    with tempfile.TemporaryDirectory(prefix="bench-sim-") as tmp:
        start = date(2011, 3, 1)
        simulate(SimConfig(out=Path(tmp), seed=seed, scale=scale, start=start,
                           end=start + timedelta(days=days - 1)))
        truth = pq.read_table(Path(tmp) / "truth" / "messages.parquet").to_pylist()
        want = {r["msg_sha256"]: r for r in truth}
        clf, cfg = Classifier(), ParseConfig()
        pairs = []
        for raw in iter_sources([Path(tmp) / "mail"]):
            if isinstance(raw, RawMessage) and raw.sha256 in want:
                parsed = parse_message(raw, cfg)
                fingerprint(parsed, cfg)
                ev = clf.classify(parsed)
                pairs.append((want[raw.sha256], ev))
    spam = [(t, ev) for t, ev in pairs if t["is_spam"]]
    hits = Counter(t["category"] for t, ev in spam if ev.category == t["category"])
    totals = Counter(t["category"] for t, _ in spam)
    ham = [ev for t, ev in pairs if not t["is_spam"]]
    flagged = [(t, ev) for t, ev in spam if ev.verdict != "ham"]
    return {"label": "SIMULATED", "seed": seed, "scale": scale, "days": days,
            "messages": len(pairs), "spam": len(spam),
            "category_accuracy_pct": round(100 * sum(hits.values()) / max(len(spam), 1), 2),
            "per_category_pct": {c: round(100 * hits[c] / n, 1) for c, n in totals.items()},
            "category_accuracy_of_flagged_pct": round(100 * sum(
                ev.category == t["category"] for t, ev in flagged) / max(len(flagged), 1), 2),
            "spam_recall_pct": round(100 * sum(ev.verdict != "ham" for _, ev in spam)
                                     / max(len(spam), 1), 2),
            "ham_false_positive_pct": round(100 * sum(ev.verdict != "ham" for ev in ham)
                                            / max(len(ham), 1), 2)}


def _month(data: bytes) -> str:
    from email.utils import parsedate_to_datetime

    head = data[:8192].split(b"\n\n", 1)[0].decode("latin-1")
    for line in head.splitlines():
        if line.lower().startswith("date:"):
            try:
                return parsedate_to_datetime(line[5:].strip()).strftime("%Y-%m")
            except (TypeError, ValueError, IndexError, OverflowError):
                break
    return "unknown"


def monthly_categories(msgs: list[Labelled], exs: list[Example]) -> dict:
    """Category shares of real spam per month (descriptive; shipped model and rules)."""
    from collections import Counter

    from spamintel.classify import Classifier

    clf = Classifier()
    table: dict[str, Counter] = {}
    for m, e in zip(msgs, exs, strict=True):
        if e.label != "spam" or e.corpus not in ("trec07p", "glitchyzorua_spam_2023_2025"):
            continue
        scores = clf.model.score(set(e.tokens))
        verdict = "phish" if scores.phish >= clf.phish_threshold else "spam"
        category, _ = clf._category(verdict, set(e.tokens), scores)
        table.setdefault(f"{e.corpus} {_month(m.raw.data)}", Counter())[category] += 1
    return {key: {"messages": sum(c.values()), "share_pct": {
        k: round(100 * v / sum(c.values()), 1) for k, v in c.most_common()}}
        for key, c in sorted(table.items()) if sum(c.values()) >= 30}


def main(argv: Sequence[str]) -> None:
    """Run every evaluation, print the table, write the JSON."""
    if len(argv) == 2 and argv[0] == "--peers":
        SELECTED[:] = [name for name in argv[1].split(",") if name in PEERS]
    root = default_corpora_dir()
    if not root.is_dir():
        print(f"corpora not found at {root}; skipping")
        return
    start = time.time()
    msgs = load_corpora(root)
    exs = build_examples(msgs)
    # TREC and SpamAssassin are each one site's mail: trained as a user trains on their
    # own mail (``spamintel train --ham/--spam``), with the site's header fields.
    one_site = [m for m in msgs if m.corpus in ("trec07p", "spamassassin")]
    site_exs = build_examples(one_site, site_headers=True)
    results = {
        "trec07p_chronological": evaluate_split(
            one_site, site_exs, lambda e: e.corpus == "trec07p" and e.split == "train",
            lambda e: e.corpus == "trec07p" and e.split == "test"),
        "spamassassin_5fold": spamassassin_cv(one_site, site_exs),
        "shipped_model_held_out": shipped_model(msgs, exs),
        "real_spam_categories_by_month": monthly_categories(msgs, exs),
    }
    try:
        results["simulated_categories"] = simulated_categories()
    except Exception as exc:  # noqa: BLE001 - the simulator is optional for this bench
        results["simulated_categories"] = {"label": "SIMULATED", "error": repr(exc)}
    _keep_earlier_peers(results)
    results["seconds"] = round(time.time() - start, 1)
    print_table(results)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {OUT}")


def print_table(results: dict) -> None:
    """The side-by-side table."""
    print(f"{'evaluation':28} {'system':12} {'1-AUC %':>9} {'FPR@99% spam %':>15}")
    for name in ("trec07p_chronological", "spamassassin_5fold"):
        for system in ("spamintel", *PEERS):
            row = results[name].get(system)
            if row:
                print(f"{name:28} {system:12} {row['one_minus_auc_pct']:>9.4f} "
                      f"{row['fpr_at_99pct_spam_pct']:>15.3f}")
    sim = results["simulated_categories"]
    if "error" in sim:
        print(f"SIMULATED: not run ({sim['error']})")
    else:
        print(f"SIMULATED (seed {sim['seed']}): category accuracy {sim['category_accuracy_pct']}% "
              f"on {sim['spam']} spam ({sim['category_accuracy_of_flagged_pct']}% of the spam "
              f"flagged); spam recall {sim['spam_recall_pct']}%, "
              f"ham FP {sim['ham_false_positive_pct']}%")
    ship = results["shipped_model_held_out"]
    print(f"linux-sparse ham FPs: spamintel {ship['linux_sparse_spam_fp']} / "
          f"{ship['linux_sparse_test_ham']}, bogofilter "
          f"{ship.get('bogofilter_linux_sparse_spam_fp', 'n/a')}")
    print(f"phishing_pot held-out: recall {ship['phish_recall_pct']}% "
          f"(spam or phish {ship['phish_as_spam_or_phish_pct']}%), FP on "
          f"{ship['phish_test_ham']} ham {ship['phish_fp_on_ham_pct']}%")


if __name__ == "__main__":
    main(sys.argv[1:])
