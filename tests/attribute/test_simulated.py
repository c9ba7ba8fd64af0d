"""Attribution on small simulated worlds of two seeds (ground truth read here, in the
test, only): shipped signatures name the scenario's families, non-bots stay unattributed,
and discovery alone separates the families."""

from __future__ import annotations

from datetime import date

import pytest

from spamintel.attribute import AttributeConfig, attribute
from spamintel.attribute.evaluate import evaluate
from spamintel.engine import ingest
from spamintel.simulate.generate import SimConfig, simulate
from spamintel.sources import iter_sources
from spamintel.store import Store


@pytest.fixture(scope="module", params=[None, 11], ids=["default-seed", "seed-11"])
def world(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("world")
    simulate(SimConfig(out=out / "w", seed=request.param, start=date(2011, 3, 8),
                       end=date(2011, 3, 9)))
    store = Store(out / "s")
    ingest(iter_sources([out / "w" / "mail"]), store)
    return store, out / "w" / "truth" / "messages.parquet"


def test_signatures_name_the_families(world):
    store, truth = world
    attribute(store, AttributeConfig())
    figures = evaluate(store, truth)
    assert figures["accuracy_named_families"] >= 0.97
    assert figures["false_attribution_nonbotnet"] <= 0.01
    assert figures["false_attribution_legit"] <= 0.01
    assert abs(figures["botnet_share_pred"] - figures["botnet_share_truth"]) <= 0.03
    # two days of March hold two campaigns of one botnet on one template whose domain
    # pools both began before the window, which nothing in the mail separates; longer
    # periods reach 0.96-0.98 (docs/accuracy.md)
    assert figures["campaigns"]["recall"] >= 0.85 and figures["campaigns"]["f1"] >= 0.75


def test_discovery_alone_separates_the_families(world):
    store, truth = world
    attribute(store, AttributeConfig(use_signatures=False))
    figures = evaluate(store, truth)
    # two days give the model little to learn from; docs/accuracy.md has month and
    # full-period figures (0.92-0.94)
    assert figures["ari_families"] >= 0.8
    assert figures["false_attribution_nonbotnet"] <= 0.01
