"""Offline IP data: IPv4 → AS number + organisation (ip-location-db CSV), and optionally
IPv4 → country from a CSV of the same shape (``start,end,country_code``).

Files may be gzip-compressed. Lookups are a binary search over sorted range starts.
"""

from __future__ import annotations

import csv
import gzip
import io
import ipaddress
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from spamintel.config import IPDataConfig, default_corpora_dir

DEFAULT_ASN_GLOB = "offline_ipdata/ip-location-db_asn-ipv4_*.csv.gz"


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")  # type: ignore[return-value]


def _ip_int(text: str) -> int | None:
    try:
        addr = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return int(addr) if addr.version == 4 else None


_SEP = "\x1f"


@dataclass
class RangeTable:
    """Sorted, non-overlapping IPv4 ranges with a value each.

    Bounds are kept in compact arrays and values as joined strings: 400k ranges then
    cost a few MB and nothing the garbage collector has to traverse.
    """

    starts: array
    ends: array
    values: list[str]

    @classmethod
    def from_csv(cls, path: Path) -> RangeTable:
        """Load ``start,end,value...`` rows (IPv6 rows are skipped)."""
        rows = []
        with _open_text(path) as fh:
            for row in csv.reader(fh):
                if len(row) < 3:
                    continue
                lo, hi = _ip_int(row[0]), _ip_int(row[1])
                if lo is not None and hi is not None:
                    rows.append((lo, hi, tuple(row[2:])))
        rows.sort()
        return cls(array("L", (r[0] for r in rows)), array("L", (r[1] for r in rows)),
                   [_SEP.join(r[2]) for r in rows])

    def lookup(self, ip: int) -> tuple[str, ...] | None:
        """The value of the range containing ``ip``, or None."""
        i = bisect_right(self.starts, ip) - 1
        if i >= 0 and ip <= self.ends[i]:
            return tuple(self.values[i].split(_SEP))
        return None


class IPData:
    """IP → (asn, organisation, country) from offline tables; unknowns are None."""

    def __init__(self, asn: RangeTable | None, country: RangeTable | None) -> None:
        self.asn, self.country = asn, country

    @classmethod
    def load(cls, cfg: IPDataConfig) -> IPData:
        """Load the configured files; with no ASN file set, use the shared corpus copy."""
        asn_path = Path(cfg.asn_csv) if cfg.asn_csv else _default_asn()
        asn = RangeTable.from_csv(asn_path) if asn_path and asn_path.exists() else None
        cc_path = Path(cfg.country_csv) if cfg.country_csv else None
        country = RangeTable.from_csv(cc_path) if cc_path and cc_path.exists() else None
        return cls(asn, country)

    def lookup(self, ip: str | None) -> tuple[int | None, str | None, str | None]:
        """``(asn, organisation, country_code)`` for an IPv4 address string."""
        n = _ip_int(ip) if ip else None
        if n is None:
            return None, None, None
        asn_row = self.asn.lookup(n) if self.asn else None
        cc_row = self.country.lookup(n) if self.country else None
        asn = int(asn_row[0]) if asn_row and asn_row[0].isdigit() else None
        org = asn_row[1] if asn_row and len(asn_row) > 1 else None
        return asn, org, (cc_row[0].upper() if cc_row else None)


def _default_asn() -> Path | None:
    matches = sorted(default_corpora_dir().glob(DEFAULT_ASN_GLOB))
    return matches[-1] if matches else None
