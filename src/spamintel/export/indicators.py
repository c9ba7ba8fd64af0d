"""What the feeds list: bot IPs, malicious domains and malware hashes from a window of the
store, as typed records every writer takes.

Selection rules (``docs/export.md`` has them for users):

* a **bot IP** sent spam, phishing or malware in the window that attribution gave to a
  botnet with at least the minimum confidence; it sent no ham in the window, it is a
  global unicast address, and it is not one of the sensors' trusted relays;
* a **domain** is the registered domain of a URL in a phishing or malicious-link message
  of the window, never seen in ham up to the window's end, and a valid LDH name;
* a **hash** is the sha256 of an attachment of a message that carried malware in the
  window, never seen attached to ham up to the window's end.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from spamintel.export._safe import (
    relay_networks,
    safe_country,
    safe_domain,
    safe_ip,
    safe_name,
    safe_sha256,
)
from spamintel.store import Store

_SPAM = "verdict IN ('spam', 'phish', 'malware')"
_IN_WINDOW = "day BETWEEN $first AND $last"
_CONFIDENT = "botnet IS NOT NULL AND botnet_confidence >= $conf"
_SOURCES = {
    "ip": (f"SELECT lower(client_ip) v, botnet, botnet_confidence c, observed_at t, "
           f"client_asn asn, client_cc cc FROM events WHERE {_IN_WINDOW} AND {_SPAM} "
           f"AND {_CONFIDENT}",
           f"SELECT lower(client_ip) FROM events WHERE {_IN_WINDOW} AND verdict = 'ham' "
           f"AND client_ip IS NOT NULL"),
    "domain": (f"SELECT lower(unnest(url_domains)) v, botnet, botnet_confidence c, "
               f"observed_at t, NULL::BIGINT asn, NULL cc FROM events WHERE {_IN_WINDOW} "
               f"AND {_SPAM} AND (is_phish OR has_malicious_link OR verdict = 'phish')",
               "SELECT v FROM (SELECT lower(unnest(url_domains)) v FROM events "
               "WHERE verdict = 'ham' AND day <= $last) WHERE v IS NOT NULL"),
    "sha256": ("SELECT lower(a.sha256) v, botnet, c, t, NULL::BIGINT asn, NULL cc FROM "
               "(SELECT unnest(attachments) a, botnet, botnet_confidence c, observed_at t "
               f"FROM events WHERE {_IN_WINDOW} AND {_SPAM} AND is_virus)",
               "SELECT v FROM (SELECT lower(unnest(attachments).sha256) v FROM events "
               "WHERE verdict = 'ham' AND day <= $last) WHERE v IS NOT NULL"),
}
# Per value: the botnet with most messages (ties by name), its confidence, first and
# last sighting, messages, and the most frequent ASN and country.
_AGGREGATE = """
WITH hits AS ({hits}),
per AS (SELECT v, CASE WHEN c >= $conf THEN botnet END b, count(*) n,
               max(CASE WHEN c >= $conf THEN c END) c, min(t) f, max(t) l,
               mode(asn) asn, mode(cc) cc
        FROM hits WHERE v IS NOT NULL AND v NOT IN ({ham}) GROUP BY ALL)
SELECT v, first(b ORDER BY b IS NULL, n DESC, b), first(c ORDER BY b IS NULL, n DESC, b),
       epoch(min(f)), epoch(max(l)), sum(n)::BIGINT, first(asn ORDER BY n DESC),
       first(cc ORDER BY n DESC)
FROM per GROUP BY v ORDER BY v
"""


class NotAnalysedError(RuntimeError):
    """The store has no attribution table: ``spamintel analyze`` has not run on it."""


@dataclass(frozen=True)
class Window:
    """The days an export covers, both included (UTC)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """Start of the first day."""
        return datetime.combine(self.first, time(), UTC)

    @property
    def end(self) -> datetime:
        """End of the last day (midnight after it)."""
        return datetime.combine(self.last + timedelta(days=1), time(), UTC)


@dataclass(frozen=True)
class Indicator:
    """One listed value (an IP, a domain or a sha256) with what the store knows of it."""

    kind: str  # "ip" | "domain" | "sha256"
    value: str
    botnet: str | None
    confidence: float | None
    first_seen: datetime
    last_seen: datetime
    messages: int
    asn: int | None = None
    country: str | None = None


@dataclass(frozen=True)
class Indicators:
    """Everything a window yields, each kind sorted by value."""

    window: Window
    ips: tuple[Indicator, ...] = ()
    domains: tuple[Indicator, ...] = ()
    hashes: tuple[Indicator, ...] = ()

    def all(self) -> tuple[Indicator, ...]:
        """IPs, then domains, then hashes."""
        return self.ips + self.domains + self.hashes

    def botnets(self) -> list[str]:
        """Names of the botnets the indicators are attributed to, sorted."""
        return sorted({i.botnet for i in self.all() if i.botnet})


@dataclass(frozen=True)
class Selection:
    """How to choose: minimum attribution confidence and the relays never to list."""

    min_confidence: float = 0.5
    trusted_relays: tuple[str, ...] = ()


def export_window(store: Store, days: int = 7, since: date | None = None,
                  until: date | None = None) -> Window:
    """The window to export: ``since``..``until`` when given, else the ``days`` days
    ending on ``until`` or on the store's latest day (not today: archives are old)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    if until is None:
        latest = store.connect().execute("SELECT max(day) FROM events").fetchone()[0]
        until = latest or datetime.now(UTC).date()
    first = since or until - timedelta(days=days - 1)
    if first > until:
        raise ValueError(f"window starts ({first}) after it ends ({until})")
    return Window(first, until)


def select(store: Store, window: Window, selection: Selection | None = None) -> Indicators:
    """The indicators of ``window`` by the module's rules (``NotAnalysedError`` when the
    store has no attribution)."""
    if "attribution" not in store.table_names():
        raise NotAnalysedError(f"store {store.path} has no botnet attribution: "
                               "run `spamintel analyze` on it first")
    selection = selection or Selection()
    con = store.connect()
    params = {"first": window.first, "last": window.last, "conf": selection.min_confidence}
    relays = relay_networks(selection.trusted_relays)
    checks: dict[str, Callable[[object], str | None]] = {
        "ip": lambda v: safe_ip(v, relays), "domain": safe_domain, "sha256": safe_sha256}
    found = {}
    for kind, (hits, ham) in _SOURCES.items():
        rows = con.execute(_AGGREGATE.format(hits=hits, ham=ham), params).fetchall()
        found[kind] = tuple(_records(kind, rows, checks[kind]))
    return Indicators(window, found["ip"], found["domain"], found["sha256"])


def _records(kind: str, rows: Iterable[tuple], check: Callable[[object], str | None]
             ) -> list[Indicator]:
    out: dict[str, Indicator] = {}
    for value, botnet, conf, first, last, n, asn, cc in rows:
        safe = check(value)
        if safe is None or safe in out:
            continue
        out[safe] = Indicator(
            kind=kind, value=safe, botnet=safe_name(botnet),
            confidence=None if conf is None else round(float(conf), 3),
            first_seen=datetime.fromtimestamp(first, UTC),
            last_seen=datetime.fromtimestamp(last, UTC), messages=int(n),
            asn=int(asn) if isinstance(asn, int) and asn > 0 else None,
            country=safe_country(cc))
    return sorted(out.values(), key=_sort_key)


def _sort_key(ind: Indicator) -> tuple:
    """IPs in numeric order, IPv4 first (from their canonical text, without parsing
    them again with ``ipaddress``), other values in text order."""
    if ind.kind != "ip":
        return (ind.value,)
    if ":" in ind.value:
        return (6, socket.inet_pton(socket.AF_INET6, ind.value))
    return (4, socket.inet_aton(ind.value))
