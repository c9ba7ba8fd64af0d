"""A small synthetic world, analysed once, with hostile text where messages put text: a
botnet named with markup, and a campaign whose subject, URL domain and sender traits are
attacks on a page that would not escape them."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from spamintel.analyze import analyze
from spamintel.analyze.synthetic import DEFAULT_BOTNETS, SynthWorld, build_store
from spamintel.config import AnalyzeConfig, CalibrationConfig, Config
from spamintel.model import EVENT_SCHEMA
from spamintel.serve import create_app

HOSTILE_BOTNET = "Evil<script>alert(1)</script>\"'&"
HOSTILE_SUBJECT = "<script>alert(1)</script>"
HOSTILE_DOMAIN = "\"><img src=x onerror=alert(1)>"
HOSTILE_MAILER = "<svg onload=alert(1)>"
HOSTILE_DAY = date(2011, 3, 9)


def _world() -> SynthWorld:
    botnets = tuple(dataclasses.replace(b, name=HOSTILE_BOTNET) if b.name == "Newbot" else b
                    for b in DEFAULT_BOTNETS)
    return SynthWorld(botnets=botnets, start=date(2011, 1, 1), end=date(2011, 3, 31),
                      shares={"trap-a": 3e-8, "trap-b": 1.5e-8, "mx-feed": 1e-8})


def _hostile_event(store) -> None:
    """One message whose subject and URL domain are markup, and its attribution."""
    at = datetime(2011, 3, 9, 12, tzinfo=UTC)
    row = {f.name: None for f in EVENT_SCHEMA} | {
        "event_id": "f" * 32, "msg_sha256": "f" * 32, "observed_at": at, "day": HOSTILE_DAY,
        "sensor": "trap-a", "source_kind": "trap", "client_ip": "192.0.2.66",
        "verdict": "spam", "category": "pharma", "subject": HOSTILE_SUBJECT,
        "url_domains": [HOSTILE_DOMAIN], "n_urls": 1}
    store.write_events(pa.Table.from_pylist([row], schema=EVENT_SCHEMA))
    attribution = pa.concat_tables([store.connect().sql(
        "SELECT * FROM attribution").to_arrow_table(), pa.table({
            "event_id": ["f" * 32], "botnet": [HOSTILE_BOTNET], "botnet_confidence":
            pa.array([1.0], pa.float32()), "botnet_method": ["truth"],
            "campaign_id": ["c-hostile"]})])
    store.write_table("attribution", attribution)


def _attribution_tables(store) -> None:
    """``campaigns``, ``campaign_daily`` and ``botnet_clusters`` as attribution writes
    them, from the synthetic events (analysis here runs without attribution)."""
    con = store.connect()
    store.write_table("campaigns", con.sql("""
        SELECT campaign_id, min(observed_at) AS first_seen, max(observed_at) AS last_seen,
               count(*) AS messages, mode(category) AS category,
               list_distinct(flatten(list(coalesce(url_domains, [])))) AS url_domains,
               list_distinct(list(botnet)) AS botnets, max(subject) AS subject_example
        FROM events WHERE campaign_id IS NOT NULL GROUP BY campaign_id""").to_arrow_table())
    store.write_table("campaign_daily", con.sql("""
        SELECT campaign_id, day, count(*) AS messages FROM events
        WHERE campaign_id IS NOT NULL GROUP BY ALL""").to_arrow_table())
    traits = json.dumps({"x_mailer": {HOSTILE_MAILER: 0.9}, "client_cc": {"CO": 1.0}})
    store.write_table("botnet_clusters", con.sql("""
        SELECT 'k-' || lower(regexp_replace(botnet, '[^A-Za-z]', '', 'g')) AS cluster_id,
               botnet, NULL AS signature, ? AS traits, count(DISTINCT client_ip) AS ips,
               count(*) AS messages, min(observed_at) AS first_seen
        FROM events WHERE botnet IS NOT NULL GROUP BY botnet""", params=[traits]).to_arrow_table())


@pytest.fixture(scope="session")
def hostile() -> SimpleNamespace:
    """The hostile strings the store holds (``botnet``, ``subject``, ``domain``, ``mailer``)."""
    return SimpleNamespace(botnet=HOSTILE_BOTNET, subject=HOSTILE_SUBJECT,
                           domain=HOSTILE_DOMAIN, mailer=HOSTILE_MAILER)


@pytest.fixture(scope="session")
def store(tmp_path_factory):
    """The analysed store (session-wide: tests only read it)."""
    w = _world()
    st, _ = build_store(tmp_path_factory.mktemp("serve") / "store", w)
    _hostile_event(st)
    cfg = Config(analyze=AnalyzeConfig(run_attribution=False,
                                       calibration=CalibrationConfig(sensor_shares=w.shares)))
    analyze(st, cfg)
    _attribution_tables(st)
    return st


@pytest.fixture(scope="session")
def client(store):
    """A TestClient on the dashboard over ``store``."""
    with TestClient(create_app(store)) as c:
        yield c
