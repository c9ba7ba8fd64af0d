from spamintel.config import IPDataConfig
from spamintel.enrich import IPData
from spamintel.enrich.ipdata import RangeTable


def test_dotted_and_numeric_tables(tmp_path):
    asn = tmp_path / "asn.csv"
    asn.write_text('1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\n'
                   "11.0.0.0,11.255.255.255,749,DoD\n::1,::2,1,v6 row\n"
                   "10.0.0.0,10.255.255.255,64512,Private\n")
    cc = tmp_path / "cc.csv"
    cc.write_text("16777216,16777471,AU\n184549376,201326591,US\n3325256704,3325256959,AU\n")
    data = IPData.load(IPDataConfig(asn_csv=str(asn), country_csv=str(cc)))
    assert data.lookup("1.0.0.7") == (13335, "Cloudflare, Inc.", "AU")
    assert data.lookup("11.1.2.3") == (749, "DoD", "US")
    # private and documentation addresses (198.51.100.0/24 is 3325256704..) get nothing
    assert data.lookup("10.1.2.3") == (None, None, None)
    assert data.lookup("198.51.100.7") == (None, None, None)
    assert data.lookup("1.0.1.0") == (None, None, None)
    assert data.lookup("not an ip") == (None, None, None)
    assert data.lookup("2001:db8::1") == (None, None, None)


def test_range_table_skips_bad_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("garbage,row,x\n1.2.3.0,1.2.3.255,7\n999.1.1.1,999.1.1.2,8\n")
    table = RangeTable.from_csv(path)
    assert list(table.starts) == [(1 << 24) + (2 << 16) + (3 << 8)]


def test_repeated_lookups_agree_and_the_memo_stays_bounded(tmp_path, monkeypatch):
    from spamintel.enrich import ipdata

    asn = tmp_path / "asn.csv"
    asn.write_text("1.0.0.0,1.0.0.255,13335,Cloudflare\n")
    monkeypatch.setattr(ipdata, "_MEMO_SIZE", 3)
    data = IPData.load(IPDataConfig(asn_csv=str(asn), country_csv=str(tmp_path / "none.csv")))
    answers = [data.lookup(ip) for ip in ["1.0.0.7", "1.0.0.8", "x", "01.0.0.7", "1.0.0.7"] * 3]
    assert answers[:5] * 3 == answers
    assert answers[:5] == [(13335, "Cloudflare", None)] * 2 + [(None, None, None)] * 2 + [
        (13335, "Cloudflare", None)]
    assert len(data._memo) <= 3


def test_long_text_is_read_but_not_remembered(tmp_path):
    asn = tmp_path / "asn.csv"
    asn.write_text("1.0.0.0,1.0.0.255,13335,Cloudflare\n")
    data = IPData.load(IPDataConfig(asn_csv=str(asn), country_csv=str(tmp_path / "none.csv")))
    assert data.lookup(" " * 100 + "1.0.0.7") == (13335, "Cloudflare", None)
    assert data.lookup("1" * 10_000) == (None, None, None) and not data._memo
