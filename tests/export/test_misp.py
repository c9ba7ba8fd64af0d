"""The MISP event: loads in PyMISP, one attribute per value with MISP's types."""

from collections import Counter
from dataclasses import replace

from pymisp import MISPEvent

from spamintel.export import to_misp


def _load(text):
    event = MISPEvent()
    event.load(text)
    return event


def test_loads_with_typed_attributes(found, now):
    event = _load(to_misp(found, now=now))
    kinds = Counter((a.type, a.category) for a in event.attributes)
    assert kinds == {("ip-src", "Network activity"): len(found.ips),
                     ("domain", "Network activity"): len(found.domains),
                     ("sha256", "Payload delivery"): len(found.hashes)}
    assert [a.value for a in event.attributes if not a.to_ids] == ["hosting-shared.net",
                                                                    "kit-host.ru"]
    assert [t.name for t in event.tags] == ["tlp:amber"]
    assert "2011-03-10..2011-03-16" in event.info


def test_attribute_carries_sightings_and_botnet(found, now):
    event = _load(to_misp(found, now=now))
    bot = next(a for a in event.attributes if a.value == "91.200.12.1")
    assert bot.first_seen == found.ips[0].first_seen
    assert bot.last_seen == found.ips[0].last_seen
    assert "Rustock" in bot.comment and "AS12345" in bot.comment
    assert [t.name for t in bot.tags] == ['spamintel:botnet="Rustock"']


def test_same_window_same_event_uuid(found, now):
    assert _load(to_misp(found, now=now)).uuid == \
        _load(to_misp(found, now=now.replace(day=18))).uuid


def test_empty_window_loads(found, now):
    event = _load(to_misp(replace(found, ips=(), domains=(), hashes=()), now=now))
    assert event.attributes == []
