"""Mail of an unknown botnet that shares a family's software: the traits the software
does not fix decide whose each message is."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.assign import assign
from spamintel.attribute.contest import contest
from spamintel.attribute.naming import Clusters
from spamintel.attribute.resolve import FamilyMatches

CONTEXT = [2, 3, 4, 5]


def _world(rng: np.random.Generator
           ) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """((features, class, signature mask), true sender) of rows: family 0 (class 0,
    its signature matches all of it, networks 0-9, content 0-4), and an unknown botnet
    (class 1, networks 20-29, content 10-14) whose bots run the family's software for a
    fifth of their mail (the signature matches those), plus unmatched family-0 mail (a
    template the signature leaves out) that discovery put in class 1. Columns: dialect,
    header, recipients, network, content, domain."""
    parts = [(0, 0, 600, True), (1, 1, 400, False), (1, 1, 100, True), (0, 1, 60, False)]
    x, labels, mask, truth = [], [], [], []
    for fam, cls, n, matched in parts:
        net = rng.integers(0, 10, n) + 20 * fam
        content = rng.integers(0, 5, n) + 10 * fam
        x.append(np.stack([np.zeros(n), np.zeros(n), rng.integers(1, 3, n), net, content,
                           content + 100], axis=1))
        labels += [cls] * n
        mask += [matched] * n
        truth += [fam] * n
    return (np.concatenate(x).astype(np.int64), np.array(labels),
            np.array(mask)[:, None]), np.array(truth)


def test_unknown_class_takes_its_own_mail_back_from_a_shared_signature():
    (x, labels, mask), truth = _world(np.random.default_rng(3))
    fam = np.where(mask[:, 0], 0, -1)
    got = contest(x, fam, mask, labels, np.array([False, True]), CONTEXT)
    # the unknown botnet's signature-matched mail returns to its class (-1) ...
    assert (got[(truth == 1) & mask[:, 0]] == -1).mean() > 0.95
    # ... the family keeps its own mail, and gets its unmatched mail in the class
    assert (got[(truth == 0) & mask[:, 0]] == 0).all()
    assert (got[(truth == 0) & ~mask[:, 0]] == 0).mean() > 0.95
    assert (got[(truth == 1) & ~mask[:, 0]] == -1).mean() > 0.95


def test_a_class_named_after_a_family_is_left_alone():
    (x, labels, mask), _ = _world(np.random.default_rng(4))
    fam = np.where(mask[:, 0], 0, -1)
    assert (contest(x, fam, mask, labels, np.array([False, False]), CONTEXT) == fam).all()


def test_assign_names_the_unknown_botnet_not_the_family():
    (x, labels, mask), truth = _world(np.random.default_rng(5))
    n = len(labels)
    clusters = Clusters(labels, np.array(["k-0", "k-1"]), np.array(["Fam", "unknown-1"],
                        dtype=object), np.array(["fam-1", None], dtype=object),
                        np.array([100, 100]),
                        np.bincount(labels), np.array([0, 600]))
    matches = FamilyMatches(["Fam"], mask, mask.astype(np.float32) * 0.95, ["fam-1"])
    got = assign(clusters, matches, x, np.arange(n), np.ones(n, dtype=bool), 0.8).botnet
    want = np.where(truth == 0, "Fam", "unknown-1")
    assert (got == want).mean() > 0.97
    assert (got[(truth == 1) & mask[:, 0]] == "unknown-1").mean() > 0.95
