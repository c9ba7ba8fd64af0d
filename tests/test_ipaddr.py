import pytest

from spamintel.ipaddr import bot_host, canonical_ip, ip_or_none


@pytest.mark.parametrize(("written", "stored"), [
    ("203.0.113.7", "203.0.113.7"),
    (" 203.0.113.7 ", "203.0.113.7"),
    ("2001:0DB8:0:0::1", "2001:db8::1"),
    ("[IPv6:2001:db8::1]", "2001:db8::1"),
    ("IPV6:2001:DB8::1", "2001:db8::1"),
    ("::ffff:192.0.2.1", "192.0.2.1"),
    ("::FFFF:c000:0201", "192.0.2.1"),
    ("[192.0.2.1]", "192.0.2.1"),
    ("fe80::1%eth0", "fe80::1%eth0"),
])
def test_one_spelling_for_each_address(written, stored):
    assert canonical_ip(written) == stored


@pytest.mark.parametrize("text", ["999.1.2.3", "01.2.3.4", "unknown", "1.2.3", "x" * 500])
def test_text_that_is_no_address_is_kept_as_written(text):
    assert canonical_ip(text) == text


def test_nothing_stays_nothing():
    assert canonical_ip(None) is None and canonical_ip("") is None


def test_only_addresses_pass_as_addresses():
    assert ip_or_none("IPV6:2001:DB8::1") == "2001:db8::1"
    assert ip_or_none("192.0.2.1") == "192.0.2.1"
    for text in ("[UNAVAILABLE]", "unknown", "999.1.2.3", "", None, "fe80::1%eth0",
                 "2a00:1450:4001:100::5%x :127.0.0.9:owned"):
        assert ip_or_none(text) is None


def test_an_ipv6_host_is_its_64_and_an_ipv4_host_its_address():
    # privacy extensions: one host, a new address inside its /64 every day
    assert {bot_host(f"2001:db8:1:2:{i:x}::{i:x}") for i in range(1, 50)} == {
        "2001:db8:1:2::/64"}
    assert bot_host("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert bot_host("192.0.2.1") == "192.0.2.1" and bot_host("not:an:ip") == "not:an:ip"
