"""The report's JSON contract and the figures behind it."""

import json

import pytest

from spamintel.report.intel import load_analysis, previous_month
from spamintel.report.render import to_json


def test_an_analysed_store_is_read_not_recomputed_when_a_table_has_no_rows(tmp_path):
    from datetime import date

    import pyarrow as pa

    from spamintel.analyze.run import to_table
    from spamintel.store import Store

    store = Store(tmp_path / "s")  # no events: a recomputation would find nothing
    store.write_table("botnet_events", to_table("botnet_events", [
        {"event_id": "takedown:X:2011-03-16", "type": "takedown", "botnet": "X",
         "date": date(2011, 3, 16)}]))
    store.write_table("series_daily", pa.table({"day": [date(2011, 3, 16)], "botnet": ["X"]}))
    tables = load_analysis(store)
    assert [e["botnet"] for e in tables["botnet_events"]] == ["X"]
    assert [r["botnet"] for r in tables["series_daily"]] == ["X"]
    assert tables["populations"] == []


def test_previous_month():
    assert previous_month("2011-03") == "2011-02"
    assert previous_month("2011-01") == "2010-12"


def test_json_contract(march):
    doc = json.loads(to_json(march))
    assert doc["month"] == "2011-03"
    h = doc["headline"]
    for key in ("spam_rate", "botnet_share", "virus_rate_1_in", "phishing_rate_1_in",
                "malicious_link_share"):
        assert key in h
    assert set(h["global_spam_per_day"]) >= {"value", "low", "high", "unit"}
    assert 0 < h["spam_rate"] < 1 and 0 < h["botnet_share"] < 1
    b = doc["botnets"][0]
    assert set(b) >= {"name", "bots", "spam_per_day", "share", "change_vs_previous_month"}
    assert set(b["bots"]) >= {"value", "low", "high"}
    assert set(b["spam_per_day"]) >= {"value", "low", "high", "unit"}
    e = next(e for e in doc["events"] if e["type"] == "takedown")
    assert set(e) >= {"type", "botnet", "date", "magnitude", "confidence", "displaced_to"}
    assert set(e["displaced_to"][0]) >= {"botnet", "increase"}
    d = doc["daily"][0]
    assert set(d) >= {"day", "botnet", "observed", "estimated"}


def test_botnets_table(march):
    names = [b["name"] for b in march["botnets"]]
    values = [b["spam_per_day"]["value"] for b in march["botnets"]]
    assert values == sorted(values, reverse=True)
    assert {"Bagle", "Rustock", "Newbot"} <= set(names)
    assert sum(b["share"] for b in march["botnets"]) == pytest.approx(
        march["headline"]["botnet_share"], rel=1e-6)
    bagle = next(b for b in march["botnets"] if b["name"] == "Bagle")
    assert bagle["change_vs_previous_month"] > 1.0


def test_month_over_month_change(march):
    ch = march["headline_change"]
    assert ch["global_spam_per_day_relative"] < 0, "March lost Rustock's second half"
    assert march["headline_previous"]["global_spam_per_day"]["value"] > 0


def test_events_of_the_month_and_daily_rows(march):
    takedown = next(e for e in march["events"] if e["type"] == "takedown")
    assert (takedown["botnet"], takedown["date"]) == ("Rustock", "2011-03-16")
    assert takedown["displaced_to"][0]["botnet"] == "Bagle"
    assert {r["day"][:7] for r in march["daily"]} == {"2011-03"}
    assert all(r["estimated"] is not None for r in march["daily"])


def test_stored_displacement_reads_as_a_list_whatever_it_holds():
    from spamintel.report.intel import parse_displaced

    assert parse_displaced('[{"botnet": "Bagle"}]') == [{"botnet": "Bagle"}]
    assert parse_displaced([{"botnet": "Bagle"}]) == [{"botnet": "Bagle"}]
    assert parse_displaced(None) == [] and parse_displaced("{}") == []
    assert parse_displaced("not json") == []


def test_an_estimate_and_a_count_of_what_the_sensors_saw_make_no_change():
    from spamintel.report.intel import headline_change

    base = {"spam_rate": None, "botnet_share": None, "virus_rate_1_in": None,
            "phishing_rate_1_in": None, "malicious_link_share": None}
    est = {**base, "global_spam_per_day": {"value": 35_000.0, "unit": "messages"}}
    seen = {**base, "global_spam_per_day": {"value": 35.0, "unit": "messages observed"}}
    assert headline_change(seen, est)["global_spam_per_day_relative"] is None
    assert headline_change(est, est)["global_spam_per_day_relative"] == 0.0
