"""The JSON API: the report endpoint is the report's JSON, filters filter, and a bad or
unknown month or botnet is a 404/422 with a JSON message, never a 500."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from spamintel.report import collect
from spamintel.report.render import to_json


def test_report_is_the_report_json(client, store):
    got = client.get("/api/report/2011-03")
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/json"
    assert got.json() == json.loads(to_json(collect(store, "2011-03")))
    body = got.json()
    assert body["month"] == "2011-03"
    assert {"spam_rate", "global_spam_per_day", "botnet_share", "virus_rate_1_in",
            "phishing_rate_1_in", "malicious_link_share"} <= set(body["headline"])
    assert {"value", "low", "high", "unit"} <= set(body["headline"]["global_spam_per_day"])
    assert {"name", "bots", "spam_per_day", "share", "change_vs_previous_month"} <= set(
        body["botnets"][0])
    assert {"type", "botnet", "date", "magnitude", "confidence", "displaced_to"} <= set(
        body["events"][0])
    assert {"day", "botnet", "observed", "estimated"} <= set(body["daily"][0])


def test_report_month_is_normalised(client):
    assert client.get("/api/report/2011-3").json()["month"] == "2011-03"


@pytest.mark.parametrize(("url", "status", "words"), [
    ("/api/report/2011-13", 422, "YYYY-MM"),
    ("/api/report/march", 422, "YYYY-MM"),
    ("/api/report/2012-01", 404, "no data for month 2012-01"),
    ("/api/botnets?month=1999-01", 404, "no data"),
    ("/api/botnets/Nobody", 404, "unknown botnet"),
    ("/api/events?botnet=Nobody", 404, "unknown botnet"),
    ("/api/events?type=DROP%20TABLE", 422, "pattern"),
    ("/api/campaigns?limit=0", 422, "greater than or equal"),
    ("/api/campaigns?limit=x", 422, "integer"),
    ("/api/daily?from=2011-03-05&to=2011-03-01", 422, "after"),
    ("/api/daily?from=yesterday", 422, "date"),
    ("/api/nothing", 404, "Not Found"),
])
def test_errors_are_json(client, url, status, words):
    got = client.get(url)
    assert got.status_code == status
    assert got.headers["content-type"] == "application/json"
    assert words in json.dumps(got.json()["detail"])


def test_months(client):
    assert client.get("/api/months").json() == {
        "months": ["2011-01", "2011-02", "2011-03"], "latest": "2011-03"}


def test_botnets_of_a_month(client, store):
    got = client.get("/api/botnets", params={"month": "2011-02"}).json()
    assert got["month"] == "2011-02"
    assert got["botnets"] == json.loads(to_json(collect(store, "2011-02")))["botnets"]
    assert client.get("/api/botnets").json()["month"] == "2011-03"


def test_botnet_detail(client):
    got = client.get("/api/botnets/Rustock").json()
    assert got["name"] == "Rustock"
    assert {r["botnet"] for r in got["daily"]} == {"Rustock"}
    assert got["daily"][0]["estimated"] is not None and got["bots"]
    assert "takedown" in [e["type"] for e in got["events"]]
    assert [m["month"] for m in got["months"]] == ["2011-01", "2011-02", "2011-03"]
    assert got["clusters"][0]["traits"]["client_cc"] == {"CO": 1.0}


def test_hostile_botnet_detail(client, hostile):
    got = client.get("/api/botnets/" + quote(hostile.botnet, safe="")).json()
    assert got["name"] == hostile.botnet
    hostile_rows = [c for c in got["campaigns"] if c["campaign_id"] == "c-hostile"]
    assert hostile_rows[0]["subject"] == hostile.subject
    assert hostile_rows[0]["url_domains"] == [hostile.domain]


def test_event_filters(client):
    every = client.get("/api/events").json()["events"]
    assert len({e["type"] for e in every}) > 1
    takedowns = client.get("/api/events", params={"type": "takedown"}).json()["events"]
    assert takedowns and {e["type"] for e in takedowns} == {"takedown"}
    rustock = client.get("/api/events", params={"botnet": "Rustock"}).json()["events"]
    assert rustock and {e["botnet"] for e in rustock} == {"Rustock"}
    feb = client.get("/api/events", params={"month": "2011-02"}).json()["events"]
    assert feb and {e["date"][:7] for e in feb} == {"2011-02"}
    assert client.get("/api/events", params={"type": "resume"}).json()["events"] == []


def test_campaign_filters(client):
    march = client.get("/api/campaigns", params={"month": "2011-03"}).json()["campaigns"]
    assert [c["messages"] for c in march] == sorted((c["messages"] for c in march),
                                                   reverse=True)
    assert all(c["first_day"] >= "2011-03-01" for c in march)
    two = client.get("/api/campaigns", params={"month": "2011-03", "limit": 2}).json()
    assert two["campaigns"] == march[:2]
    lethic = client.get("/api/campaigns", params={"botnet": "Lethic"}).json()["campaigns"]
    assert lethic and all("Lethic" in c["botnets"] for c in lethic)


def test_daily_range(client):
    got = client.get("/api/daily", params={"from": "2011-03-01", "to": "2011-03-02"}).json()
    assert {r["day"] for r in got["days"]} == {"2011-03-01", "2011-03-02"}
    assert {"global", "nonbotnet", "botnet"} <= {r["scope"] for r in got["days"]}
    one = client.get("/api/daily", params={"botnet": "Bagle", "to": "2011-01-05"}).json()
    assert len(one["days"]) == 5 and {r["botnet"] for r in one["days"]} == {"Bagle"}


def test_openapi_lists_every_endpoint(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {"/api/months", "/api/report/{month}", "/api/botnets",
                          "/api/botnets/{name}", "/api/events", "/api/campaigns",
                          "/api/daily", "/feeds/{name}"}
