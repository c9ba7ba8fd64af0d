"""The HTML pages: each renders, message text is escaped everywhere, and a page holds no
script of its own (charts arrive as JSON data)."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from markupsafe import escape


def _pages(hostile) -> list[str]:
    name = quote(hostile.botnet, safe="")
    return ["/", "/?month=2011-02", f"/botnets/{name}", "/botnets/Rustock", "/events",
            f"/events?botnet={name}", "/campaigns", f"/campaigns?botnet={name}", "/docs",
            f"/botnets/{name}x", "/?month=2011-13"]


def test_every_page_renders(client, hostile):
    for url in _pages(hostile)[:-2]:
        got = client.get(url)
        assert got.status_code == 200, url
        assert got.headers["content-type"].startswith("text/html")


def test_hostile_text_is_escaped_on_every_page(client, hostile):
    raw = [hostile.botnet, hostile.subject, hostile.domain, hostile.mailer, "<script>alert",
           "<img src=x", "<svg onload"]
    shown: set[str] = set()
    for url in _pages(hostile):
        text = client.get(url).text
        assert [r for r in raw if r in text] == [], url
        shown |= {h for h in (hostile.botnet, hostile.subject, hostile.domain, hostile.mailer)
                  if str(escape(h)) in text}
    assert shown == {hostile.botnet, hostile.subject, hostile.domain, hostile.mailer}


def test_hostile_botnet_page_shows_its_campaign(client, hostile):
    text = client.get("/botnets/" + quote(hostile.botnet, safe="")).text
    for value in (hostile.botnet, hostile.subject, hostile.domain, hostile.mailer):
        assert str(escape(value)) in text


def test_pages_hold_no_inline_script(client, hostile):
    for url in _pages(hostile):
        text = client.get(url).text
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"<[a-z]+\b[^>]*\son[a-z]+=", text), url


def test_chart_data_is_json_of_the_month(client, store):
    text = client.get("/?month=2011-03").text
    blob = re.search(r'<script type="application/json" class="chart-data" '
                     r'data-canvas="daily-by-botnet">(.*?)</script>', text, re.S).group(1)
    config = json.loads(blob)
    botnets = client.get("/api/botnets", params={"month": "2011-03"}).json()["botnets"]
    assert [d["label"] for d in config["data"]["datasets"]] == [b["name"] for b in botnets]
    assert config["data"]["labels"][0] == "2011-03-01"


def test_overview_has_headline_and_tables(client):
    text = client.get("/?month=2011-03").text
    assert "Spam and botnets — March 2011" in text
    assert "vs 2011-02" in text
    assert 'href="/botnets/Rustock"' in text and "takedown" in text


def test_overview_tells_the_months_story(client):
    import html

    story = client.get("/api/report/2011-03").json()["narrative"]
    text = html.unescape(client.get("/?month=2011-03").text)
    assert "<h2>Summary</h2>" in text
    assert all(p in text for p in story)


@pytest.mark.parametrize(("url", "status"), [
    ("/botnets/Nobody", 404), ("/?month=2030-01", 404), ("/?month=2011-13", 422),
    ("/campaigns?limit=0", 422), ("/events?botnet=Nobody", 404)])
def test_errors_are_pages(client, url, status):
    got = client.get(url)
    assert got.status_code == status
    assert got.headers["content-type"].startswith("text/html")
    assert f"<h1>{status}" in got.text


def test_events_page_filters(client):
    text = client.get("/events?type=takedown").text
    assert "1 event<" in text and "Rustock" in text
    assert "0 events" in client.get("/events?type=takedown&botnet=Bagle").text


def test_docs_describe_every_endpoint(client):
    text = client.get("/docs").text
    for path in ("/api/months", "/api/report/{month}", "/api/botnets", "/api/events",
                 "/api/campaigns", "/api/daily"):
        assert f"GET {path}</code>" in text
    assert "2011-03" in text and 'href="/openapi.json"' in text


def test_links_follow_the_root_path(store):
    from fastapi.testclient import TestClient

    from spamintel.serve import create_app

    with TestClient(create_app(store, warm=False), root_path="/intel") as c:
        text = c.get("/intel/botnets/Rustock").text
    assert 'href="/intel/static/dashboard.css"' in text
    assert 'href="/intel/?month=2011-01"' in text
    assert not re.search(r'(href|src|action)="/(?!intel)', text)


def test_pages_of_a_simulated_world_say_so(tmp_path):
    from datetime import date

    from fastapi.testclient import TestClient

    from spamintel.analyze import analyze
    from spamintel.analyze.synthetic import SynthWorld, build_store
    from spamintel.config import AnalyzeConfig, CalibrationConfig, Config
    from spamintel.serve import create_app

    w = SynthWorld(start=date(2011, 3, 1), end=date(2011, 3, 31),
                   shares={"trap-a": 1e-8, "trap-b": 5e-9, "mx-feed": 5e-9})
    store, _ = build_store(tmp_path / "s", w)
    cal = CalibrationConfig(sensor_shares=w.shares, data_source="a simulated world (<x>)")
    analyze(store, Config(analyze=AnalyzeConfig(run_attribution=False, calibration=cal)))
    with TestClient(create_app(store, warm=False)) as c:
        for path in ("/", "/events", "/campaigns"):
            page = c.get(path).text
            assert "<strong>Simulated data</strong>: every figure here comes from a " \
                   "simulated world (&lt;x&gt;)" in page, path
        assert "Simulated data: these figures" not in c.get("/").text  # the banner says it


def test_pages_of_real_sensors_carry_no_simulation_note(client):
    assert "Simulated data" not in client.get("/").text


def test_an_empty_store_says_how_to_fill_it(tmp_path):
    from fastapi.testclient import TestClient

    from spamintel.serve import create_app
    from spamintel.store import Store

    with TestClient(create_app(Store(tmp_path / "new"), warm=False)) as c:
        page = c.get("/")
        assert page.status_code == 200 and "<h1>No data yet</h1>" in page.text
        assert "spamintel ingest MAIL... --store STORE" in page.text
        assert c.get("/", params={"month": "2011-03"}).status_code == 404


@pytest.mark.parametrize("which", ["plain", "hostile"])
def test_a_botnet_page_links_its_own_feeds(client, hostile, which):
    import html
    import re

    from spamintel.export._safe import safe_name

    name = hostile.botnet if which == "hostile" else "Bagle"
    page = client.get("/botnets/" + quote(name, safe="")).text
    links = [html.unescape(h) for h in re.findall(r'href="(/feeds/[^"]+)"', page)]
    assert len(links) == 4 and all("?botnet=" in link for link in links)
    csv = client.get(next(link for link in links if "spamhaus-csv" in link))
    assert csv.status_code == 200
    rows = csv.text.splitlines()[1:]
    # the feed spells a name with markup in it without the markup (``safe_name``)
    assert rows and all(f",{safe_name(name)}," in row for row in rows)
