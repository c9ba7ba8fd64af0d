import numpy as np

from spamintel.classify.categories import CategoryRules
from spamintel.classify.dataset import Example
from spamintel.classify.train import TrainParams, category_labels, fit_model, pick_threshold


def ex(label, words, i):
    return Example("c", f"m{i}", label, "train", 0, i, frozenset(words))


def tiny_set():
    out = []
    for i in range(40):
        out.append(ex("spam", {"viagra", "cheap", "pills", f"s{i}"}, i))
        out.append(ex("ham", {"meeting", "agenda", "notes", f"h{i}"}, 100 + i))
        out.append(ex("phish", {"verify", "account", "password", f"p{i}"}, 200 + i))
    return out


def test_tiny_training_run_separates_the_classes():
    model = fit_model(tiny_set(), TrainParams(min_category_examples=5), {"version": "tiny"})
    spam, ham = model.score({"viagra", "pills"}), model.score({"meeting", "agenda"})
    assert spam.spam > 0.8 > 0.2 > ham.spam
    assert model.score({"verify", "password"}).phish > 0.8 > ham.phish
    assert model.version == "tiny"
    assert "viagra" in model.tokens and "s1" not in model.tokens  # seen in one message only


def test_one_class_gives_a_constant_model():
    data = [e for e in tiny_set() if e.label != "phish"]
    model = fit_model(data, TrainParams(), {})
    assert model.score({"verify", "password"}).phish < 0.01


def test_weak_category_labels_come_from_rules():
    labels = category_labels(tiny_set()[:3], CategoryRules.load())
    assert labels == ["pharma", None, "phishing"]


def test_pick_threshold_caps_false_positives():
    ham = np.linspace(0, 1, 1001)
    assert abs(pick_threshold(ham, 0.01) - 0.99) < 0.01
    assert pick_threshold(np.zeros(10), 0.01) == 0.5
    assert pick_threshold([], 0.01) == 0.5
