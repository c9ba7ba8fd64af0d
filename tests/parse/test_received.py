import pytest

from spamintel.domains import registered_domain
from spamintel.parse.received import Boundary, Hops, find_client, parse_hop

SENDMAIL = ("from hardware (176-250.un.vitebsk.by [86.57.176.250]) by speedy.uwaterloo.ca "
            "(8.12.8/8.12.5) with ESMTP id l3KID60I009496 for <m@speedy.uwaterloo.ca>; "
            "Fri, 20 Apr 2007 14:13:07 -0400")


@pytest.mark.parametrize("value, helo, rdns, ip, by", [
    (SENDMAIL, "hardware", "176-250.un.vitebsk.by", "86.57.176.250", "speedy.uwaterloo.ca"),
    ("from [72.21.53.38] (helo=jubjub.nabble.com) by talk.nabble.com with esmtp (Exim 4.50) "
     "id 1H; Sun, 08 Apr 2007 10:19:39 -0700", "jubjub.nabble.com", None, "72.21.53.38",
     "talk.nabble.com"),
    ("from unknown (HELO foo.com) (1.2.3.4) by mx.x.com with SMTP; 1 Jan 2007 00:00:00 -0000",
     "foo.com", None, "1.2.3.4", "mx.x.com"),
    ("from mail.x.org ([10.1.2.3]) by mx.y.org with ESMTP; Mon, 16 Apr 2007 21:23:00 +0200",
     "mail.x.org", None, "10.1.2.3", "mx.y.org"),
    ("by toad.stack.nl (Postfix, from userid 488) id A7; Mon, 16 Apr 2007 09:57:33 +0200",
     None, None, None, "toad.stack.nl"),
    # a dotted run longer than an address is none; "BY" in any case, alone or after ")"
    ("from x (host.example [1.2.3.4.5]) (12.3.4.56) BY mx.example; 1 Jan 2007 00:00:00 -0000",
     "x", "host.example", "12.3.4.56", "mx.example"),
    ("from 203.0.113.9 (x) by mx.example", "203.0.113.9", "x", "203.0.113.9", "mx.example"),
    ("BY mx.example.org with local; 1 Jan 2007 00:00:00 -0000", None, None, None,
     "mx.example.org"),
    ("from a.example (a.example)by mx.example", "a.example", None, None, "mx.example"),
])
def test_parse_hop_forms(value, helo, rdns, ip, by):
    hop = parse_hop(value)
    assert (hop.helo, hop.rdns, hop.ip, hop.by) == (helo, rdns, ip, by)


def test_receive_time_is_utc():
    assert parse_hop(SENDMAIL).when.isoformat() == "2007-04-20T18:13:07+00:00"


def test_garbage_does_not_raise():
    for junk in ("", ";", "from", "by", "from (((( by ]]]] ;;; not a date", "\x00\xff" * 50):
        parse_hop(junk)


def _hops(*values):
    return [parse_hop(v) for v in values]


INTERNAL = ("from plg2.math.uwaterloo.ca (plg2.math.uwaterloo.ca [129.97.186.80]) by "
            "flax9.uwaterloo.ca with ESMTP; Mon, 7 May 2007 14:14:17 -0400")
EXTERNAL = ("from h-68.covad.net (h-68-165-252-226.nycmny83.covad.net [68.165.252.226]) by "
            "plg2.math.uwaterloo.ca with ESMTP; Mon, 7 May 2007 14:14:12 -0400")


def test_auto_boundary_skips_the_receivers_own_relays():
    hop, internal = find_client(_hops(INTERNAL, EXTERNAL), Boundary((), registered_domain))
    assert hop.ip == "68.165.252.226" and internal == 1


def test_configured_trusted_relays():
    relay = "from gw.corp.example (gw.corp.example [192.0.2.9]) by mx.isp.example; 1 Jan 2007"
    boundary = Boundary(("192.0.2.0/24",), registered_domain)
    hop, internal = find_client(_hops(relay, EXTERNAL), boundary)
    assert hop.ip == "68.165.252.226" and internal == 1


def test_helo_address_literal_is_not_the_client():
    hop = parse_hop("from [203.162.3.153] ([222.254.160.21]) by speedy.uwaterloo.ca "
                    "(8.12.8/8.12.5) with ESMTP id l3A5; Tue, 10 Apr 2007 01:01:05 -0400")
    assert (hop.helo, hop.ip) == ("203.162.3.153", "222.254.160.21")
    hop = parse_hop("from [192.168.0.1] (64-132-213-11.static.twtelecom.net [64.132.213.11]) "
                    "by speedy.uwaterloo.ca with ESMTP id l3; Tue, 10 Apr 2007 10:25:01 -0400")
    assert (hop.ip, hop.rdns) == ("64.132.213.11", "64-132-213-11.static.twtelecom.net")


def test_forged_rdns_keeps_the_seen_address():
    hop = parse_hop("from localhost (host-196.218.57.150.tedata.net [196.218.150.57] (may be "
                    "forged)) by speedy.uwaterloo.ca with SMTP; Tue, 10 Apr 2007 03:16:13 -0400")
    assert hop.ip == "196.218.150.57"


def test_hops_parse_on_demand_and_read_like_a_list():
    values = ["from a.example ([192.0.2.1]) by mx.example.org; Sun, 8 Apr 2007 13:21:30 -0400",
              "from b.example ([198.51.100.2]) by a.example", "garbage"]
    hops = Hops(values)
    assert len(hops) == 3 and hops[0].ip == "192.0.2.1"
    assert hops._parsed == [parse_hop(values[0])]  # nothing below the hop asked for
    assert list(hops) == [parse_hop(v) for v in values] and hops[-1] == parse_hop("garbage")


@pytest.mark.parametrize("ip, internal", [
    ("10.1.2.3", True), ("172.31.255.255", True), ("172.32.0.1", False), ("192.168.0.9", True),
    ("127.0.0.1", True), ("169.254.3.4", True), ("100.64.0.1", True), ("100.128.0.1", False),
    ("203.0.113.7", False), ("010.1.2.3", False), ("10.1.2.256", False), ("::1", True),
    ("fd00::5", True), ("fe80::1", True), ("2001:db8::1", False), ("not-an-ip", False),
    ("f" * 4000, False)])
def test_private_and_local_senders_are_inside(ip, internal):
    from spamintel.parse.received import Hop

    hop = Hop(helo="x", rdns=None, ip=ip, by="mx.example.org")
    assert Boundary((), registered_domain).is_internal(hop, set()) is internal


# An Exchange Online chain (host names and addresses made up in its style): three hops
# among the provider's own relays, over IPv6 and loopback, greeting with their own names,
# then the edge that took the mail from the Internet ("from HELO (address)", no brackets).
EXCHANGE = (
    "from AB1PR19MB0001.namprd19.prod.outlook.example (::1) by CD2PR19MB0002.namprd19.prod."
    "outlook.example with HTTPS; Tue, 19 Sep 2023 18:36:46 +0000",
    "from EF3PR03CA0003.namprd03.prod.outlook.example (2001:db8:408:e6::28) by AB1PR19MB0001."
    "namprd19.prod.outlook.example (2001:db8:806:317::17) with Microsoft SMTP Server; "
    "Tue, 19 Sep 2023 18:36:46 +0000",
    "from GH4NAM11FT066.eop-nam11.prod.protection.outlook.example (2001:db8:408:e6:cafe::23) "
    "by EF3PR03CA0003.outlook.office365.example (2001:db8:408:e6::28) with Microsoft SMTP "
    "Server; Tue, 19 Sep 2023 18:36:46 +0000",
    "from vps-1.cloud.example (198.51.100.4) by GH4NAM11FT066.mail.protection.outlook.example "
    "(10.13.177.138) with Microsoft SMTP Server; Tue, 19 Sep 2023 18:36:45 +0000",
)


def test_an_exchange_chain_reaches_the_client_past_the_providers_ipv6_relays():
    hops = _hops(*EXCHANGE)
    assert (hops[0].ip, hops[0].rdns) == ("::1", None)
    assert hops[1].ip == "2001:db8:408:e6::28" and hops[1].rdns is None
    hop, internal = find_client(hops, Boundary((), registered_domain))
    assert (hop.ip, hop.helo, internal) == ("198.51.100.4", "vps-1.cloud.example", 3)


def test_a_client_greeting_with_the_receivers_name_is_only_claiming_it():
    # over IPv4 the organisation's name in HELO is a claim: the client is that hop
    forged = EXCHANGE[3].replace("vps-1.cloud.example", "XY9PR01.prod.outlook.example")
    hop, internal = find_client(_hops(*EXCHANGE[:3], forged), Boundary((), registered_domain))
    assert (hop.ip, internal) == ("198.51.100.4", 3)
    # over IPv6 with a name outside the organisation, an IPv6 client is the client
    v6 = EXCHANGE[3].replace("(198.51.100.4)", "(2001:db8:ffff::9)")
    hop, internal = find_client(_hops(*EXCHANGE[:3], v6), Boundary((), registered_domain))
    assert (hop.ip, internal) == ("2001:db8:ffff::9", 3)


def test_the_receivers_own_address_is_read_after_its_name():
    assert parse_hop(EXCHANGE[1]).by_ip == "2001:db8:806:317::17"
    assert parse_hop(EXCHANGE[3]).by_ip == "10.13.177.138"
    assert parse_hop("from a (b [1.2.3.4]) by mx.example.org ([IPv6:2001:DB8::1]) with ESMTP"
                     ).by_ip == "2001:db8::1"
    assert parse_hop(EXCHANGE[0]).by_ip is None
    assert parse_hop("from a by mx.example.org (Postfix) with ESMTP").by_ip is None
    assert parse_hop("from a by mx (1.2.3.999)").by_ip is None


# The provider's relay under another of its domains: it greets as
# "EF3PR03CA0003.<region>.exchangelabs.example" and the hop below shows the same host
# ("EF3PR03CA0003.outlook.office365.example", same address) taking the mail.
OTHER_DOMAIN = EXCHANGE[1].replace("EF3PR03CA0003.namprd03.prod.outlook.example",
                                   "EF3PR03CA0003.namprd03.prod.exchangelabs.example")


def test_a_relay_under_another_domain_is_passed_when_the_hop_below_shows_it_receiving():
    hop, internal = find_client(_hops(EXCHANGE[0], OTHER_DOMAIN, *EXCHANGE[2:]),
                                Boundary((), registered_domain))
    assert (hop.ip, hop.helo, internal) == ("198.51.100.4", "vps-1.cloud.example", 3)


def test_a_sender_is_the_client_unless_the_hop_below_names_it_by_address_and_host():
    boundary = Boundary((), registered_domain)
    other_host = EXCHANGE[2].replace("by EF3PR03CA0003.", "by ZZ9PR03CA0009.")
    other_address = EXCHANGE[2].replace("(2001:db8:408:e6::28) with", "(2001:db8:408:e6::29) with")
    for below in (other_host, other_address):
        hop, internal = find_client(_hops(EXCHANGE[0], OTHER_DOMAIN, below, EXCHANGE[3]), boundary)
        assert (hop.helo, internal) == ("EF3PR03CA0003.namprd03.prod.exchangelabs.example", 1)
    # over IPv4 a client that writes a hop below naming itself the receiver is the client
    v4 = "from bot1.example.net (203.0.113.9) by mx.example.org (192.0.2.1) with SMTP; " \
         "Tue, 19 Sep 2023 18:36:46 +0000"
    forged = "from pc (192.168.1.5) by bot1.example.net (203.0.113.9) with SMTP; " \
             "Tue, 19 Sep 2023 18:36:40 +0000"
    hop, internal = find_client(_hops(v4, forged), boundary)
    assert (hop.ip, internal) == ("203.0.113.9", 0)
