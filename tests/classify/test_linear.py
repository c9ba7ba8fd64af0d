import numpy as np

from spamintel.classify.linear import DEFAULT_MODEL, LinearModel


def small_model(meta=None):
    weights = np.array([[2.0, 0.0, 1.0, 0.0], [-2.0, 0.0, 0.0, 1.0], [0.5, 3.0, 0.0, 0.0]])
    return LinearModel(["viagra", "meeting", "password"], weights, np.zeros(4),
                       ["pharma", "jobs"], meta or {"version": "t1", "thresholds": {"spam": 0.6}})


def test_scores_follow_the_weights():
    model = small_model()
    assert model.score({"viagra", "x"}).spam > 0.5 > model.score({"meeting", "x"}).spam
    assert model.score({"password"}).phish > 0.9
    assert model.score({"viagra"}).category == "pharma"
    assert model.score(set()).spam == 0.5


def test_unknown_tokens_only_dilute():
    model = small_model()
    assert model.score({"viagra"}).spam > model.score({"viagra", "a", "b", "c"}).spam > 0.5


def test_explain_lists_spammy_tokens_only():
    model = small_model()
    scores = model.score({"viagra", "meeting", "password"})
    assert model.explain(scores, 3) == ["viagra", "password"]


def test_save_and_load_round_trip(tmp_path):
    model = small_model()
    model.save(tmp_path / "m.npz")
    loaded = LinearModel.load(tmp_path / "m.npz")
    assert loaded.version == "t1" and loaded.threshold("spam") == 0.6
    assert loaded.threshold("phish") == 0.5
    assert abs(loaded.score({"viagra"}).spam - model.score({"viagra"}).spam) < 1e-3
    assert len(loaded.meta["sha256"]) == 64


def test_shipped_model_is_small_versioned_and_documented():
    model = LinearModel.load()
    assert DEFAULT_MODEL.stat().st_size < 2_000_000
    assert model.version and model.version != "unversioned"
    assert {"recipe", "manifest", "thresholds", "params"} <= set(model.meta)
    assert "pharma" in model.categories
