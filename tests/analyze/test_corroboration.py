from datetime import date

import duckdb
import pytest

from spamintel.analyze.corroboration import Corroboration, trap_corroboration
from spamintel.analyze.rates import corroborated_spam_rate


def _events(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """An ``events`` view of (day, sensor, source_kind, campaign_id, count) rows."""
    con = duckdb.connect()
    con.execute("CREATE TABLE events (day DATE, sensor VARCHAR, source_kind VARCHAR, "
                "campaign_id VARCHAR)")
    for day, sensor, kind, campaign, count in rows:
        con.executemany("INSERT INTO events VALUES (?, ?, ?, ?)",
                        [(day, sensor, kind, campaign)] * count)
    return con


MARCH, APRIL = date(2011, 3, 5), date(2011, 4, 2)


def test_feed_mail_counts_when_its_campaign_reached_a_trap_that_month():
    con = _events([
        (MARCH, "trap", "trap", "c1", 90), (MARCH, "trap", "trap", "c2", 2),
        (MARCH, "trap", "trap", "lone1", 1), (MARCH, "trap", "trap", "lone2", 1),
        (MARCH, "trap", "trap", None, 6),
        (APRIL, "trap", "trap", "c3", 50),
        (MARCH, "feed", "feed", "c1", 30), (MARCH, "feed", "feed", "c2", 5),
        (MARCH, "feed", "feed", "c3", 7),  # c3 reached the traps in April only
        (MARCH, "feed", "feed", "orders", 8), (MARCH, "feed", "feed", None, 50),
        (APRIL, "feed", "feed", "c3", 10), (APRIL, "feed", "feed", None, 10),
    ])
    got = trap_corroboration(con, ["feed"])
    assert got["2011-03"] == Corroboration(feed_messages=100, corroborated=35,
                                           trap_messages=100, trap_singletons=8,
                                           trap_doubletons=1)
    assert got["2011-03"].coverage == pytest.approx(0.92)
    assert got["2011-04"] == Corroboration(20, 10, 50, 0, 0)


def test_a_mixed_feed_that_is_also_a_trap_is_not_its_own_corroboration():
    con = _events([(MARCH, "feed", "trap", "c1", 500), (MARCH, "trap", "trap", "c2", 300)])
    assert trap_corroboration(con, ["feed"])["2011-03"].corroborated == 0
    assert trap_corroboration(con, []) == {}


def test_spam_in_campaigns_the_traps_missed_is_added_back_by_their_coverage():
    # 60 of 100 feed messages corroborated; a tenth of trap mail alone in its campaign
    value, low, high, _ = corroborated_spam_rate(Corroboration(100, 60, 1000, 100, 20))
    assert value == pytest.approx(60 / 100 / 0.9)
    assert low < value < high


def test_no_corroborated_rate_from_too_few_or_too_scattered_traps():
    assert corroborated_spam_rate(None) is None
    assert corroborated_spam_rate(Corroboration(100, 60, 150, 0, 0)) is None, "small sample"
    assert corroborated_spam_rate(Corroboration(100, 60, 1000, 600, 50)) is None, "coverage"
    assert corroborated_spam_rate(Corroboration(100, 0, 1000, 0, 0)) is None
    assert corroborated_spam_rate(Corroboration(100, 100, 1000, 300, 0))[0] == 1.0, "capped"


def test_coverage_interval_widens_with_more_singletons():
    tight = Corroboration(100, 60, 1000, 50, 10).coverage_log_var
    loose = Corroboration(100, 60, 1000, 300, 10).coverage_log_var
    assert 0 < tight < loose
