
"""Campaigns of the month: who sent each, by share, without strays listed as senders."""

from datetime import date

import duckdb
import pytest

from spamintel.report.figures import _senders, _traffic
from spamintel.report.render import senders


def _events(rows: list[tuple[str, str, str | None]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE events (day DATE, campaign_id VARCHAR, botnet VARCHAR)")
    con.executemany("INSERT INTO events VALUES (?, ?, ?)", rows)
    return con


def test_a_campaign_lists_its_senders_by_share_and_leaves_out_strays():
    march = [date(2011, 3, 1), date(2011, 4, 1)]
    rows = [("2011-03-02", "c1", "Bagle")] * 150 + [("2011-03-03", "c1", "Lethic")] * 48
    rows += [("2011-03-04", "c1", "Rustock"), ("2011-03-05", "c1", None)]
    rows += [("2011-02-10", "c1", "Grum")] * 50  # another month
    got = _senders(_events(rows), [{"campaign_id": "c1"}], march)[0]
    assert got["botnets"] == ["Bagle", "Lethic"]
    shares = {s["botnet"]: s["share"] for s in got["botnet_shares"]}
    assert shares == {"Bagle": 0.75, "Lethic": 0.24, "Rustock": 0.005, None: 0.005}
    assert senders(got) == "Bagle 75.0%, Lethic 24.0%, no botnet 0.5%, 1 other under 1.0%"


def test_figures_without_shares_still_render():
    assert senders({"botnets": ["Bagle", None, "Lethic"]}) == "Bagle, Lethic"



def test_country_shares_are_of_all_spam_and_the_unknown_rest_is_stated():
    con = duckdb.connect()
    con.execute("""CREATE TABLE events (day DATE, verdict VARCHAR, label VARCHAR,
        source_kind VARCHAR, client_ip VARCHAR, client_asn BIGINT, client_as_org VARCHAR,
        client_cc VARCHAR, size_bytes BIGINT, url_domains VARCHAR[],
        attachments STRUCT(ext VARCHAR, sniffed_type VARCHAR)[])""")
    con.execute("CREATE TABLE quarantine (x INTEGER)")
    rows = [("BR",)] * 2 + [("US",)] * 1 + [(None,)] * 7
    con.executemany("""INSERT INTO events (day, verdict, source_kind, client_cc)
                       VALUES ('2024-06-03', 'spam', 'feed', ?)""", rows)
    got = _traffic(con, [date(2024, 6, 1), date(2024, 7, 1)], ())
    assert [(c["country"], c["share"]) for c in got["spam_countries"]] == [("BR", 0.2),
                                                                           ("US", 0.1)]
    assert got["spam_country_unknown_share"] == 0.7


def test_a_sliver_of_unattributed_mail_is_not_shown_as_zero():
    got = {"botnets": ["Bagle"], "botnet_shares": [{"botnet": "Bagle", "share": 0.9996},
                                                   {"botnet": None, "share": 0.0004}]}
    assert senders(got) == "Bagle 100.0%, no botnet under 0.1%"


def test_months_are_read_leniently_and_written_one_way():
    from spamintel.report.figures import normalize_month

    assert normalize_month("2011-3") == "2011-03" == normalize_month(" 2011-03\r\n")
    for bad in ("2011-00", "2011-13", "11-03", "2011/03", ""):
        with pytest.raises(ValueError, match="YYYY-MM"):
            normalize_month(bad)
    for far in ("9999-12", "0000-01", "0999-12"):  # no month after or before it
        with pytest.raises(ValueError, match="years 1000 to 9998"):
            normalize_month(far)


def test_the_months_covered_part_is_the_datas_span_within_it(analysed):
    from spamintel.report import collect

    assert analysed.day_span() == (date(2010, 12, 1), date(2011, 4, 30))
    totals = collect(analysed, "2011-03")["totals"]
    assert (totals["first_day"], totals["last_day"]) == ("2011-03-01", "2011-03-31")
    assert totals["days_with_mail"] == 31
    assert collect(analysed, "2011-06")["totals"]["first_day"] is None


def test_the_clusters_shown_are_those_that_sent_mail_in_the_month(tmp_path):
    import pyarrow as pa

    from spamintel.analyze.synthetic import SynthWorld, build_store
    from spamintel.report import collect

    store, _ = build_store(tmp_path / "s", SynthWorld(shares={"trap-a": 2e-8}))
    mail = dict(store.connect().execute(
        "SELECT botnet, count(*) FROM events WHERE day >= '2011-03-01' AND day < '2011-04-01' "
        "AND botnet IS NOT NULL GROUP BY 1").fetchall())
    name = max(mail, key=mail.get)
    store.write_table("botnet_clusters", pa.table({
        "cluster_id": ["k-1", "k-2"], "botnet": [name, "Gone-Before"],
        "signature": [None, None], "traits": ["{}", "{}"], "ips": [10**6, 5],
        "messages": [10**7, 9], "first_seen": pa.array([None, None], pa.timestamp("us", "UTC"))}))
    shown = collect(store, "2011-03")["clusters"]
    assert [c["botnet"] for c in shown] == [name]
    assert shown[0]["messages"] == mail[name] and 0 < shown[0]["ips"] <= mail[name]
    assert collect(store, "2011-07")["clusters"] == []


def test_the_tables_of_spam_leave_out_the_ham_of_a_trap_the_analysis_found_mixed(tmp_path):
    """A trap that receives wanted mail too (found mixed by the analysis): its ham is not
    spam in the report's tables, as it is not in the analysis."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from spamintel.analyze import analyze
    from spamintel.analyze.synthetic import SynthWorld, build_store
    from spamintel.config import AnalyzeConfig, Config
    from spamintel.report import collect

    w = SynthWorld(start=date(2011, 3, 1), end=date(2011, 3, 10),
                   shares={"trap-a": 6e-8, "mx-feed": 1.5e-8})
    store, _ = build_store(tmp_path / "s", w)
    for path in store.event_files():  # the mixed sensor is a trap by kind
        table = pq.read_table(path)
        kinds = pc.if_else(pc.equal(table["sensor"], "mx-feed"), "trap", table["source_kind"])
        pq.write_table(table.set_column(table.schema.get_field_index("source_kind"),
                                        "source_kind", kinds), path)
    analyze(store, Config(analyze=AnalyzeConfig(run_attribution=False)))
    con = store.connect()
    ham = con.execute("SELECT count(*) FROM events WHERE verdict = 'ham'").fetchone()[0]
    figures = collect(store, "2011-03")
    assert ham > 0 and figures["totals"]["spam"] == figures["totals"]["messages"] - ham
