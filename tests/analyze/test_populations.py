from datetime import date, datetime

import duckdb
import numpy as np
import pytest

from spamintel.analyze.populations import chao2, populations


def test_chao2_adds_the_bots_seen_on_no_occasion():
    # 31 daily occasions; 400 IPs seen, 300 of them on one day and 60 on two
    est, low, high = chao2(400, 300, 60, 31)
    assert est == pytest.approx(400 + 30 / 31 * 300 * 299 / (2 * 61))
    assert 400 < low < est < high


def test_chao2_interval_narrows_as_more_bots_are_seen_twice():
    _, low_few, high_few = chao2(400, 300, 10, 31)
    _, low_many, high_many = chao2(400, 300, 90, 31)
    assert high_many - low_many < high_few - low_few


def test_chao2_never_below_what_was_seen():
    assert chao2(100, 0, 40, 31) == (100, 100, 100), "no bot seen once: all were seen"
    assert chao2(100, 1, 0, 31) == (100, 100, 100)
    assert chao2(100, 60, 10, 1) == (100, 100, 100), "one occasion tells nothing"


def test_population_rows_are_consistent(tables):
    days = [r for r in tables["populations"] if r["period"] == "day"]
    assert days and all(r["low"] <= r["estimate"] <= r["high"] for r in days)
    assert all(r["estimate"] >= r["ips_observed"] - 1e-6 for r in days)
    assert all(r["method"] == "chao2:hours" for r in days)
    assert all(r["seen_once"] + r["seen_twice"] <= r["ips_observed"] for r in days)


def test_population_estimate_is_larger_than_the_sample_and_below_the_botnet(tables, world):
    sizes = {b.name: b.bots for b in world.botnets}
    for r in tables["populations"]:
        if r["period"] == "month" and r["botnet"] == "Bagle":
            assert r["ips_observed"] < r["estimate"] <= sizes["Bagle"] * 1.05


def test_spam_per_bot_per_minute_and_churn(tables):
    row = next(r for r in tables["populations"] if r["period"] == "day"
               and r["botnet"] == "Rustock" and str(r["start"]) == "2011-03-01")
    assert row["spam_per_bot_per_min"] > 0
    assert 0 <= row["churn"] <= 1 and row["new_ips"] >= 0


def test_a_closed_botnet_of_equal_senders_is_recovered_within_its_interval():
    # 3,000 bots; each is caught on a given March day with probability 0.02, so about
    # 1,400 are ever seen
    rng = np.random.default_rng(5)
    seen = rng.random((3000, 31)) < 0.02
    bots, days = np.nonzero(seen)
    con = duckdb.connect()
    con.execute("CREATE TABLE _spam (day DATE, hour TIMESTAMP, botnet VARCHAR, host VARCHAR)")
    rows = [(date(2011, 3, d + 1), datetime(2011, 3, d + 1, 12), f"10.0.{b // 250}.{b % 250}")
            for b, d in zip(bots.tolist(), days.tolist(), strict=True)]
    con.executemany("INSERT INTO _spam VALUES (?, ?, 'B', ?)", rows)
    month = next(r for r in populations(con, {}) if r["period"] == "month")
    assert month["ips_observed"] < 1500
    assert month["low"] < 3000 < month["high"]
    assert month["estimate"] == pytest.approx(3000, rel=0.1)


def test_spam_per_bot_per_minute_is_the_months_mail_over_its_bots(tables, world):
    # Bagle sends 8bn a day from 25,000 bots in February: 222 a bot a minute; the rate
    # rests on the month's estimate of bots, not on a day's, which sees a few per cent
    bagle = next(b for b in world.botnets if b.name == "Bagle")
    truth = bagle.per_day / bagle.bots / 1440
    row = next(r for r in tables["populations"] if r["period"] == "month"
               and r["botnet"] == "Bagle" and str(r["start"]) == "2011-02-01")
    assert row["estimate"] <= bagle.bots * 1.05
    assert truth <= row["spam_per_bot_per_min"] < 1.5 * truth
