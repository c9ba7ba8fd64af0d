"""Offline IP data: address → AS number + organisation (ip-location-db CSV), and
address → country from a CSV of the same shape (``start,end,country_code``).

IPv4 and IPv6 have a table each; a file may hold rows of both. Files may be
gzip-compressed. Lookups are a binary search over sorted range starts; the IPv6
tables are read on the first IPv6 address, so IPv4-only mail never pays for them.
"""

from __future__ import annotations

import ipaddress
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from spamintel.config import IPDataConfig, default_corpora_dir
from spamintel.ipaddr import ipv4_int, ipv6_address
from spamintel.memo import Memo

DEFAULT_ASN_GLOB = "offline_ipdata/ip-location-db_asn-ipv4_*.csv.gz"
DEFAULT_COUNTRY_FILE = "geo-whois-asn-country-ipv4-num.csv"
DEFAULT_ASN6_FILE = "asn-ipv6-num.csv.gz"
DEFAULT_COUNTRY6_FILE = "geo-whois-asn-country-ipv6-num.csv.gz"

_DOTTED = r"^(?P<a>\d{1,3})\.(?P<b>\d{1,3})\.(?P<c>\d{1,3})\.(?P<d>\d{1,3})$"
_U64 = (1 << 64) - 1


def _ipv4_numbers(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dotted IPv4 strings or decimal strings → uint64 (null where neither)."""
    col = pc.utf8_trim_whitespace(col)
    numeric = pc.match_substring_regex(col, r"^\d{1,10}$")
    octets = pc.extract_regex(col, _DOTTED)
    value = pc.cast(pc.struct_field(octets, "a"), pa.uint64())
    for name in "bcd":
        value = pc.add(pc.multiply(value, 256), pc.cast(pc.struct_field(octets, name), pa.uint64()))
    as_number = pc.cast(pc.if_else(numeric, col, "0"), pa.uint64())
    out = pc.if_else(numeric, as_number, value)
    return pc.if_else(pc.less_equal(out, 0xFFFFFFFF), out, pa.scalar(None, pa.uint64()))


def _ipv6_number(text: str | None) -> int | None:
    """An IPv6 bound as an integer: written with colons, or as a decimal above 2**32
    (a smaller decimal is an IPv4 row's); None for anything else."""
    text = (text or "").strip()
    if text.isdigit() and len(text) <= 39:
        n = int(text)
        return n if (1 << 32) <= n < (1 << 128) else None
    if ":" not in text:
        return None
    try:
        return int(ipaddress.IPv6Address(text))
    except ValueError:
        return None


class _Wide:
    """128-bit integers kept as two arrays of 64-bit halves, indexed like a list."""

    def __init__(self, values: list[int]) -> None:
        self.hi = array("Q", (v >> 64 for v in values))
        self.lo = array("Q", (v & _U64 for v in values))

    def __len__(self) -> int:
        return len(self.hi)

    def __getitem__(self, i: int) -> int:
        return (self.hi[i] << 64) | self.lo[i]


_SEP = "\x1f"


def _read(path: Path) -> pa.Table:
    return pacsv.read_csv(path, read_options=pacsv.ReadOptions(autogenerate_column_names=True),
                          convert_options=pacsv.ConvertOptions(
                              column_types={"f0": pa.string(), "f1": pa.string()}))


def _values(table: pa.Table) -> pa.ChunkedArray:
    """Every column after the two bounds, joined into one string a row."""
    rest = [pc.cast(table.column(i), pa.string()) for i in range(2, table.num_columns)]
    return pc.binary_join_element_wise(*rest, _SEP) if len(rest) > 1 else rest[0]


@dataclass
class RangeTable:
    """Sorted, non-overlapping address ranges with a value each.

    Bounds are kept in compact arrays and values as joined strings: 400k ranges then
    cost a few MB and nothing the garbage collector has to traverse.
    """

    starts: array | _Wide
    ends: array | _Wide
    values: list[str]

    @classmethod
    def from_csv(cls, path: Path, version: int = 4) -> RangeTable:
        """Load the ``start,end,value...`` rows of one IP version; other rows are skipped.

        IPv4 bounds may be dotted or integers, and are parsed column-wise with Arrow
        (0.3 s for 400k rows). IPv6 bounds may be written with colons or as integers.
        """
        table = _read(path)
        if version == 6:
            return cls._ipv6(table)
        lo, hi = _ipv4_numbers(table.column("f0")), _ipv4_numbers(table.column("f1"))
        keep = pc.and_(pc.is_valid(lo), pc.is_valid(hi))
        table = pa.table({"lo": lo, "hi": hi, "v": _values(table)}).filter(keep).sort_by("lo")
        return cls(array("I", table.column("lo").to_numpy().astype("uint32").tobytes()),
                   array("I", table.column("hi").to_numpy().astype("uint32").tobytes()),
                   table.column("v").to_pylist())

    @classmethod
    def _ipv6(cls, table: pa.Table) -> RangeTable:
        rows = sorted(
            (lo, hi, v) for lo, hi, v in zip(
                map(_ipv6_number, table.column("f0").to_pylist()),
                map(_ipv6_number, table.column("f1").to_pylist()),
                _values(table).to_pylist(), strict=True)
            if lo is not None and hi is not None)
        return cls(_Wide([r[0] for r in rows]), _Wide([r[1] for r in rows]),
                   [r[2] or "" for r in rows])

    def lookup(self, ip: int) -> tuple[str, ...] | None:
        """The value of the range containing ``ip``, or None."""
        i = bisect_right(self.starts, ip) - 1
        if i >= 0 and ip <= self.ends[i]:
            return tuple(self.values[i].split(_SEP))
        return None


@dataclass
class Tables:
    """The ASN and country tables of one IP version; either may be missing."""

    asn: RangeTable | None
    country: RangeTable | None

    @classmethod
    def load(cls, asn: Path | None, country: Path | None, version: int) -> Tables:
        """Read the files that exist."""
        def read(path: Path | None) -> RangeTable | None:
            return RangeTable.from_csv(path, version) if path and path.exists() else None
        return cls(read(asn), read(country))

    def lookup(self, n: int) -> tuple[int | None, str | None, str | None]:
        """``(asn, organisation, country_code)`` of the address ``n``."""
        asn_row = self.asn.lookup(n) if self.asn else None
        cc_row = self.country.lookup(n) if self.country else None
        asn = int(asn_row[0]) if asn_row and asn_row[0].isdigit() else None
        org = asn_row[1] if asn_row and len(asn_row) > 1 else None
        return asn, org, (cc_row[0].upper() if cc_row else None)


_MEMO_SIZE = 1 << 16
_NOTHING: tuple[None, None, None] = (None, None, None)


class IPData:
    """IP → (asn, organisation, country) from offline tables; unknowns are None.

    Answers are remembered (up to ``_MEMO_SIZE`` addresses, then forgotten at once):
    one client often sends many messages.
    """

    def __init__(self, asn: RangeTable | None, country: RangeTable | None,
                 ipv6: Callable[[], Tables] | None = None) -> None:
        self.v4 = Tables(asn, country)
        self._load_v6 = ipv6 or (lambda: Tables(None, None))
        # longer text than any address is answered, not kept
        self._memo = Memo(self._find, _MEMO_SIZE, keep=lambda ip: len(ip) <= 45)

    @classmethod
    def load(cls, cfg: IPDataConfig) -> IPData:
        """Load the configured files; an empty setting takes the default copy, if any.

        The IPv6 tables are read when the first IPv6 address is looked up.
        """
        asn_path = Path(cfg.asn_csv) if cfg.asn_csv else _default_asn()
        cc_path = Path(cfg.country_csv) if cfg.country_csv else _cached(DEFAULT_COUNTRY_FILE)
        v4 = Tables.load(asn_path, cc_path, 4)
        asn6 = Path(cfg.asn_ipv6_csv) if cfg.asn_ipv6_csv else _cached(DEFAULT_ASN6_FILE)
        cc6 = Path(cfg.country_ipv6_csv) if cfg.country_ipv6_csv else _cached(DEFAULT_COUNTRY6_FILE)
        return cls(v4.asn, v4.country, lambda: Tables.load(asn6, cc6, 6))

    @cached_property
    def v6(self) -> Tables:
        """The IPv6 tables, read on first use."""
        return self._load_v6()

    def lookup(self, ip: str | None) -> tuple[int | None, str | None, str | None]:
        """``(asn, organisation, country_code)`` for an IPv4 or IPv6 address string."""
        if not ip:
            return _NOTHING
        return self._memo[ip]

    def _find(self, ip: str) -> tuple[int | None, str | None, str | None]:
        # private, shared, loopback and documentation ranges (RFC 6890) belong to no
        # network and no country, whatever a table says of them
        n = ipv4_int(ip)
        if n is not None:
            return self.v4.lookup(n) if ipaddress.IPv4Address(n).is_global else _NOTHING
        v6 = ipv6_address(ip)
        if v6 is None:
            return _NOTHING
        if v6.ipv4_mapped is not None:
            return self._find(str(v6.ipv4_mapped))
        return self.v6.lookup(int(v6)) if v6.is_global else _NOTHING


def _cached(name: str) -> Path | None:
    """A table ``make`` installs from the ip-location-db npm packages, if it is there."""
    path = Path(__file__).resolve().parents[3] / ".cache" / "ipdata" / name
    return path if path.exists() else None


def _default_asn() -> Path | None:
    matches = sorted(default_corpora_dir().glob(DEFAULT_ASN_GLOB))
    return matches[-1] if matches else None


def missing_ipv4_tables(cfg: IPDataConfig) -> list[str]:
    """The IPv4 tables ``IPData.load`` will not find (``asn_csv``, ``country_csv``): without
    them the events' ``client_asn`` / ``client_cc`` stay empty."""
    asn = Path(cfg.asn_csv) if cfg.asn_csv else _default_asn()
    country = Path(cfg.country_csv) if cfg.country_csv else _cached(DEFAULT_COUNTRY_FILE)
    return [key for key, path in (("asn_csv", asn), ("country_csv", country))
            if path is None or not path.exists()]
