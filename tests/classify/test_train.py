import numpy as np
import pytest
from scipy import sparse

from spamintel.classify.categories import CategoryRules
from spamintel.classify.dataset import Example
from spamintel.classify.train import (
    TrainParams,
    _fit,
    _fit_averaged,
    category_labels,
    fit_model,
    hash_matrix,
    pick_threshold,
)


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


def test_spam_output_is_the_average_of_the_grid_fits():
    data = [e for e in tiny_set() if e.label != "phish"]
    x = hash_matrix([e.tokens for e in data])
    y = np.array([e.label == "spam" for e in data], int)
    df = np.asarray((x != 0).sum(axis=0)).ravel()
    scale = np.sqrt(df / (df + 10.0))
    plain = _fit(x, y, 20.0)
    damped = _fit(x @ sparse.diags(scale), y, 20.0)
    w, b = _fit_averaged(x, y, (20.0,), (0.0, 10.0))
    assert np.allclose(w, (plain[0] + damped[0] * scale) / 2)
    assert b == pytest.approx((plain[1] + damped[1]) / 2)
    # damping shrinks a token seen once more than a token seen in every spam
    once, common = hash_matrix([{"s1"}]).indices[0], hash_matrix([{"viagra"}]).indices[0]
    assert damped[0][once] * scale[once] / plain[0][once] < damped[0][common] * scale[common] \
        / plain[0][common]



def test_fisher_tokens_keep_what_a_site_saw_once():
    data = tiny_set() + [ex("spam", {"meeting", "agenda", "notes", "rolex"}, 300)]
    plain = fit_model(data, TrainParams(), {})
    site = fit_model(data, TrainParams(fisher_tokens=True), {})
    assert "rolex" not in plain.tokens and "rolex" in site.tokens
    assert site.fisher is not None and plain.fisher is None
    ham = {"meeting", "agenda", "notes"}
    assert site.score(ham | {"rolex"}).spam > site.score(ham).spam
    assert plain.score(ham | {"rolex"}).spam == plain.score(ham | {"unseen"}).spam
