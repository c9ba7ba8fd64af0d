"""DNS Response Policy Zone of the malicious domains (BIND, Unbound, Knot Resolver,
PowerDNS Recursor).

Each domain and every name under it is rewritten to NXDOMAIN (``CNAME .``, the RPZ
policy of draft-vixie-dnsop-dns-rpz section 3). A resolver blocks what the zone lists for
everyone behind it, so the zone holds only the domains the mail itself showed malicious
(named by a link rule or a URL feed), not those only linked from such mail.
"""

from __future__ import annotations

from datetime import datetime

from spamintel.export._safe import MAX_NAME, safe_domain
from spamintel.export._zone import serial
from spamintel.export.indicators import Indicators

TTL = 300


def to_rpz(indicators: Indicators, *, zone: str, now: datetime) -> str:
    """The zone file text for ``zone``: ``$TTL``, SOA, NS, then ``d CNAME .`` and
    ``*.d CNAME .`` for each directly shown domain whose names fit under the zone."""
    # A name in the zone is "*." + domain + "." + zone: 255 octets at most in wire form.
    room = MAX_NAME - len(zone) - 3
    direct = [ind for ind in indicators.domains if ind.direct]
    lines = [
        f"; spamintel malicious domains seen {indicators.window.first}.."
        f"{indicators.window.last}: {len(direct)} named by a link rule or feed "
        f"({len(indicators.domains) - len(direct)} only linked are left out)",
        f"$TTL {TTL}",
        f"$ORIGIN {zone}.",
        f"@ SOA ns.{zone}. hostmaster.{zone}. {serial(now)} 3600 600 604800 {TTL}",
        "@ NS localhost.",
    ]
    for ind in direct:
        domain = safe_domain(ind.value, max_length=room)
        if domain:
            lines += [f"{domain} CNAME .", f"*.{domain} CNAME ."]
    return "\n".join(lines) + "\n"
