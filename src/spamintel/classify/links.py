"""Malicious links: local URL/domain feeds in the formats people already have, and
link heuristics. Feeds are files; nothing is fetched over the network.

Formats, detected per file: URLhaus CSV (``id,dateadded,url,...``), PhishTank JSON
(a list of objects with ``url``) or CSV (a ``url`` column), OpenPhish text (one URL per
line), or a plain list of domains (one per line). ``#`` starts a comment line.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from spamintel.domains import registered_domain, url_host
from spamintel.memo import Memo

RISKY_DOWNLOAD_EXTS = frozenset({
    "exe", "scr", "pif", "com", "bat", "cmd", "vbs", "vbe", "js", "jse", "wsf", "hta", "jar",
    "msi", "apk", "ps1", "lnk", "iso", "img",
})


@dataclass
class LinkFeeds:
    """URLs, hosts and registered domains from feed files, each remembering its list."""

    urls: dict[str, str] = field(default_factory=dict)
    hosts: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.urls) + len(self.hosts)

    def add_url(self, url: str, name: str) -> None:
        """Add one listed URL. Only that URL matches: a phishing page on a shared or
        hacked host does not condemn the whole host."""
        url = url.strip()
        if not url:
            return
        if "://" not in url:
            url = "http://" + url
        self.urls.setdefault(url.lower().rstrip("/"), name)

    def add_host(self, host: str, name: str) -> None:
        """Add a listed domain or host name."""
        host = host.strip().strip(".").lower()
        if host and " " not in host:
            self.hosts.setdefault(host, name)

    def match(self, urls: list[str]) -> list[str]:
        """``feed:<list>:<what matched>`` for each URL that a feed lists."""
        out: list[str] = []
        for url in urls:
            name = self.urls.get(url.lower().rstrip("/"))
            host = url_host(url) or ""
            if name is None and host:
                name = self.hosts.get(host)
                if name is None:
                    dom = registered_domain(host)
                    name = self.hosts.get(dom) if dom else None
            if name is not None:
                out.append(f"feed:{name}:{host or url[:80]}")
        return list(dict.fromkeys(out))


def _feed_name(path: Path) -> str:
    return path.name.split(".", 1)[0].lower() or "feed"


def _load_csv(text: str, feeds: LinkFeeds, name: str) -> None:
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    if not rows:
        return
    header = [h.strip().lower() for h in rows[0]]
    col = header.index("url") if "url" in header else None
    if col is None:  # URLhaus CSV dumps carry no header row: id,dateadded,url,...
        col = 2 if len(rows[0]) > 2 and rows[0][1][:2] in ("19", "20") else 0
        body = rows
    else:
        body = rows[1:]
    for row in body:
        if len(row) > col:
            feeds.add_url(row[col], name)


def load_feed(path: str | Path, feeds: LinkFeeds | None = None) -> LinkFeeds:
    """Read one feed file into ``feeds`` (a new set when None), detecting its format."""
    feeds = feeds if feeds is not None else LinkFeeds()
    path = Path(path)
    name = _feed_name(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    stripped = text.lstrip()
    if stripped.startswith("["):
        for item in json.loads(stripped):
            if isinstance(item, dict) and item.get("url"):
                feeds.add_url(str(item["url"]), name)
        return feeds
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    if "," in first:
        _load_csv(text, feeds, name)
        return feeds
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "://" in line:
            feeds.add_url(line, name)
        else:
            feeds.add_host(line.split()[-1] if line.startswith(("0.0.0.0", "127.")) else line,
                           name)
    return feeds


def load_feeds(paths: tuple[str, ...] | list[str]) -> LinkFeeds:
    """All feed files in ``paths`` merged into one lookup."""
    feeds = LinkFeeds()
    for path in paths:
        load_feed(path, feeds)
    return feeds


def link_heuristics(urls: list[str]) -> list[str]:
    """Links that are suspicious on their own: executable downloads, credentials in the
    authority part (``http://bank.com@evil.net/``), IP-literal hosts with a path."""
    out: list[str] = []
    for url in urls[:50]:
        out += _URL_FLAGS[url]
    return list(dict.fromkeys(out))


def _url_flags(url: str) -> tuple[str, ...]:
    out: list[str] = []
    rest = url.split("://", 1)[-1]
    authority, _, path = rest.partition("/")
    tail = path.split("?", 1)[0].rsplit("/", 1)[-1].lower()
    if "." in tail and tail.rsplit(".", 1)[1] in RISKY_DOWNLOAD_EXTS:
        out.append(f"link_executable:{tail[:60]}")
    if "@" in authority:
        out.append("link_userinfo")
    host = authority.rsplit("@", 1)[-1].split(":", 1)[0]
    if host.replace(".", "").isdigit() and path:
        out.append(f"link_ip_host:{host}")
    return tuple(out)


# Flags per link: the same links come back in mail after mail (bounded: hostile mail
# brings endless new ones).
_URL_FLAGS = Memo(_url_flags, 16384)
