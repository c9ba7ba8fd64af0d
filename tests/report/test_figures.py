"""Campaigns of the month: who sent each, by share, without strays listed as senders."""

from datetime import date

import duckdb

from spamintel.report.figures import _senders
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
    assert senders(got) == "Bagle 75.0%, Lethic 24.0%, no botnet 0.5%, 1 other under 1.0% each"


def test_figures_without_shares_still_render():
    assert senders({"botnets": ["Bagle", None, "Lethic"]}) == "Bagle, Lethic"
