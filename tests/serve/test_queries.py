"""The dashboard's reads: filters, bound parameters, and missing tables read as empty."""

from __future__ import annotations

from datetime import date

import pytest

from spamintel.report.intel import held_months
from spamintel.serve import queries
from spamintel.store import Store


@pytest.fixture(scope="module")
def con(store):
    return store.connect()


def test_months_and_botnets(con, hostile):
    assert held_months(con) == ["2011-01", "2011-02", "2011-03"]
    names = queries.botnet_names(con)
    assert {"Bagle", "Cutwail", "Lethic", "Rustock", hostile.botnet} == set(names)


def test_daily_filters(con):
    rows = queries.daily(con, date(2011, 2, 1), date(2011, 2, 3), "Bagle")
    assert [r["day"] for r in rows] == [date(2011, 2, d) for d in (1, 2, 3)]
    assert {r["scope"] for r in queries.daily(con, date(2011, 2, 1), date(2011, 2, 1))} == {
        "global", "nonbotnet", "botnet"}


def test_text_is_bound_not_spliced(con):
    evil = "x' OR '1'='1"
    assert queries.events(con, botnet=evil) == []
    assert queries.campaigns(con, botnet=evil) == []
    assert queries.daily(con, botnet=evil) == []
    assert queries.clusters(con, evil) == []


def test_events_decode_displacement(con):
    takedown = queries.events(con, "takedown")
    assert [e["botnet"] for e in takedown] == ["Rustock"]
    assert isinstance(takedown[0]["displaced_to"], list)
    assert queries.events(con, month="2011-02", botnet="Lethic")[0]["type"] == "content_switch"


def test_campaigns_of_a_month(con, hostile):
    march = queries.campaigns(con, "2011-03", limit=100)
    hostile_row = next(c for c in march if c["campaign_id"] == "c-hostile")
    assert hostile_row["subject"] == hostile.subject and hostile_row["messages"] == 1
    assert len(queries.campaigns(con, "2011-03", limit=2)) == 2
    software = next(c for c in queries.campaigns(con, limit=100)
                    if c["campaign_id"] == "c-software")
    assert software["last_day"] == date(2011, 3, 16)


def test_botnet_detail(con, hostile):
    d = queries.botnet_detail(con, hostile.botnet)
    assert d["events"][0]["type"] == "new_botnet"
    assert hostile.mailer in d["clusters"][0]["summary"]
    assert d["bots"] and d["months"] and d["daily"]


def test_a_store_without_analysis_reads_empty(tmp_path):
    con = Store(tmp_path / "empty").connect()
    assert held_months(con) == []
    assert queries.botnet_names(con) == []
    assert queries.botnet_detail(con, "Rustock") == {
        "name": "Rustock", "months": [], "daily": [], "bots": [], "events": [],
        "campaigns": [], "clusters": []}
