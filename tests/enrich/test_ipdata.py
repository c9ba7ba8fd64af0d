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


def _v6_files(tmp_path):
    asn6 = tmp_path / "asn6.csv"
    # one row with colons, one as integers (2a01:4f8::/32), one IPv4 row to skip
    asn6.write_text("2001:470::,2001:470:ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric\n"
                    f"{0x2a0104f8 << 96},{(0x2a0104f8 << 96) | ((1 << 96) - 1)},24940,Hetzner\n"
                    "1.0.0.0,1.0.0.255,13335,Cloudflare\n")
    cc6 = tmp_path / "cc6.csv"
    cc6.write_text("2a01:4f8::,2a01:4f8:ffff:ffff:ffff:ffff:ffff:ffff,de\nbad,row,XX\n")
    return asn6, cc6


def test_ipv6_addresses_get_their_network_and_country(tmp_path):
    asn6, cc6 = _v6_files(tmp_path)
    asn4 = tmp_path / "asn4.csv"
    asn4.write_text("8.8.8.0,8.8.8.255,15169,Google\n")
    data = IPData.load(IPDataConfig(asn_csv=str(asn4), country_csv=str(tmp_path / "none"),
                                    asn_ipv6_csv=str(asn6), country_ipv6_csv=str(cc6)))
    assert data.lookup("2a01:4f8:c17:1::2") == (24940, "Hetzner", "DE")
    assert data.lookup("2A01:04F8::1") == (24940, "Hetzner", "DE")
    assert data.lookup("2001:470:1::5") == (6939, "Hurricane Electric", None)
    # an IPv4 address written as IPv6 is looked up as IPv4
    assert data.lookup("::ffff:8.8.8.8") == (15169, "Google", None)
    # documentation, link-local, loopback, a zone, an address outside every range
    for ip in ["2001:db8::1", "fe80::1", "::1", "fe80::1%eth0", "2c0f::1", "2a01:4f8::g"]:
        assert data.lookup(ip) == (None, None, None), ip
    # the IPv4 rows of the IPv6 file are not IPv6 ranges, and not IPv4 ones either
    assert data.lookup("1.0.0.7") == (None, None, None)


def test_ipv6_tables_are_read_only_for_an_ipv6_address(tmp_path, monkeypatch):
    asn6, cc6 = _v6_files(tmp_path)
    data = IPData.load(IPDataConfig(asn_csv=str(tmp_path / "none"), country_csv="/nonexistent",
                                    asn_ipv6_csv=str(asn6), country_ipv6_csv=str(cc6)))
    data.lookup("1.2.3.4")
    assert "v6" not in vars(data)
    assert data.lookup("2a01:4f8::1")[0] == 24940 and "v6" in vars(data)


def test_missing_ipv6_tables_give_no_answer(tmp_path):
    data = IPData.load(IPDataConfig(asn_csv=str(tmp_path / "none"), country_csv="/nonexistent",
                                    asn_ipv6_csv="/nonexistent", country_ipv6_csv="/nonexistent"))
    assert data.lookup("2a01:4f8::1") == (None, None, None)


def test_range_table_reads_one_ip_version_of_a_mixed_file(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("1.2.3.0,1.2.3.255,7\n2001::,2001::ff,8\n::,::ff,9\n"
                    "99999999999999999999999999999999999999999,1,10\n")
    assert RangeTable.from_csv(path, 4).values == ["7"]
    assert RangeTable.from_csv(path, 6).values == ["9", "8"]
