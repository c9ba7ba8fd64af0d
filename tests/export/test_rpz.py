"""The RPZ zone: parses with dnspython, NXDOMAIN for each domain and its subdomains, and
no name from mail that is not a valid LDH name."""

from dataclasses import replace
from datetime import date

import dns.name
import dns.rdatatype
import dns.zone

from spamintel.export import Indicators, Window, to_rpz

ZONE = "rpz.example.org"


def _zone(text):
    return dns.zone.from_text(text, origin=ZONE, relativize=False)


def test_parses_and_holds_the_domains(found, now):
    zone = _zone(to_rpz(found, zone=ZONE, now=now))
    for domain in ("evil-login.ru", "xn--bcher-kva.ru"):
        for name in (domain, f"*.{domain}"):
            rrs = zone.find_rdataset(f"{name}.{ZONE}.", dns.rdatatype.CNAME)
            assert [r.target for r in rrs] == [dns.name.root]
    assert zone.get_rdataset(f"{ZONE}.", dns.rdatatype.SOA)
    cnames = [n for n, rds in zone.nodes.items() if rds.get_rdataset(1, dns.rdatatype.CNAME)]
    assert len(cnames) == 2 * sum(d.direct for d in found.domains) == 6


def test_a_domain_only_linked_from_phishing_is_not_blocked(found, now):
    assert "kit-host.ru" in [d.value for d in found.domains]
    assert "kit-host.ru" not in to_rpz(found, zone=ZONE, now=now)


def test_hostile_domain_never_reaches_the_zone(found, now, known):
    template = found.domains[0]
    hostile = tuple(replace(template, value=v) for v in
                    [*known.hostile, "evil.ru\n@ NS attacker.example.", "x" * 60 + ".ru"])
    text = to_rpz(Indicators(found.window, domains=hostile), zone="a" * 190 + ".rpz",
                  now=now)
    assert len(text.splitlines()) == 5  # the header only: nothing was written
    assert "attacker" not in text and "'" not in text and "\\" not in text


def test_empty_zone_still_loads(now):
    zone = _zone(to_rpz(Indicators(Window(date(2012, 1, 1), date(2012, 1, 1))), zone=ZONE,
                        now=now))
    assert len(zone.nodes) == 1
