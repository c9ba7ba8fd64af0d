"""One rule for what counts as spam: verdicts, labels, and everything a trap saw."""

import duckdb

from spamintel.store.spam import mixed_sensors, not_ham_sql, spam_sql

ROWS = """CREATE TABLE events AS SELECT * FROM (VALUES
    ('trap', 'ham', NULL, 'trap-a'), ('trap', 'spam', NULL, 'trap-a'),
    ('trap', 'ham', NULL, 'feed-1'), ('feed', NULL, 'spam', 'mx'),
    ('feed', NULL, 'ham', 'mx'), ('trap', 'ham', NULL, NULL))
    t(source_kind, verdict, label, sensor)"""


def _con():
    con = duckdb.connect()
    con.execute(ROWS)
    return con


def _count(where):
    return _con().execute(f"SELECT count(*) FROM events WHERE {where}").fetchone()[0]


def test_trap_mail_is_spam_whatever_the_verdict_except_on_mixed_feeds():
    assert _count(spam_sql()) == 5
    assert _count(spam_sql(["feed-1"])) == 4


def test_sensor_names_are_quoted():
    assert _count(spam_sql(["o'brien"])) == 5


def test_configured_mixed_sensors_win_over_the_data():
    assert mixed_sensors(_con(), ("feed-1",)) == ["feed-1"]


def test_sensors_with_ham_verdicts_are_found_as_mixed():
    assert mixed_sensors(_con(), ()) == ["feed-1", "mx", "trap-a"]


def test_attribution_takes_all_but_ham_and_trap_mail_whatever_the_verdict():
    assert _count(not_ham_sql()) == 5
    assert _count(not_ham_sql(["trap-a", "feed-1"])) == 3
