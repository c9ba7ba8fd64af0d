"""``spamintel signatures list`` and ``suggest``: the proposal parses, and matches the
cluster it was drawn from."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from spamintel.attribute import AttributeConfig, attribute
from spamintel.attribute.signatures import parse_signature
from spamintel.cli import app

runner = CliRunner()


def test_list_shows_shipped_signatures():
    result = runner.invoke(app, ["signatures", "list"])
    assert result.exit_code == 0
    assert "Rustock" in result.output and "Bagle" in result.output


def test_suggest_proposes_a_rule_that_matches_its_cluster(synthetic_store):
    store, _, _ = synthetic_store
    attribute(store, AttributeConfig(use_signatures=False))
    con = store.connect()
    cluster, botnet, messages = con.execute(
        "SELECT cluster_id, botnet, messages FROM botnet_clusters ORDER BY messages DESC"
        " LIMIT 1").fetchone()
    result = runner.invoke(app, ["signatures", "suggest", "--cluster", cluster,
                                 "--store", str(store.path)])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.output)
    sig = parse_signature(data)
    assert data["match"], "a proposal has conditions"
    hits, in_cluster = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE botnet = ?) FROM events WHERE {sig.sql()}",
        [botnet]).fetchone()
    assert in_cluster >= 0.9 * messages and hits - in_cluster <= 0.05 * hits


def test_suggest_unknown_cluster_is_a_clear_error(synthetic_store):
    store, _, _ = synthetic_store
    attribute(store, AttributeConfig(use_signatures=False))
    result = runner.invoke(app, ["signatures", "suggest", "--cluster", "k-nope",
                                 "--store", str(store.path)])
    assert result.exit_code != 0 and "k-nope" in result.output
