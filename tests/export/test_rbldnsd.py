"""The rbldnsd files: directives, a default value, one parseable line per bot IPv4 address
(ip4set) or IPv6 /64 (ip6trie)."""

import ipaddress
import re
from dataclasses import replace
from datetime import date

from spamintel.export import Indicators, Window, to_rbldnsd, to_rbldnsd6

ENTRY = re.compile(r"(\S+) :127\.0\.0\.2:Listed by spamintel: botnet ([A-Za-z0-9._ -]+), "
                   r"last seen (\d{4}-\d\d-\d\d)")


def _entries(text):
    return [line for line in text.splitlines()
            if line[:1] not in ("#", "$", ":") and not line.startswith("127.0.0.2 ")]


def test_every_line_parses_sorted(found, now):
    text = to_rbldnsd(found, zone="bl.example.org", now=now)
    lines = text.splitlines()
    assert lines[1].startswith("$SOA 3600 ns.bl.example.org. hostmaster.bl.example.org. ")
    assert lines[2] == "$NS 3600 ns.bl.example.org."
    assert lines[3].startswith(":127.0.0.2:Listed by spamintel")
    assert lines[4].startswith("127.0.0.2 :127.0.0.2:")  # RFC 5782 test point
    entries = [ENTRY.fullmatch(line) for line in _entries(text)]
    assert all(entries)
    ips = [ipaddress.ip_address(m.group(1)) for m in entries]
    assert [str(ip) for ip in ips] == [i.value for i in found.ips if ":" not in i.value]
    assert ips == sorted(ips)


def test_txt_names_botnet_and_last_seen(found, now):
    text = to_rbldnsd(found, zone="bl.example.org", now=now)
    assert "91.200.12.1 :127.0.0.2:Listed by spamintel: botnet Rustock, last seen 2011-03-16" \
        in text.splitlines()


def test_empty_window_is_a_valid_empty_set(now):
    text = to_rbldnsd(Indicators(Window(date(2012, 1, 1), date(2012, 1, 7))),
                      zone="bl.example.org", now=now)
    assert _entries(text) == []
    assert "$SOA" in text


def test_ipv6_goes_to_the_ip6trie_file_not_the_ip4set(found, now):
    text = to_rbldnsd(found, zone="bl.example.org", now=now)
    assert "2a00" not in text
    assert f"{len(found.ips) - 2} listed, 2 IPv6 in the ip6trie file" in text.splitlines()[0]


def test_the_ip6trie_lists_each_network_once_with_its_main_botnet(found, now):
    text = to_rbldnsd6(found, zone="bl.example.org", now=now)
    lines = text.splitlines()
    assert lines[0].endswith(": 1 /64 network listed, from 2 IPv6 addresses")
    assert lines[1].startswith("$SOA 3600 ns.bl.example.org. ")
    assert lines[4] == "::ffff:7f00:2 :127.0.0.2:Test entry (RFC 5782 section 5)"
    assert _entries(text) == ["2a00:1450:4001:81b::/64 :127.0.0.2:Listed by spamintel: "
                              "botnet Rustock, 2 addresses, last seen 2011-03-15"]
    assert "91.200" not in text


def test_ip6trie_networks_in_numeric_order(found, now):
    v6 = [replace(found.ips[0], value=v) for v in ("2a00:1450::1", "2a00:900::5",
                                                    "2a00:1450::2")]
    text = to_rbldnsd6(replace(found, ips=tuple(v6)), zone="bl.example.org", now=now)
    assert [line.split()[0] for line in _entries(text)] == ["2a00:900::/64",
                                                             "2a00:1450::/64"]
    assert ", 2 addresses," in _entries(text)[1] and ", 1 address," in _entries(text)[0]
