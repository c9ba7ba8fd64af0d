"""What the feeds list: bot IPs, malicious domains and malware hashes from a window of the
store, as typed records every writer takes.

Selection rules (``docs/export.md`` has them for users):

* a **bot IP** sent spam, phishing or malware in the window that attribution gave to a
  botnet with at least the minimum confidence; it sent no ham in the window (for an IPv6
  address: no address of its /64 did), it is a global unicast address, and it is not one
  of the sensors' trusted relays;
* a **domain** is the registered domain of a URL in a phishing or malicious-link message
  of the window, never seen in ham up to the window's end, linked to by such messages at
  least nine times in ten in the window, not a brand's, platform's or service's domain
  (``_never.py``) nor on the site's allow list, and a valid LDH name;
* a **hash** is the sha256 of a non-empty attachment of a message that carried malware in the
  window, never seen attached to ham up to the window's end.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import duckdb

from spamintel.classify.phishing import lookalike
from spamintel.domains import registered_domain, url_host
from spamintel.export._never import never_listed
from spamintel.export._safe import (
    relay_networks,
    safe_country,
    safe_domain,
    safe_ip,
    safe_name,
    safe_sha256,
)
from spamintel.ipaddr import bot_host
from spamintel.store import Store

_SPAM = "verdict IN ('spam', 'phish', 'malware')"
_IN_WINDOW = "day BETWEEN $first AND $last"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_CONFIDENT = "botnet IS NOT NULL AND botnet_confidence >= $conf"
_MALICIOUS = ("coalesce(is_phish OR has_malicious_link OR verdict = 'phish', "
              "false)")
# Link rules that name a host as the lure. A link whose text shows another domain is left
# out: legitimate bulk mail does it through every click tracker.
_NAMING = "r LIKE 'lookalike_domain:%' OR r LIKE 'homoglyph_domain:%' OR r LIKE 'feed:%'"
# A domain is listed when at least this share of the window's messages linking it are
# phishing or carry a malicious link: one that ordinary spam links to as well is a
# shared service, not the threat.
MALICIOUS_SHARE = 0.9
_SOURCES = {
    "ip": (f"SELECT lower(client_ip) v, botnet, botnet_confidence c, observed_at t, "
           f"client_asn asn, client_cc cc FROM events WHERE {_IN_WINDOW} AND {_SPAM} "
           f"AND {_CONFIDENT}",
           f"SELECT lower(client_ip) FROM events WHERE {_IN_WINDOW} AND verdict = 'ham' "
           f"AND client_ip IS NOT NULL"),
    "domain": (f"SELECT lower(unnest(url_domains)) v, botnet, botnet_confidence c, "
               f"observed_at t, NULL::BIGINT asn, NULL cc FROM events WHERE {_IN_WINDOW} "
               f"AND {_SPAM} AND {_MALICIOUS}",
               "SELECT v FROM (SELECT lower(unnest(url_domains)) v FROM events "
               "WHERE verdict = 'ham' AND day <= $last) WHERE v IS NOT NULL UNION ALL "
               f"SELECT v FROM (SELECT lower(unnest(url_domains)) v, {_MALICIOUS} m FROM "
               f"events WHERE {_IN_WINDOW}) GROUP BY v HAVING avg(m::INT) < {MALICIOUS_SHARE}"),
    # An attachment that decodes to nothing (broken base64) has no file to name.
    "sha256": ("SELECT lower(a.sha256) v, botnet, c, t, NULL::BIGINT asn, NULL cc FROM "
               "(SELECT unnest(attachments) a, botnet, botnet_confidence c, observed_at t "
               f"FROM events WHERE {_IN_WINDOW} AND {_SPAM} AND is_virus) "
               f"WHERE lower(a.sha256) <> '{EMPTY_SHA256}'",
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
    # The mail itself shows the value malicious: the IP sent it, the file was the malware,
    # a link rule or feed named the domain (or host). False for a domain only linked from
    # such mail.
    direct: bool = True


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
    """How to choose: minimum attribution confidence, the relays and the domains (with
    their subdomains) never to list, and the botnets to keep (any case, as the store or
    the feeds spell them; empty: all, and indicators of no botnet too)."""

    min_confidence: float = 0.5
    trusted_relays: tuple[str, ...] = ()
    allow_domains: frozenset[str] = frozenset()
    botnets: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "botnets", frozenset(botnet_key(b) for b in self.botnets))

    def keeps(self, ind: Indicator) -> bool:
        """Whether ``ind`` is of one of the chosen botnets (always, when none is chosen)."""
        return not self.botnets or botnet_key(ind.botnet) in self.botnets


def botnet_key(name: str | None) -> str:
    """A botnet name as selections compare it: its feed spelling (``safe_name``) in
    case-folded form, so the store's name and the feed's name choose the same botnet."""
    return (safe_name(name) or "").casefold()


MAX_WINDOW_DAYS = 36_600  # a century: longer is a typing slip


def export_window(store: Store, days: int = 7, since: date | None = None,
                  until: date | None = None) -> Window:
    """The window to export: ``since``..``until`` when given, else the ``days`` days
    ending on ``until`` or on the store's latest day (not today: archives are old)."""
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise ValueError(f"days must be 1 to {MAX_WINDOW_DAYS}")
    if until is None:
        latest = store.connect().execute("SELECT max(day) FROM events").fetchone()[0]
        until = latest or datetime.now(UTC).date()
    first = since or (until - timedelta(days=days - 1) if until.toordinal() > days
                      else date.min)
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
        "ip": lambda v: safe_ip(v, relays),
        "domain": lambda v: _listable_domain(v, selection.allow_domains),
        "sha256": safe_sha256}
    found = {}
    for kind, (hits, ham) in _SOURCES.items():
        rows = con.execute(_AGGREGATE.format(hits=hits, ham=ham), params).fetchall()
        found[kind] = tuple(_records(kind, rows, checks[kind], direct=kind != "domain"))
    found["ip"] = _without_ham_networks(found["ip"], con, window)
    domains = _with_named_hosts(found["domain"], named_hosts(con, window),
                                selection.allow_domains)
    kept = [tuple(i for i in kind if selection.keeps(i))
            for kind in (found["ip"], domains, found["sha256"])]
    return Indicators(window, *kept)


def _without_ham_networks(ips: tuple[Indicator, ...], con: duckdb.DuckDBPyConnection,
                          window: Window) -> tuple[Indicator, ...]:
    """``ips`` less the IPv6 addresses whose /64 (one host, ``ipaddr.bot_host``) also
    delivered ham in the window: the IPv6 zone lists networks, not addresses."""
    if not any(":" in ip.value for ip in ips):
        return ips
    rows = con.execute(f"SELECT DISTINCT lower(client_ip) FROM events WHERE {_IN_WINDOW} "
                       "AND verdict = 'ham' AND contains(client_ip, ':')",
                       {"first": window.first, "last": window.last}).fetchall()
    ham = {bot_host(ip) for (ip,) in rows}
    return tuple(ip for ip in ips if ":" not in ip.value or bot_host(ip.value) not in ham)


def named_hosts(con: duckdb.DuckDBPyConnection, window: Window) -> frozenset[str]:
    """Link hosts that a link rule (lookalike, homoglyph) or a URL feed named in the
    window's malicious mail."""
    rows = con.execute(f"SELECT DISTINCT r FROM (SELECT unnest(classify_reasons) r FROM "
                       f"events WHERE {_IN_WINDOW} AND {_MALICIOUS}) WHERE {_NAMING}",
                       {"first": window.first, "last": window.last}).fetchall()
    out = set()
    for (reason,) in rows:
        kind, _, named = reason.partition(":")
        if kind == "feed":
            named = named.partition(":")[2]
            named = url_host(named) if "://" in named else named
        if named:
            out.add(named.lower())
    return frozenset(out)


def _with_named_hosts(domains: tuple[Indicator, ...], hosts: frozenset[str],
                      allow: frozenset[str]) -> tuple[Indicator, ...]:
    """``domains`` with the named ones marked direct. A host on a domain that is not
    itself the lure (``paypal.example.hosting.net``) is added as its own entry, so a
    shared provider's domain is never blocked for one tenant's page."""
    by_value = {d.value: d for d in domains}
    for host in sorted(hosts):
        reg = registered_domain(host) or host
        if reg not in by_value:
            continue  # seen in ham, linked by ordinary spam, or never listed
        if lookalike(reg) or host in (reg, f"www.{reg}"):
            by_value[reg] = replace(by_value[reg], direct=True)
        elif (entry := _listable_domain(host, allow)) is not None:
            by_value[entry] = replace(by_value[reg], value=entry, direct=True)
    return tuple(sorted(by_value.values(), key=_sort_key))


def _listable_domain(value: object, allow: frozenset[str]) -> str | None:
    domain = safe_domain(value)
    return None if domain is None or never_listed(domain, allow) else domain


def _records(kind: str, rows: Iterable[tuple], check: Callable[[object], str | None],
             direct: bool) -> list[Indicator]:
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
            country=safe_country(cc), direct=direct)
    return sorted(out.values(), key=_sort_key)


def _sort_key(ind: Indicator) -> tuple:
    """IPs in numeric order, IPv4 first (from their canonical text, without parsing
    them again with ``ipaddress``), other values in text order."""
    if ind.kind != "ip":
        return (ind.value,)
    if ":" in ind.value:
        return (6, socket.inet_pton(socket.AF_INET6, ind.value))
    return (4, socket.inet_aton(ind.value))
