"""Where simulated hosts live: country → ISP → IPv4 prefixes, and reverse-DNS names.

Prefixes come from the offline ASN table (ip-location-db CSV) when it is present: every
range announced by one of the access ISPs below. The ASN file has no country column, so the
country of each ISP is taken from the small built-in table ``ISPS`` (a coarse, hand-kept
mapping of large 2011-era access and hosting networks). Without the CSV, each ISP falls back
to one built-in prefix, so the simulator runs anywhere.
"""

from __future__ import annotations

import csv
import gzip
import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spamintel.config import default_corpora_dir

ASN_GLOB = "offline_ipdata/ip-location-db_asn-ipv4_*.csv.gz"


@dataclass(frozen=True, slots=True)
class Isp:
    """One network: AS number, country, reverse-DNS domain, fallback prefix."""

    asn: int
    cc: str
    domain: str
    fallback: str


ISPS: tuple[Isp, ...] = (
    Isp(12389, "RU", "rt.ru", "178.64.0.0/13"),
    Isp(8402, "RU", "corbina.ru", "37.144.0.0/14"),
    Isp(8359, "RU", "mtu-net.ru", "91.76.0.0/14"),
    Isp(3216, "RU", "beeline.ru", "2.95.0.0/16"),
    Isp(9829, "IN", "bsnl.in", "117.192.0.0/10"),
    Isp(24560, "IN", "airtelbroadband.in", "122.162.0.0/15"),
    Isp(45609, "IN", "airtel.in", "106.196.0.0/15"),
    Isp(17813, "IN", "mtnl.net.in", "59.179.0.0/16"),
    Isp(7738, "BR", "telemar.net.br", "187.12.0.0/16"),
    Isp(27699, "BR", "telesp.net.br", "177.94.0.0/15"),
    Isp(28573, "BR", "virtua.com.br", "179.136.0.0/13"),
    Isp(18881, "BR", "gvt.net.br", "179.176.0.0/13"),
    Isp(7922, "US", "comcast.net", "73.0.0.0/8"),
    Isp(7018, "US", "sbcglobal.net", "99.32.0.0/11"),
    Isp(701, "US", "verizon.net", "63.0.0.0/12"),
    Isp(6849, "UA", "ukrtel.net", "37.54.0.0/15"),
    Isp(15895, "UA", "kyivstar.net", "46.118.0.0/15"),
    Isp(13489, "CO", "une.net.co", "181.128.0.0/12"),
    Isp(10620, "CO", "telmex.net.co", "181.51.128.0/18"),
    Isp(8708, "RO", "rdsnet.ro", "5.12.0.0/14"),
    Isp(9050, "RO", "romtelecom.net", "109.96.0.0/13"),
    Isp(7303, "AR", "speedy.com.ar", "152.168.0.0/14"),
    Isp(22927, "AR", "telefonica.com.ar", "186.128.0.0/13"),
    Isp(45899, "VN", "vnpt.vn", "14.160.0.0/11"),
    Isp(7552, "VN", "viettel.vn", "27.72.0.0/13"),
    Isp(4766, "KR", "kornet.net", "14.64.0.0/11"),
    Isp(9318, "KR", "hanaro.com", "180.68.0.0/14"),
    Isp(4134, "CN", "chinanet.cn.net", "223.144.0.0/12"),
    Isp(4837, "CN", "cnc-noc.net", "27.192.0.0/11"),
    Isp(9121, "TR", "ttnet.com.tr", "85.96.0.0/12"),
    Isp(7713, "ID", "telkom.net.id", "36.80.0.0/12"),
    Isp(23969, "TH", "totisp.net", "101.109.0.0/16"),
    Isp(17557, "PK", "ptcl.net", "39.48.0.0/12"),
    Isp(25019, "SA", "stc.com.sa", "37.104.0.0/14"),
    Isp(3269, "IT", "telecomitalia.it", "79.0.0.0/10"),
    Isp(3352, "ES", "rima-tde.net", "83.32.0.0/11"),
    Isp(3320, "DE", "t-ipconnect.de", "79.192.0.0/10"),
    Isp(2856, "GB", "btcentralplus.com", "86.128.0.0/10"),
    Isp(5617, "PL", "tpnet.pl", "83.16.0.0/12"),
    Isp(9299, "PH", "pldt.net", "49.144.0.0/13"),
    Isp(8151, "MX", "prod-infinitum.com.mx", "189.224.0.0/13"),
    Isp(9198, "KZ", "kazakhtelecom.kz", "2.132.0.0/14"),
    Isp(6697, "BY", "mgts.by", "178.120.0.0/13"),
    Isp(6147, "PE", "speedy.com.pe", "190.232.0.0/13"),
    Isp(7418, "CL", "tchile.cl", "181.160.0.0/14"),
    Isp(8452, "EG", "tedata.net", "156.192.0.0/11"),
    Isp(3462, "TW", "hinet.net", "1.160.0.0/12"),
    Isp(4713, "JP", "ocn.ne.jp", "153.128.0.0/10"),
    Isp(3215, "FR", "abo.wanadoo.fr", "86.192.0.0/11"),
    # hosting and webmail networks (country "XH" = hosting, "XW" = webmail)
    Isp(24940, "XH", "your-server.de", "2.28.0.0/15"),
    Isp(16276, "XH", "ovh.net", "54.36.0.0/14"),
    Isp(26496, "XH", "secureserver.net", "23.229.128.0/17"),
    Isp(46606, "XH", "unifiedlayer.com", "149.47.0.0/16"),
    Isp(36351, "XH", "softlayer.com", "169.60.0.0/14"),
    Isp(8075, "XW", "phx.gbl", "20.64.0.0/10"),
    Isp(36647, "XW", "yahoo.com", "67.195.0.0/17"),
)

_RDNS_FORMS = (
    "{d}-{c}-{b}-{a}.dynamic.{dom}",
    "ppp{a}-{b}-{c}-{d}.{dom}",
    "host-{a}-{b}-{c}-{d}.{dom}",
    "{a}.{b}.{c}.{d}.broadband.{dom}",
    "adsl-{a}-{b}-{c}-{d}.{dom}",
    "{d}.{c}.{b}.{a}.pool.{dom}",
)


class IPSpace:
    """Prefixes per country as numpy arrays, for fast weighted drawing of host addresses."""

    def __init__(self, rows: list[tuple[int, int, int]]) -> None:
        by_asn = {isp.asn: isp for isp in ISPS}
        self.isps = by_asn
        self.by_cc: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        groups: dict[str, list[tuple[int, int, int]]] = {}
        for lo, hi, asn in rows:
            groups.setdefault(by_asn[asn].cc, []).append((lo, hi, asn))
        for cc, items in groups.items():
            items.sort()
            starts = np.array([r[0] for r in items], dtype=np.int64)
            size = np.array([r[1] - r[0] + 1 for r in items], dtype=np.int64)
            asns = np.array([r[2] for r in items], dtype=np.int64)
            self.by_cc[cc] = (starts, size, np.cumsum(size), asns)

    @classmethod
    def load(cls, asn_csv: Path | None = None) -> IPSpace:
        """Build from the offline ASN CSV if found, else from the built-in fallback prefixes."""
        path = asn_csv if asn_csv is not None else _default_csv()
        rows = _read_csv(path) if path is not None and path.exists() else []
        present = {r[2] for r in rows}
        for isp in ISPS:
            if isp.asn not in present:
                net = ipaddress.ip_network(isp.fallback)
                rows.append((int(net.network_address), int(net.broadcast_address), isp.asn))
        return cls(rows)

    @property
    def countries(self) -> list[str]:
        """Country codes with at least one prefix."""
        return sorted(self.by_cc)

    def place(
        self, cc: str, u_prefix: np.ndarray, u_host: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Deterministic addresses in country ``cc`` for uniforms in [0, 1): one picks the
        prefix (weighted by size), the other the host (last octet 1..254)."""
        lo, size, cum, asn = self.by_cc[cc]
        pick = np.searchsorted(cum, (u_prefix * cum[-1]).astype(np.int64), side="right")
        pick = pick.clip(0, len(lo) - 1)
        base = lo[pick] + (u_host * size[pick]).astype(np.int64)
        last = 1 + (u_host * 1e6).astype(np.int64) % 254
        return ((base & ~np.int64(255)) | last).astype(np.uint32), asn[pick]

    def rdns(self, ip: int, asn: int, form: int) -> str:
        """A reverse-DNS name of the kind the address's ISP publishes."""
        a, b, c, d = (ip >> 24) & 255, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255
        dom = self.isps[int(asn)].domain
        return _RDNS_FORMS[form % len(_RDNS_FORMS)].format(a=a, b=b, c=c, d=d, dom=dom)


def ip_text(ip: int) -> str:
    """Dotted-quad text of an IPv4 integer."""
    ip = int(ip)
    return f"{(ip >> 24) & 255}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}"


def _default_csv() -> Path | None:
    matches = sorted(default_corpora_dir().glob(ASN_GLOB))
    return matches[-1] if matches else None


def _read_csv(path: Path) -> list[tuple[int, int, int]]:
    wanted = {str(isp.asn) for isp in ISPS}
    rows = []
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        lines = (ln for ln in fh if _asn_field(ln) in wanted)
        for row in csv.reader(lines):
            if len(row) >= 3 and row[2] in wanted and ":" not in row[0]:
                try:
                    lo = int.from_bytes(socket.inet_aton(row[0]), "big")
                    hi = int.from_bytes(socket.inet_aton(row[1]), "big")
                except OSError:
                    continue
                if hi - lo >= 255:
                    rows.append((lo, hi, int(row[2])))
    return rows


def _asn_field(line: str) -> str:
    """The third comma-separated field (the AS number) of a CSV line, cheaply."""
    a = line.find(",")
    b = line.find(",", a + 1)
    c = line.find(",", b + 1)
    return line[b + 1 : c] if a >= 0 and b > a and c > b else ""
