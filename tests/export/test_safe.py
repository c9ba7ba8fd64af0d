"""Values from hostile mail either pass unchanged in canonical form or are refused."""

import pytest

from spamintel.export._safe import (
    relay_networks,
    safe_country,
    safe_domain,
    safe_ip,
    safe_name,
    safe_sha256,
)


@pytest.mark.parametrize("value", [
    "evil.ru\n*.paypal.com CNAME .", "quote'evil.ru", "back\\slash.ru", "sp ace.ru",
    "under_score.ru", "-lead.ru", "trail-.ru", "a" * 64 + ".ru", "x..ru", "ru", "1.2.3.4",
    "evil.ru;", "$ORIGIN.evil.ru", "*.evil.ru", "", None, 42,
    ".".join(["abcdefghi"] * 26)])
def test_domain_refused(value):
    assert safe_domain(value) is None


def test_domain_normalised():
    assert safe_domain("Evil-Login.RU.") == "evil-login.ru"
    assert safe_domain("bücher.de") == "xn--bcher-kva.de"
    assert safe_domain("a" * 63 + ".ru") == "a" * 63 + ".ru"


def test_single_label_only_when_asked():
    assert safe_domain("rpz") is None
    assert safe_domain("rpz", min_labels=1) == "rpz"


@pytest.mark.parametrize("value", [
    "10.1.2.3", "192.168.0.1", "172.16.5.5", "127.0.0.1", "169.254.1.1", "100.64.0.1",
    "203.0.113.9", "198.51.100.1", "192.0.2.1", "198.18.0.1", "240.0.0.1",
    "255.255.255.255", "0.0.0.0", "224.0.0.5", "::1", "fe80::1", "2001:db8::1",
    "1.2.3.4\n5.6.7.8", "1.2.3", "010.1.2.3", "", None,
    # a zone index lets any text ride along with a global address
    "2a00:1450:4001:100::5%x :127.0.0.9:owned", "2a00:1450::1%eth0"])
def test_ip_refused(value):
    assert safe_ip(value) is None


def test_ip_canonical_and_relays():
    assert safe_ip(" 91.200.12.1 ") == "91.200.12.1"
    assert safe_ip("2A00:1450::1") == "2a00:1450::1"
    relays = relay_networks(["mx.example.edu", "91.200.12.0/30", "bad/cidr"])
    assert safe_ip("91.200.12.2", relays) is None
    assert safe_ip("91.200.12.4", relays) == "91.200.12.4"


def test_hash_country_name():
    assert safe_sha256("AB" * 32) == "ab" * 32
    assert safe_sha256("ab" * 31) is None
    assert safe_sha256("zz" * 32) is None
    assert safe_country("RU") == "RU"
    assert safe_country("R\nU") is None
    assert safe_name("Rust\nock',=1") == "Rustock1"
    assert safe_name("\n'") is None
