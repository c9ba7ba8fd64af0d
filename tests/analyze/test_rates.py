from datetime import date

import duckdb
import pytest

from spamintel.analyze.rates import corrected_spam_rate, monthly_rates, trap_recall, wilson


def test_wilson_interval():
    p, lo, hi = wilson(50, 100)
    assert p == 0.5 and lo == pytest.approx(0.4038, abs=1e-3) and hi == pytest.approx(0.5962,
                                                                                      abs=1e-3)
    assert wilson(0, 0) == (None, None, None)


def _rate(tables, month, metric):
    return next(r for r in tables["rates"] if r["month"] == month and r["metric"] == metric)


def test_spam_rate_is_measured_on_the_mixed_feed_only(tables, world):
    r = _rate(tables, "2011-03", "spam_rate")
    assert r["basis"].startswith("mixed feeds: mx-feed")
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


def _events(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """An in-memory ``events`` view: (sensor, source_kind, verdict, is_virus, count[,
    category[, n_urls[, url domain[, has_malicious_link[, campaign]]]]]); From is at
    shop.example."""
    con = duckdb.connect()
    con.execute("""CREATE TABLE events (day DATE, sensor VARCHAR, source_kind VARCHAR,
        verdict VARCHAR, label VARCHAR, is_virus BOOLEAN, is_phish BOOLEAN,
        has_malicious_link BOOLEAN, category VARCHAR, botnet VARCHAR, n_urls INTEGER,
        n_attachments SMALLINT, from_addr VARCHAR, url_domains VARCHAR[], campaign_id VARCHAR)""")
    for sensor, kind, verdict, virus, count, *more in rows:
        cat, urls, domain, bad, campaign = (
            more + [None, 1, "elsewhere.example", False, None][len(more):])
        con.executemany("INSERT INTO events VALUES (?, ?, ?, ?, NULL, ?, FALSE, ?, ?, NULL, "
                        "?, 0, 'no-reply@mail.shop.example', ?, ?)",
                        [(date(2011, 3, 5), sensor, kind, verdict, virus, bad, cat, urls,
                          [domain] if urls else [], campaign)] * count)
    return con


def _classifier_misses_a_tenth() -> duckdb.DuckDBPyConnection:
    # feed: 800 spam, of which the classifier flags 720, and 200 ham it leaves alone;
    # traps: 2,000 spam, 1,800 flagged; 20 malware messages among the trap spam.
    return _events([("feed", "feed", "spam", False, 720), ("feed", "feed", "ham", False, 280),
                    ("trap", "trap", "spam", False, 1780), ("trap", "trap", "malware", True, 20),
                    ("trap", "trap", "ham", False, 200)])


def test_trap_recall_counts_trap_mail_the_classifier_calls_spam():
    con = _classifier_misses_a_tenth()
    assert trap_recall(con, ["feed"]) == {"2011-03": (1800, 2000)}


def test_spam_rate_is_corrected_for_the_recall_measured_at_the_traps():
    rows = {r["metric"]: r for r in monthly_rates(_classifier_misses_a_tenth(), ["feed"], {})}
    assert rows["spam_rate_flagged"]["value"] == pytest.approx(0.72)
    spam = rows["spam_rate"]
    assert spam["value"] == pytest.approx(0.8)
    assert spam["low"] < 0.8 < spam["high"] and "recall" in spam["basis"]
    assert rows["classifier_recall_traps"]["value"] == pytest.approx(0.9)
    # 20 malware in 2,720 spam (traps + feed) times the corrected spam rate
    virus = rows["virus_rate_1_in"]
    assert virus["value"] == pytest.approx(1 / (20 / 2720 * 0.8))
    assert virus["low"] < virus["value"] < virus["high"]


def _in(campaign: str) -> list:
    return [None, 1, "elsewhere.example", False, campaign]


def _feed_flags_wanted_mail() -> duckdb.DuckDBPyConnection:
    # feed: 800 spam of two campaigns the traps received (720 flagged), 200 wanted mail of
    # which the classifier flags 100 (a shop's order confirmations, never sent to a trap);
    # traps: 2,000 spam of those campaigns, 1,800 flagged.
    return _events([("feed", "feed", "spam", False, 420, *_in("c1")),
                    ("feed", "feed", "ham", False, 40, *_in("c1")),
                    ("feed", "feed", "spam", False, 300, *_in("c2")),
                    ("feed", "feed", "ham", False, 40, *_in("c2")),
                    ("feed", "feed", "spam", False, 100, *_in("orders")),
                    ("feed", "feed", "ham", False, 100),
                    ("trap", "trap", "spam", False, 1000, *_in("c1")),
                    ("trap", "trap", "spam", False, 800, *_in("c2")),
                    ("trap", "trap", "ham", False, 200, *_in("c2"))])


def test_spam_rate_leaves_out_wanted_mail_the_classifier_flags():
    rows = {r["metric"]: r for r in monthly_rates(_feed_flags_wanted_mail(), ["feed"], {})}
    assert rows["spam_rate_recall"]["value"] == pytest.approx(0.82 / 0.9), "flags count"
    spam = rows["spam_rate"]
    assert spam["value"] == pytest.approx(0.8) and "campaigns the traps" in spam["basis"]
    assert spam["low"] < 0.8 < spam["high"]
    assert rows["spam_rate_corroborated"]["value"] == spam["value"]
    assert rows["trap_coverage"]["value"] == 1.0


def test_no_correction_without_enough_trap_mail():
    assert corrected_spam_rate(720, 1000, (90, 100))[0] == pytest.approx(0.72)
    assert corrected_spam_rate(720, 1000, None)[0] == pytest.approx(0.72)
    assert corrected_spam_rate(990, 1000, (1500, 2000))[0] == 1.0, "never above 1"
    assert corrected_spam_rate(0, 0, (1800, 2000))[0] is None


def test_product_interval_is_narrower_than_multiplied_bounds():
    value, lo, hi, var = corrected_spam_rate(720, 1000, (1800, 2000))
    p_lo, p_hi = wilson(720, 1000)[1:]
    r_lo, r_hi = wilson(1800, 2000)[1:]
    assert hi - lo < p_hi / r_lo - p_lo / r_hi


def test_phishing_counts_the_verdict_and_spam_the_rules_call_phishing():
    con = _events([("feed", "feed", "spam", False, 800), ("feed", "feed", "ham", False, 200),
                   ("trap", "trap", "phish", False, 10, "phishing"),
                   ("trap", "trap", "phish", False, 7, "phishing", 0),  # a letter: no link
                   ("trap", "trap", "spam", False, 10, "phishing"),
                   ("trap", "trap", "spam", False, 973, "pharma"),
                   ("feed", "feed", "ham", False, 5, "phishing")])  # ham: never counted
    rows = {r["metric"]: r for r in monthly_rates(con, ["feed"], {})}
    assert rows["phishing_rate_1_in"]["numerator"] == 20
    assert rows["phishing_rate_1_in_direct"]["numerator"] == 0


def test_phishing_leads_to_someone_else():
    con = _events([("feed", "feed", "spam", False, 800), ("feed", "feed", "ham", False, 200),
                   ("trap", "trap", "phish", False, 10, "phishing", 2, "elsewhere.example"),
                   # a shop's own password notice: every link on its own domain
                   ("trap", "trap", "phish", False, 6, "phishing", 2, "shop.example"),
                   # ...unless the link is flagged (a look-alike sending domain)
                   ("trap", "trap", "phish", False, 3, "phishing", 1, "shop.example", True),
                   ("trap", "trap", "spam", False, 981, "pharma")])
    rows = {r["metric"]: r for r in monthly_rates(con, ["feed"], {})}
    assert rows["phishing_rate_1_in"]["numerator"] == 13


def test_without_a_mixed_feed_no_spam_rate_is_measured_and_the_row_says_why():
    rows = {r["metric"]: r for r in monthly_rates(_classifier_misses_a_tenth(), [], {})}
    spam = rows["spam_rate"]
    assert spam["value"] is None and spam["basis"].startswith("not measured: no mixed feed")
    assert rows["virus_rate_1_in"]["basis"] == "all observed mail"
