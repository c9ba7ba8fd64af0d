import math
import random

import numpy as np
import pytest

from spamintel.classify.linear import DEFAULT_MODEL, LinearModel
from spamintel.classify.lookup import token_hashes


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


def _reference_spam(model, tokens):
    """The score's definition: bias plus the known tokens' weights summed in row order
    (most spam-like first), scaled by 1/sqrt(number of tokens)."""
    import math

    rows = sorted(model.tokens.index(t) for t in tokens if t in model.tokens)
    total = sum(float(model.weights[r, 0]) for r in rows)
    z = float(model.bias[0]) + total * (1.0 / math.sqrt(max(len(tokens), 1)))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def test_scores_equal_the_row_order_sum_bit_for_bit(tmp_path):
    rng = np.random.default_rng(3)
    vocab = [f"t{i}" for i in range(400)]
    weights = rng.normal(0, 3, (400, 4)) * 10.0 ** rng.integers(-12, 2, (400, 1))
    # A bias far below 0 keeps the probability small, where it shows the last bit of z.
    fresh = LinearModel(vocab, weights, np.array([-30.0, -1.0, 0, 0]), ["a", "b"], {})
    fresh.save(tmp_path / "m.npz")
    loaded = LinearModel.load(tmp_path / "m.npz")  # float16 weights: sums exact, any order
    for model in (fresh, loaded):
        for _ in range(50):
            tokens = {f"t{i}" for i in rng.integers(0, 500, rng.integers(1, 300))}
            assert model.score(tokens).spam == _reference_spam(model, tokens)


def test_rows_and_explanation_come_sorted_whatever_the_token_order():
    model = small_model()
    scores = model.score(["x", "password", "meeting", "viagra"])
    assert scores.rows == [0, 1, 2] and model.explain(scores) == ["viagra", "password"]


def test_a_pickled_model_scores_the_same_in_a_process_with_other_string_hashes():
    import pickle
    import subprocess
    import sys

    model = small_model()
    blob = pickle.dumps(model)
    code = ("import pickle, sys; m = pickle.loads(sys.stdin.buffer.read()); "
            "s = m.score({'viagra', 'password', 'x'}); print(repr(s.spam), repr(s.phish))")
    want = model.score({"viagra", "password", "x"})
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True,
                             env={"PYTHONHASHSEED": seed}, check=True)
        assert out.stdout.decode().split() == [repr(want.spam), repr(want.phish)]


@pytest.fixture(scope="module")
def shipped():
    return LinearModel.load(DEFAULT_MODEL)


def _outputs(scores, model):
    return (scores.spam, scores.phish, scores.norm, scores.rows, scores.category,
            scores.category_prob, model.explain(scores, 5))


def test_a_chunk_scores_as_each_message_alone(shipped):
    vocab = shipped.tokens
    rng = random.Random(7)
    sets = [set(rng.sample(vocab, rng.randrange(0, 300))) | {f"unknown{i}" for i in range(k)}
            for k in range(12)] + [set()]
    small = LinearModel(vocab[:500], shipped.weights[:500], shipped.bias,
                        shipped.categories, {})
    for model in (shipped, small):
        chunk = model.score_many([token_hashes(tokens) for tokens in sets])
        assert [_outputs(s, model) for s in chunk] == \
            [_outputs(model.score(t), model) for t in sets]
    assert shipped.score_many([]) == []


def fisher_model():
    """A model with Robinson probabilities: "pills" and "rolex" spammy, "agenda" hammy,
    "hello" left out of Fisher's combination (zeros), "cheap" known to Fisher alone."""
    from spamintel.classify.fisher import log_terms

    vocab = ["pills", "agenda", "hello", "rolex", "cheap"]
    weights = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0], [0.5, 0.0], [0.0, 0.0]])
    fisher = np.array([log_terms(0.99), log_terms(0.01), (0.0, 0.0), log_terms(0.9),
                       log_terms(0.97)], dtype=np.float16)
    return LinearModel(vocab, weights, np.zeros(2), [], {}, fisher)


def test_fisher_terms_add_their_combined_log_odds():
    from spamintel.classify.fisher import combined_logit

    model = fisher_model()
    terms = model.fisher[[model.tokens.index(t) for t in ("pills", "cheap")]].astype(float)
    want = 1.0 / math.sqrt(3) + combined_logit(2, *terms.sum(axis=0))
    z = math.log(model.score({"pills", "cheap", "x"}).spam /
                 (1 - model.score({"pills", "cheap", "x"}).spam))
    assert z == pytest.approx(want, rel=1e-6)
    assert model.score({"cheap"}).spam > 0.5 > model.score({"agenda"}).spam
    assert model.score({"hello"}).spam == 0.5  # known, but neutral in both parts


def test_a_fisher_model_saves_loads_and_scores_chunks_the_same(tmp_path):
    model = fisher_model()
    model.save(tmp_path / "m.npz")
    loaded = LinearModel.load(tmp_path / "m.npz")
    sets = [{"pills", "cheap"}, {"agenda", "hello", "x"}, set(), {"rolex", "pills", "agenda"}]
    assert [loaded.score(t).spam for t in sets] == [model.score(t).spam for t in sets]
    chunk = loaded.score_many([token_hashes(t) for t in sets])
    assert [s.spam for s in chunk] == [loaded.score(t).spam for t in sets]
