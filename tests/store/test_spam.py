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


def test_a_trap_s_classifier_misses_do_not_make_it_a_mixed_feed():
    con = duckdb.connect()
    # a trap where the classifier calls 3% ham (its misses), a feed at a 92% spam rate
    con.execute("""CREATE TABLE events AS SELECT 'trap' AS source_kind,
        CASE WHEN i % 100 < 3 THEN 'ham' ELSE 'spam' END AS verdict, NULL AS label,
        'trap-a' AS sensor FROM range(1000) t(i) UNION ALL SELECT 'trap',
        CASE WHEN i % 100 < 8 THEN 'ham' ELSE 'spam' END, NULL, 'feed-1'
        FROM range(1000) t(i)""")
    assert mixed_sensors(con, ()) == ["feed-1"]


def test_attribution_takes_all_but_ham_and_trap_mail_whatever_the_verdict():
    assert _count(not_ham_sql()) == 5
    assert _count(not_ham_sql(["trap-a", "feed-1"])) == 3
