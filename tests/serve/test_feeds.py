"""The feeds over HTTP: the files `spamintel export` writes, for tools that pull a URL."""

from __future__ import annotations

import stix2
from fastapi.testclient import TestClient
from pymisp import MISPEvent

from spamintel.export import Selection, export_window, select, to_csv
from spamintel.export.run import FORMATS
from spamintel.serve import create_app
from spamintel.store import Store


def test_the_dnsbl_feed_lists_the_last_weeks_bots(client):
    got = client.get("/feeds/rbldnsd")
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("text/plain")
    assert 'filename="spamintel-bots.rbldnsd"' in got.headers["content-disposition"]
    lines = got.text.splitlines()
    assert "127.0.0.2 :127.0.0.2:Test entry (RFC 5782 section 5)" in lines
    listed = [line for line in lines[5:] if line[0].isdigit()]
    assert listed and all(":Listed by spamintel: botnet " in line for line in listed)
    assert not any("botnet Rustock" in line for line in listed)  # taken down 16 March


def test_a_feed_is_what_the_export_writes_for_the_same_window(client, store):
    got = client.get("/feeds/spamhaus-csv", params={"days": 30, "min_confidence": 0.9})
    expected = to_csv(select(store, export_window(store, 30), Selection(0.9)))
    assert got.status_code == 200 and got.text == expected
    assert len(expected.splitlines()) > 1


def test_threat_intelligence_feeds_load_in_their_tools(client):
    bundle = stix2.parse(client.get("/feeds/stix").text, allow_custom=False)
    assert any(o.type == "indicator" for o in bundle.objects)
    event = MISPEvent()
    event.load(client.get("/feeds/misp").text)
    assert event.attributes


def test_unknown_feed_and_bad_window_are_json_errors(client):
    unknown = client.get("/feeds/pdf")
    assert unknown.status_code == 404 and "choose from" in unknown.json()["detail"]
    assert client.get("/feeds/rpz", params={"days": 0}).status_code == 422
    assert client.get("/feeds/rpz", params={"min_confidence": 2}).status_code == 422


def test_a_store_never_analysed_has_no_feeds(tmp_path):
    with TestClient(create_app(Store(tmp_path / "bare"), warm=False)) as bare:
        got = bare.get("/feeds/rbldnsd")
    assert got.status_code == 404 and "spamintel analyze" in got.json()["detail"]


def test_the_feeds_page_lists_each_feed_with_the_weeks_counts(client, store):
    page = client.get("/feeds")
    assert page.status_code == 200
    found = select(store, export_window(store, 7), Selection(0.5))
    assert f"{len(found.ips)} bot IPs" in page.text
    for name in FORMATS:  # every feed the exporter writes is offered, and served
        assert f'href="/feeds/{name}"' in page.text
        got = client.get(f"/feeds/{name}")
        assert got.status_code == 200 and FORMATS[name][0] in got.headers[
            "content-disposition"]
    assert client.get("/feeds/rbldnsd").status_code == 200  # after the page: no lock held


def test_the_feeds_page_of_a_store_never_analysed_says_so(tmp_path):
    with TestClient(create_app(Store(tmp_path / "bare"), warm=False)) as bare:
        page = bare.get("/feeds")
    assert page.status_code == 200 and "spamintel analyze" in page.text


def test_a_feed_of_one_botnet(client, store):
    everything = select(store, export_window(store, 30))
    name = everything.ips[0].botnet
    got = client.get("/feeds/spamhaus-csv", params={"days": 30, "botnet": name.upper()})
    expected = to_csv(select(store, export_window(store, 30),
                             Selection(botnets=frozenset({name.lower()}))))
    assert got.status_code == 200 and got.text == expected
    assert 1 < len(expected.splitlines()) < len(to_csv(everything).splitlines())
