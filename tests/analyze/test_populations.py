import pytest

from spamintel.analyze.populations import chapman


def test_chapman_matches_the_textbook_example():
    est, low, high = chapman(50, 40, 10)
    assert est == pytest.approx(51 * 41 / 11 - 1)
    assert 80 <= low < est < high


def test_chapman_never_below_what_was_seen():
    est, low, high = chapman(100, 100, 100)
    assert est == low == high == 100


def test_population_rows_are_consistent(tables):
    days = [r for r in tables["populations"] if r["period"] == "day"]
    assert days and all(r["low"] <= r["estimate"] <= r["high"] for r in days)
    assert all(r["estimate"] >= r["ips_observed"] - 1e-6 for r in days)
    assert all(r["method"] == "chapman:sensors" for r in days)


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
