"""The STIX 2.1 bundle: round-trips through stix2, one Malware per botnet, an Indicator
per value and an ``indicates`` Relationship from each attributed one to its botnet."""

import json
from collections import Counter
from dataclasses import replace

import stix2
from stix2patterns.validator import validate

from spamintel.export import to_stix
from spamintel.export.stix import pattern


def test_round_trips_with_the_right_counts(found, now):
    bundle = stix2.parse(to_stix(found, now=now), allow_custom=False)
    kinds = Counter(o.type for o in bundle.objects)
    attributed = [i for i in found.all() if i.botnet]
    assert kinds == {"identity": 1, "malware": len(found.botnets()),
                     "indicator": len(found.all()), "relationship": len(attributed)}
    malware = {o.id: o for o in bundle.objects if o.type == "malware"}
    assert all(m.is_family and m.malware_types == ["bot"] for m in malware.values())
    assert sorted(m.name for m in malware.values()) == ["Cutwail", "Grum", "Rustock"]


def test_relationships_point_to_the_botnet(found, now):
    objects = {o.id: o for o in stix2.parse(to_stix(found, now=now)).objects}
    links = {objects[o.source_ref].pattern: objects[o.target_ref].name
             for o in objects.values() if o.type == "relationship"}
    assert all(o.relationship_type == "indicates" for o in objects.values()
               if o.type == "relationship")
    assert links["[ipv4-addr:value = '91.200.12.1']"] == "Rustock"
    assert links["[domain-name:value = 'evil-login.ru']"] == "Cutwail"
    assert links[f"[file:hashes.'SHA-256' = '{found.hashes[0].value}']"] == "Rustock"
    assert "[domain-name:value = 'xn--bcher-kva.ru']" not in links  # no botnet


def test_a_domain_only_linked_is_anomalous_not_malicious(found, now):
    types = {o.pattern: o.indicator_types for o in stix2.parse(to_stix(found, now=now)).objects
             if o.type == "indicator"}
    assert types["[domain-name:value = 'kit-host.ru']"] == ["anomalous-activity"]
    assert types["[domain-name:value = 'evil-login.ru']"] == ["malicious-activity"]


def test_validity_from_the_window(found, now):
    indicators = [o for o in stix2.parse(to_stix(found, now=now)).objects
                  if o.type == "indicator"]
    assert all(o.valid_until == found.window.end for o in indicators)
    assert all(found.window.start <= o.valid_from < o.valid_until for o in indicators)


def test_ids_are_stable_across_exports(found, now):
    first = json.loads(to_stix(found, now=now))["objects"]
    again = json.loads(to_stix(found, now=now.replace(day=18)))["objects"]
    assert [o["id"] for o in first] == [o["id"] for o in again]


def test_pattern_literal_is_escaped(found):
    hostile = replace(found.domains[0], value="a'] OR [x:y = 'z\\")
    text = pattern(hostile)
    assert text == "[domain-name:value = 'a\\'] OR [x:y = \\'z\\\\']"
    assert validate(text, stix_version="2.1", print_errs=False)


def test_empty_window_is_a_valid_bundle(found, now):
    empty = replace(found, ips=(), domains=(), hashes=())
    bundle = stix2.parse(to_stix(empty, now=now))
    assert [o.type for o in bundle.objects] == ["identity"]


def test_ipv6_bot_gets_an_ipv6_pattern(found):
    text = pattern(replace(found.ips[0], value="2a00:1450::1"))
    assert text == "[ipv6-addr:value = '2a00:1450::1']"
    assert validate(text, stix_version="2.1", print_errs=False)
