"""Ingest of the real TREC 2007 dev corpus (37,691 messages), checked against its index
and its manifest. Skipped when the shared corpora are absent."""

from __future__ import annotations

import pytest

from spamintel.config import Config
from spamintel.engine import ingest
from spamintel.sources import iter_sources, load_labels
from spamintel.store import Store

pytestmark = pytest.mark.slow
TREC_MESSAGES = 37_691


@pytest.fixture(scope="module")
def trec(corpora, tmp_path_factory):
    base = corpora / "trec07p"
    if not (base / "trec07p_dev.tar.gz").exists():
        pytest.skip("trec07p dev archive absent")
    store = Store(tmp_path_factory.mktemp("trec") / "store")

    def items():
        return iter_sources([base / "trec07p_dev.tar.gz"], sensor="trec07p",
                            labeler=load_labels(base / "index"))

    first = ingest(items(), store, Config(), workers=2)
    second = ingest(items(), store, Config(), workers=2)
    con = store.connect()
    con.execute(f"CREATE TABLE manifest AS SELECT *, regexp_extract(file, 'inmail\\.[0-9]+') f "
                f"FROM read_csv_auto('{base / 'manifest.csv.gz'}', all_varchar = true)")
    return first, second, con


def test_every_message_stored_once(trec):
    first, second, con = trec
    events, quarantined = con.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM quarantine)").fetchone()
    assert events + quarantined == TREC_MESSAGES and events == first.stored
    assert second.stored == 0 and second.skipped == TREC_MESSAGES
    assert con.execute("SELECT count(DISTINCT event_id) FROM events").fetchone()[0] == events


def test_client_ip_agrees_with_manifest(trec):
    _, _, con = trec
    total, agree, from_ptr_name = con.execute("""
        SELECT count(*), count(*) FILTER (WHERE m.client_ip = e.client_ip),
               count(*) FILTER (WHERE m.client_ip <> coalesce(e.client_ip, '')
                   AND contains(replace(lower(coalesce(e.client_rdns, '')), '-', '.'),
                                m.client_ip))
        FROM manifest m JOIN events e ON m.f = regexp_extract(e.source, 'inmail\\.[0-9]+')
        WHERE coalesce(m.client_ip, '') <> ''""").fetchone()
    # Where the two differ, the manifest took the address from the client's PTR name
    # (e.g. "63.62.94.219.brf01-home.tm.net.my [219.94.62.63]"); the bracketed address
    # is the TCP peer the receiving MTA saw (see docs/ingest.md).
    assert agree / (total - from_ptr_name) >= 0.99
    assert agree / total >= 0.97


def test_daily_counts_match_index_labels(trec, corpora):
    _, _, con = trec
    index = corpora / "trec07p" / "index"
    expected = con.execute(f"""
        SELECT CAST(timezone('UTC', CAST(coalesce(boundary_received_utc, top_received_utc)
                    AS TIMESTAMPTZ)) AS DATE) AS day, idx.column0 AS label, count(*)
        FROM manifest m JOIN read_csv('{index}', delim = ' ', header = false) idx
          ON m.f = regexp_extract(idx.column1, 'inmail\\.[0-9]+')
        GROUP BY ALL ORDER BY 1, 2""").fetchall()
    got = con.execute(
        "SELECT day, label, count(*) FROM events GROUP BY ALL ORDER BY 1, 2").fetchall()
    assert len(got) > 40 and got == expected
