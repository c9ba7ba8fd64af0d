import pytest

from spamintel.analyze.rates import wilson


def test_wilson_interval():
    p, lo, hi = wilson(50, 100)
    assert p == 0.5 and lo == pytest.approx(0.4038, abs=1e-3) and hi == pytest.approx(0.5962,
                                                                                      abs=1e-3)
    assert wilson(0, 0) == (None, None, None)


def _rate(tables, month, metric):
    return next(r for r in tables["rates"] if r["month"] == month and r["metric"] == metric)


def test_spam_rate_is_measured_on_the_mixed_feed_only(tables, world):
    r = _rate(tables, "2011-03", "spam_rate")
    assert r["basis"] == "mixed feeds: mx-feed"
    assert r["low"] < r["value"] < r["high"]
    assert 0.6 < r["value"] < 0.8


def test_virus_and_phishing_rates_are_one_in_n_of_all_mail(tables, world):
    spam_rate = _rate(tables, "2011-03", "spam_rate")["value"]
    virus = _rate(tables, "2011-03", "virus_rate_1_in")
    assert virus["value"] == pytest.approx(1 / (world.virus_p * spam_rate), rel=0.1)
    assert virus["low"] < virus["value"] < virus["high"]
    direct = _rate(tables, "2011-03", "virus_rate_1_in_direct")
    assert direct["high"] - direct["low"] > virus["high"] - virus["low"], \
        "pooling spam over all sensors narrows the interval"
    phish = _rate(tables, "2011-03", "phishing_rate_1_in")
    assert phish["value"] == pytest.approx(1 / (world.phish_p * spam_rate), rel=0.25)


def test_botnet_share_and_categories(tables):
    share = _rate(tables, "2011-03", "botnet_share")["value"]
    assert 0.7 < share < 0.9
    cats = [r for r in tables["rates"] if r["month"] == "2011-03"
            and r["metric"].startswith("category:")]
    assert sum(r["value"] for r in cats) == pytest.approx(1.0)
    assert cats[0]["metric"] == "category:pharma"
