from datetime import date, timedelta

import duckdb
import numpy as np
import pytest

from spamintel.analyze.series import (
    botnet_recall,
    daily_counts,
    daily_mixes,
    period,
    spam_view,
    truncated_recall,
)


def _con():
    con = duckdb.connect()
    con.execute("""CREATE TABLE events AS SELECT * FROM (VALUES
        ('trap', 'ham', NULL, 'trap-a', 'Rustock', 3),
        ('trap', 'spam', NULL, 'trap-a', 'nonbotnet:webmail', 1),
        ('trap', 'ham', NULL, 'feed-1', 'Bagle', 1),
        ('trap', 'spam', NULL, 'feed-1', 'Bagle', 2))
        t(source_kind, verdict, label, sensor, botnet, rcpt_count)""")
    con.execute("ALTER TABLE events ADD COLUMN day DATE DEFAULT DATE '2011-03-01'")
    con.execute("ALTER TABLE events ADD COLUMN observed_at TIMESTAMP "
                "DEFAULT TIMESTAMP '2011-03-01 10:00:00'")
    for col in ("client_ip", "category", "smtp_dialect", "header_order"):
        con.execute(f"ALTER TABLE events ADD COLUMN {col} VARCHAR")
    return con


def test_daily_counts_follow_the_spam_rule_and_the_unit():
    con = _con()
    spam_view(con, "recipients", ["feed-1"])
    counts = daily_counts(con)
    day = date(2011, 3, 1)
    assert counts.days == [day]
    assert counts.messages == {(day, "trap-a", "Rustock"): 1, (day, "trap-a", None): 1,
                               (day, "feed-1", "Bagle"): 1}
    assert counts.amount[(day, "trap-a", "Rustock")] == 3.0
    assert counts.botnets == ["Bagle", "Rustock"]


def test_the_period_keeps_short_gaps_and_drops_decades_of_nothing():
    # a message whose clock read 1971, mail from 1 to 10 April 2007 with two days
    # missing, then a sensor down for three weeks
    days = ([date(1971, 1, 1)] + [date(2007, 4, d) for d in range(1, 11) if d not in (4, 5)]
            + [date(2007, 5, 1)])
    con = duckdb.connect()
    con.execute("CREATE TABLE events (day DATE)")
    con.executemany("INSERT INTO events VALUES (?)", [(d,) for d in days] + [(None,)])
    got = period(con)
    assert got[0] == date(1971, 1, 1) and got[1] == date(2007, 4, 1)
    assert got[1:] == [date(2007, 4, 1) + timedelta(k) for k in range(31)]


def test_botnet_recall_is_the_flagged_share_of_its_trap_mail_per_month():
    con = duckdb.connect()
    con.execute("""CREATE TABLE events AS SELECT
            'trap' AS source_kind,
            CASE WHEN i % 4 = 0 THEN 'ham' ELSE 'spam' END AS verdict, NULL AS label,
            CASE WHEN i < 80 THEN 'trap-a' ELSE 'feed-1' END AS sensor,
            CASE WHEN i < 60 THEN 'Cutwail' ELSE 'Rare' END AS botnet,
            DATE '2011-03-01' AS day
        FROM range(100) r(i)""")
    # Cutwail: 60 trap messages, a quarter called ham; Rare: 20 at the trap, too few;
    # the feed's own mail is not a trap's
    assert botnet_recall(con, ["feed-1"]) == {"Cutwail": {"2011-03": 0.75}}
    assert botnet_recall(con, []) == {}


def test_clumping_is_how_many_messages_a_message_comes_with_in_its_session():
    con = duckdb.connect()
    # Cutwail: 30 connections of 3 messages each; Rare: 40 single messages; no address: 1
    con.execute("""CREATE TABLE events AS SELECT
            'trap' AS source_kind, 'spam' AS verdict, NULL AS label, 'trap-a' AS sensor,
            CASE WHEN i < 90 THEN 'Cutwail' ELSE 'Rare' END AS botnet,
            CASE WHEN i < 90 THEN '10.0.0.' || (i // 3) ELSE '10.1.0.' || i END AS client_ip,
            TIMESTAMP '2011-03-01 10:00:00' + to_minutes(CAST(i // 3 AS BIGINT)) AS observed_at,
            DATE '2011-03-01' AS day, NULL::VARCHAR AS category, 1 AS rcpt_count,
            NULL::VARCHAR AS smtp_dialect, NULL::VARCHAR AS header_order
        FROM range(130) r(i)""")
    spam_view(con, "messages")
    assert daily_counts(con).clumping == {"Cutwail": 3.0, "Rare": 1.0}


def test_the_software_mix_names_the_dialect_and_the_template_without_its_mime_fields():
    con = _con()
    con.execute("""UPDATE events SET
        smtp_dialect = '{"helo_shape": "HELO {word}", "mail_shape": "MAIL FROM:<a>"}',
        header_order = 'message-id:from:mime-version:to:content-type:subject'
        WHERE botnet = 'Rustock'""")
    con.execute("UPDATE events SET smtp_dialect = '{not json' WHERE botnet = 'Bagle'")
    spam_view(con, "messages", ["feed-1"])
    day = date(2011, 3, 1)
    mixes = daily_mixes(con)
    assert mixes["dialect"] == {("Rustock", day): {"HELO {word} / MAIL FROM:<a>": 1},
                                ("Bagle", day): {"no SMTP session": 1}}
    assert mixes["template"] == {("Rustock", day): {"message-id:from:to:subject": 1},
                                 ("Bagle", day): {"none": 1}}
    assert mixes["category"] == {("Rustock", day): {"other": 1},
                                 ("Bagle", day): {"other": 1}}
    with pytest.raises(ValueError):
        daily_mixes(con, ("botnet; DROP TABLE events",))


def test_the_template_is_the_senders_without_the_stamps_of_a_route():
    # Rustock's one template, a third of it stamped by a filter on the way in; the stamp
    # is known as one because the same happens to the mail of many other senders
    con = duckdb.connect()
    con.execute("""CREATE TABLE events AS SELECT 'trap' AS source_kind, 'spam' AS verdict,
            NULL AS label, 'trap-a' AS sensor, DATE '2011-03-01' AS day,
            TIMESTAMP '2011-03-01 10:00:00' AS observed_at, NULL AS client_ip,
            NULL AS category, NULL AS smtp_dialect, 1 AS rcpt_count,
            CASE WHEN i % 10 = 0 THEN 'Rustock' END AS botnet,
            'from:to:subject:x-sender-' || (i % 10)
              || CASE WHEN i % 3 = 0 THEN ':x-miltered:x-uuid' ELSE '' END AS header_order
        FROM range(300) t(i)""")
    spam_view(con, "messages")
    assert daily_mixes(con, ("template",))["template"] == {
        ("Rustock", date(2011, 3, 1)): {"from:to:subject:x-sender-0": 30}}


def test_without_traps_the_recall_is_read_from_what_a_bot_sent_beside_its_flagged_mail():
    # two feeds, no trap; Cutwail's bots send four messages a day each, the classifier
    # flags three of four (the first message of every address is flagged); a sender
    # that flagged nothing is not known as a bot and says nothing
    con = duckdb.connect()
    con.execute("""CREATE TABLE events AS SELECT
            'smtp' AS source_kind, NULL AS label,
            CASE WHEN i % 2 = 0 THEN 'feed-1' ELSE 'feed-2' END AS sensor,
            '10.0.' || (i // 8) || '.' || (i % 2) AS client_ip,
            CASE WHEN (i // 2) % 4 = 3 THEN 'ham' ELSE 'spam' END AS verdict,
            CASE WHEN (i // 2) % 4 = 3 THEN NULL ELSE 'Cutwail' END AS botnet,
            DATE '2011-03-01' + CAST(i // 400 AS INTEGER) AS day
        FROM range(800) r(i)""")
    recall = botnet_recall(con, ["feed-1", "feed-2"])
    assert recall["Cutwail"]["2011-03"] == pytest.approx(0.75, abs=0.01)
    # with a trap in the store (all its mail attributed, called ham or not), its mail
    # alone measures the recall
    con.execute("UPDATE events SET source_kind = 'trap', botnet = 'Cutwail' "
                "WHERE sensor = 'feed-2'")
    assert botnet_recall(con, ["feed-1"])["Cutwail"]["2011-03"] == pytest.approx(0.75)


def test_the_truncated_recall_undoes_seeing_only_senders_with_a_flagged_message():
    rng = np.random.default_rng(4)
    for r in (0.6, 0.95):
        groups = []
        for k in (2, 3, 6):
            flagged = rng.binomial(k, r, size=4000)
            flagged = flagged[flagged > 0]
            groups.append((k, len(flagged), int(flagged.sum())))
        naive = sum(f for _, _, f in groups) / sum(k * n for k, n, _ in groups)
        assert truncated_recall(groups) == pytest.approx(r, abs=0.01)
        assert naive > r + 0.01 or r > 0.9
    assert truncated_recall([(3, 10, 30)]) == pytest.approx(1.0, abs=1e-6)


def test_the_spam_view_counts_an_ipv6_client_as_its_64():
    con = _con()
    con.execute("UPDATE events SET client_ip = CASE sensor WHEN 'trap-a' THEN "
                "'2001:db8:1:2::' || rcpt_count ELSE '192.0.2.' || rcpt_count END")
    spam_view(con, "messages")
    assert sorted(con.execute("SELECT DISTINCT host FROM _spam").fetchall()) == [
        ("192.0.2.1",), ("192.0.2.2",), ("2001:db8:1:2::/64",)]
    spam_view(con, "messages")  # a second analysis on the same connection
    assert con.execute("SELECT bot_host('2001:db8::7')").fetchone() == ("2001:db8::/64",)
