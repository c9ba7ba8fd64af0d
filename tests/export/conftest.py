"""A small analysed store whose every event is there to test one selection rule.

The window by default is the last 7 days of the data: 2011-03-10..2011-03-16.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pyarrow as pa
import pytest

from spamintel.export.indicators import EMPTY_SHA256
from spamintel.model import EVENT_SCHEMA
from spamintel.store import Store

EVIL = "ab" * 32
HAM_ATTACHMENT = "cd" * 32
HOSTILE_DOMAINS = ["inject\nevil.ru", "quote'evil.ru", "back\\slash.ru", "a" * 64 + ".ru",
                   "under_score.ru", "1.2.3.4"]

# (ip, day, verdict, botnet, confidence, extra columns)
EVENTS = [
    ("91.200.12.1", 15, "spam", "Rustock", 0.95, {}),
    ("91.200.12.1", 16, "spam", "Rustock", 0.95, {}),
    ("91.200.12.2", 14, "spam", "Cutwail", 0.6, {}),          # low confidence
    ("91.200.12.3", 13, "spam", "Rustock", 0.95, {}),         # also sends ham
    ("91.200.12.3", 16, "ham", None, None, {}),
    ("10.1.2.3", 12, "spam", "Rustock", 0.95, {}),            # private
    ("203.0.113.9", 12, "spam", "Rustock", 0.95, {}),         # documentation
    ("91.200.12.4", 1, "spam", "Rustock", 0.95, {}),          # before the window
    ("91.200.12.5", 1, "ham", None, None, {}),                # ham, but before the window
    ("91.200.12.5", 11, "spam", "Grum", 0.9, {}),
    ("91.200.12.6", 11, "spam", None, None, {}),              # no botnet
    ("91.200.12.7", 11, "spam", "Rustock", 0.95, {}),         # a trusted relay
    ("91.200.12.8", 12, "phish", "Cutwail", 0.95, {
        "is_phish": True, "url_domains": ["evil-login.ru", "paypal.com", *HOSTILE_DOMAINS],
        "classify_reasons": ["link_text_mismatch:paypal.com->evil-login.ru",
                             "homoglyph_domain:evil-login.ru"]}),
    ("91.200.12.9", 12, "spam", None, None, {
        "has_malicious_link": True, "url_domains": ["Xn--Bcher-Kva.ru"],
        "classify_reasons": ["feed:urlhaus:www.xn--bcher-kva.ru"]}),
    ("91.200.12.12", 15, "phish", None, None, {              # decoys and a shared host
        "is_phish": True, "url_domains": ["google.com", "imgur.com", "d1x.cloudfront.net",
                                          "shared-cdn.net", "kit-host.ru"],
        "classify_reasons": ["lookalike_domain:fonts.googleapis.com"]}),
    ("91.200.12.13", 15, "spam", None, None, {"url_domains": ["shared-cdn.net"]}),
    ("91.200.12.14", 15, "phish", None, None, {                # one tenant of a host
        "is_phish": True, "url_domains": ["hosting-shared.net"],
        "classify_reasons": ["lookalike_domain:paypal.account.hosting-shared.net"]}),
    ("2a00:1450:4001:81b::1", 14, "spam", "Rustock", 0.95, {}),  # one IPv6 /64: two
    ("2a00:1450:4001:81b::1", 15, "spam", "Rustock", 0.95, {}),  # addresses, mostly
    ("2a00:1450:4001:81b::2", 15, "spam", "Cutwail", 0.95, {}),  # Rustock
    ("2a02:c7f:5e1:a00::7", 15, "spam", "Grum", 0.9, {}),        # its /64 also sent ham
    ("2a02:c7f:5e1:a00::25", 16, "ham", None, None, {}),
    ("91.200.12.10", 10, "ham", None, None, {"url_domains": ["paypal.com"], "attachments": [
        {"filename": "report.pdf", "sha256": HAM_ATTACHMENT}]}),
    ("91.200.12.11", 13, "malware", "Rustock", 0.95, {"is_virus": True, "attachments": [
        {"filename": "x.zip", "sha256": EVIL.upper()},
        {"filename": "report.pdf", "sha256": HAM_ATTACHMENT},
        {"filename": "y\n.exe", "sha256": "not-a-hash\n"},
        {"filename": "broken-base64.exe", "sha256": EMPTY_SHA256, "size": 0}]}),
]


def _row(i: int, ip: str, day: int, verdict: str, extra: dict) -> dict:
    when = datetime(2011, 3, day, 10, i, tzinfo=UTC)
    row = {"event_id": f"e{i:04d}", "msg_sha256": f"{i:064x}", "observed_at": when,
           "day": date(2011, 3, day), "sensor": "trap-a", "client_ip": ip,
           "client_asn": 12345, "client_cc": "RU", "verdict": verdict, "is_virus": False,
           "is_phish": False, "has_malicious_link": False, "url_domains": [],
           "attachments": []}
    row.update(extra)
    return row


def write_store(path, analysed: bool = True) -> Store:
    """The store of ``EVENTS``, with their attribution unless ``analysed`` is False."""
    store = Store(path)
    rows = [_row(i, ip, day, v, extra) for i, (ip, day, v, _, _, extra) in enumerate(EVENTS)]
    store.write_events(pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
    if analysed:
        attributed = [(f"e{i:04d}", b, c) for i, (_, _, _, b, c, _) in enumerate(EVENTS) if b]
        store.write_table("attribution", pa.table({
            "event_id": [a[0] for a in attributed], "botnet": [a[1] for a in attributed],
            "botnet_confidence": pa.array([a[2] for a in attributed], pa.float32()),
            "botnet_method": ["signature"] * len(attributed),
            "campaign_id": ["c-1"] * len(attributed)}))
    return store


@pytest.fixture(scope="session")
def store(tmp_path_factory) -> Store:
    return write_store(tmp_path_factory.mktemp("export") / "store")


@pytest.fixture(scope="session")
def unanalysed(tmp_path_factory) -> Store:
    return write_store(tmp_path_factory.mktemp("export") / "bare", analysed=False)


@pytest.fixture(scope="session")
def known() -> SimpleNamespace:
    """The values of ``EVENTS`` that tests look for."""
    return SimpleNamespace(evil=EVIL, ham_attachment=HAM_ATTACHMENT, hostile=HOSTILE_DOMAINS)


@pytest.fixture(scope="session")
def found(store):
    """The indicators of the default window."""
    from spamintel.export import export_window, select

    return select(store, export_window(store))


@pytest.fixture(scope="session")
def now() -> datetime:
    """The export time every writer test stamps."""
    return datetime(2011, 3, 17, 6, 0, tzinfo=UTC)
