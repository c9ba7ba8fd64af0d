"""Evaluation figures: pair-counting F1 and family detection, on hand-made labels."""

from __future__ import annotations

import numpy as np

from spamintel.attribute.evaluate import _named_unnamed, is_family, pair_f1


def test_pair_f1_of_a_perfect_and_a_merged_clustering():
    truth = np.array(["a", "a", "b", "b"])
    assert pair_f1(np.array([1, 1, 2, 2]), truth)["f1"] == 1.0
    merged = pair_f1(np.array([1, 1, 1, 1]), truth)
    assert merged["recall"] == 1.0 and merged["precision"] == round(2 / 6, 4)


def test_family_labels_exclude_legit_and_non_botnet_sources():
    labels = np.array(["Rustock", "legit", "nonbotnet:webmail", "unnamed-1"], dtype=object)
    assert is_family(labels).tolist() == [True, False, False, True]


def test_unnamed_families_count_when_kept_together_as_unknown():
    true = np.array(["Rustock", "Rustock", "x-1", "x-1", "x-1"])
    pred = np.array(["Rustock", "none", "unknown-1", "unknown-1", "none"])
    figures = _named_unnamed(true, pred)
    assert figures["accuracy_named_families"] == 0.5
    assert figures["unnamed_families_found"] == round(2 / 3, 4)
