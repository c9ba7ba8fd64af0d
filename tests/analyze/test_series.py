import duckdb

from spamintel.analyze.series import spam_sql


def _count(where):
    con = duckdb.connect()
    con.execute("""CREATE TABLE events AS SELECT * FROM (VALUES
        ('trap', 'ham', NULL, 'trap-a'), ('trap', 'spam', NULL, 'trap-a'),
        ('trap', 'ham', NULL, 'feed-1'), ('feed', NULL, 'spam', 'mx'),
        ('feed', NULL, 'ham', 'mx')) t(source_kind, verdict, label, sensor)""")
    return con.execute(f"SELECT count(*) FROM events WHERE {where}").fetchone()[0]


def test_trap_mail_is_spam_whatever_the_verdict_except_on_mixed_feeds():
    assert _count(spam_sql()) == 4
    assert _count(spam_sql(["feed-1"])) == 3
