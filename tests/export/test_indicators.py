"""Which IPs, domains and hashes a window yields (events in conftest.EVENTS)."""

from datetime import UTC, date, datetime

import pytest

from spamintel.export import NotAnalysedError, Selection, Window, export_window, select
from spamintel.export._safe import safe_name
from spamintel.export.indicators import Indicator


def _values(found):
    return [i.value for i in found]


def test_default_window_is_the_data_s_last_week(store):
    assert export_window(store) == Window(date(2011, 3, 10), date(2011, 3, 16))
    assert export_window(store, days=1).first == date(2011, 3, 16)
    assert export_window(store, since=date(2011, 3, 1)).first == date(2011, 3, 1)
    with pytest.raises(ValueError):
        export_window(store, since=date(2011, 3, 20), until=date(2011, 3, 1))
    with pytest.raises(ValueError, match="days must be 1 to 36600"):
        export_window(store, days=1_000_000)
    assert export_window(store, days=36_600).first == date(1911, 1, 1)
    assert export_window(store, days=10, until=date(1, 1, 3)).first == date.min


def test_bot_ips_by_the_rules(store):
    ips = select(store, export_window(store)).ips
    assert _values(ips) == ["91.200.12.1", "91.200.12.2", "91.200.12.5", "91.200.12.7",
                            "91.200.12.8", "91.200.12.11", "2a00:1450:4001:81b::1",
                            "2a00:1450:4001:81b::2"]
    first = ips[0]
    assert (first.botnet, first.messages, first.asn, first.country) == ("Rustock", 2, 12345,
                                                                        "RU")
    assert first.first_seen.date() == date(2011, 3, 15)
    assert first.last_seen.date() == date(2011, 3, 16)


def test_ham_sender_private_and_documentation_ips_never_listed(store):
    listed = set(_values(select(store, Window(date(2011, 3, 1), date(2011, 3, 31))).ips))
    assert "91.200.12.3" not in listed  # delivered ham in the window
    assert "2a02:c7f:5e1:a00::7" not in listed  # another address of its /64 delivered ham
    assert not listed & {"10.1.2.3", "203.0.113.9"}
    assert "91.200.12.6" not in listed  # spam, but no botnet


def test_window_respected(store):
    assert "91.200.12.4" not in _values(select(store, export_window(store)).ips)
    early = select(store, Window(date(2011, 3, 1), date(2011, 3, 1)))
    assert _values(early.ips) == ["91.200.12.4"]  # 91.200.12.5 sent ham that day


def test_confidence_threshold(store):
    window = export_window(store)
    assert "91.200.12.2" in _values(select(store, window, Selection(0.6)).ips)
    strict = select(store, window, Selection(0.7))
    assert "91.200.12.2" not in _values(strict.ips)
    assert all(i.confidence >= 0.7 for i in strict.ips)


def test_trusted_relays_never_listed(store):
    found = select(store, export_window(store), Selection(trusted_relays=("91.200.12.7/32",)))
    assert "91.200.12.7" not in _values(found.ips)


def test_domains_of_phishing_not_in_ham_and_safe(store):
    domains = select(store, export_window(store)).domains
    assert _values(domains) == ["evil-login.ru", "hosting-shared.net", "kit-host.ru",
                                "paypal.account.hosting-shared.net", "xn--bcher-kva.ru"]
    assert domains[0].botnet == "Cutwail"
    assert domains[2].botnet is None


def test_a_domain_a_link_rule_or_feed_named_is_direct_evidence(store):
    direct = {d.value: d.direct for d in select(store, export_window(store)).domains}
    assert direct == {"evil-login.ru": True, "xn--bcher-kva.ru": True, "kit-host.ru": False,
                      "hosting-shared.net": False, "paypal.account.hosting-shared.net": True}


def test_a_lure_on_a_shared_host_is_listed_as_the_host_not_the_providers_domain(store):
    domains = {d.value: d for d in select(store, export_window(store)).domains}
    host = domains["paypal.account.hosting-shared.net"]
    assert host.direct and host.messages == 1
    assert not domains["hosting-shared.net"].direct


def test_brands_platforms_and_domains_ordinary_spam_links_are_never_listed(store):
    listed = _values(select(store, export_window(store)).domains)
    for decoy in ("paypal.com", "google.com", "imgur.com", "d1x.cloudfront.net"):
        assert decoy not in listed
    assert "shared-cdn.net" not in listed  # ordinary spam links to it too


def test_the_sites_allow_list_covers_a_domain_and_its_subdomains(store):
    allowed = Selection(allow_domains=frozenset({"kit-host.ru", "bcher-kva.ru"}))
    listed = _values(select(store, export_window(store), allowed).domains)
    assert "kit-host.ru" not in listed and "xn--bcher-kva.ru" in listed


def test_hashes_of_malware_not_in_ham(store, known):
    hashes = select(store, export_window(store)).hashes
    assert _values(hashes) == [known.evil]
    assert known.ham_attachment not in _values(hashes)
    assert hashes[0].botnet == "Rustock"


def test_empty_window_gives_nothing(store):
    found = select(store, Window(date(2012, 1, 1), date(2012, 1, 7)))
    assert found.all() == ()
    assert found.botnets() == []


def test_unanalysed_store_is_an_error(unanalysed):
    with pytest.raises(NotAnalysedError, match="spamintel analyze"):
        select(unanalysed, export_window(unanalysed))


def test_a_botnet_filter_keeps_only_that_botnets_indicators(store):
    window = export_window(store)
    everything = select(store, window)
    named = {i.botnet for i in everything.all()} - {None}
    assert len(named) >= 2
    one = sorted(named)[0]
    only = select(store, window, Selection(botnets=frozenset({one.upper()})))
    assert only.all() and all(i.botnet == one for i in only.all())
    assert _values(only.ips) == [i.value for i in everything.ips if i.botnet == one]
    assert select(store, window, Selection(botnets=frozenset({"nobody"}))).all() == ()


def test_a_botnet_is_chosen_by_the_name_the_store_or_the_feed_gives_it():
    seen = datetime(2011, 3, 1, tzinfo=UTC)

    def ind(botnet: str) -> Indicator:
        return Indicator("ip", "192.0.2.1", safe_name(botnet), 0.9, seen, seen, 1)

    for name in ("<b>Evil&Bot</b>", "Ботнет-1", "Zeus GameOver"):
        feed_name = safe_name(name)
        for typed in (name, feed_name, name.upper(), feed_name.casefold()):
            assert Selection(botnets=frozenset({typed})).keeps(ind(name)), (name, typed)
    assert safe_name("Ботнет-1") == "Ботнет-1" and safe_name("<b>Evil&Bot</b>") == "bEvilBotb"
    assert not Selection(botnets=frozenset({"Ботнет-2"})).keeps(ind("Ботнет-1"))
