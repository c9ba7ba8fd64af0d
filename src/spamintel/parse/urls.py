"""URLs in text and HTML, and their registered domains (``spamintel.domains``)."""

from __future__ import annotations

import html
import re

from spamintel.domains import registered_domain, url_host

_URL = re.compile(
    r"""(?:https?://|www\.)[^\s<>"'`{}|\\^\[\]()]{2,2000}""", re.I
)
# Possessive: the blanks around an optional quote are one run to the pattern (backing
# off, it would try every split of a long run of blanks: quadratic).
_HREF = re.compile(r"""href\s*+=\s*+["']?\s*+([^"'\s>]+)""", re.I)
# Where a URL can start: "http" covers both schemes in one search (the pattern then
# checks for "://" or "s://"; its letters have no other case-folded forms).
_STARTS = ("http", "www.")
_TRAIL = ".,;:!?)]}'\""
# Names, not places: a DOCTYPE's DTD and an XML namespace are identifiers that every page
# of a kind carries (w3.org, schemas.microsoft.com), not links the message offers. Their
# lengths are bounded and closing characters optional: markup that never closes one can
# neither hide the links after it nor make the search go quadratic.
_IDENTIFIERS = re.compile(
    r"""<!DOCTYPE[^>]{0,500}>?|\bxmlns(?::[\w.-]{1,40})?\s*=\s*"""
    r"""(?:"[^"]{0,300}"?|'[^']{0,300}'?|[^\s>]{0,300})""", re.I)


def _scan(text: str, low: str, starts: tuple[str, ...], pattern: re.Pattern[str]) -> list[str]:
    """Match ``pattern`` only where a cheap substring search of the lower-cased text
    ``low`` finds a candidate start, and not inside the last match: "www." inside an
    already matched "http://www." is not new (and a text of "www.www.…" is read once,
    not up to 2,000 characters from each)."""
    found: list[int] = []
    for token in starts:
        i = low.find(token)
        while i >= 0:
            found.append(i)
            i = low.find(token, i + len(token))
    found.sort()
    out: list[str] = []
    covered = -1
    for start in found:
        if start >= covered:
            m = pattern.match(text, start)
            if m:
                out.append(m.group(m.lastindex or 0))
                covered = m.end()
    return out


def _lower(text: str) -> str:
    """The text with its ASCII letters lower-cased, position for position, for finding the
    ASCII starts above (no other character lower-cases to one of their letters).

    Other characters become "?" or stay: Latin-1 bytes lower-case far faster than full
    Unicode case mapping, and "İ", which lowers to two characters, cannot shift positions.
    """
    if text.isascii():
        return text.lower()
    return text.encode("latin-1", "replace").lower().decode("latin-1")


def find_urls(text: str, markup: str, limit: int) -> list[str]:
    """URLs from plain text and from HTML ``href`` attributes, de-duplicated, in order,
    with character references decoded as a browser decodes them; the identifiers of
    DOCTYPE declarations and XML namespaces are not URLs here."""
    seen: dict[str, None] = {}
    sources: tuple[tuple[list[str], bool], ...]  # (URLs, whether they come from markup)
    if markup:
        low_markup = _lower(markup)
        if "xmlns" in low_markup or "<!doctype" in low_markup:
            markup = _IDENTIFIERS.sub(" ", markup)
            low_markup = _lower(markup)
        sources = ((_scan(markup, low_markup, ("href",), _HREF), True),
                   (_scan(text, _lower(text), _STARTS, _URL), False),
                   (_scan(markup, low_markup, _STARTS, _URL), True))
    else:
        sources = ((_scan(text, _lower(text), _STARTS, _URL), False),)
    for found, in_markup in sources:
        for url in found:
            # a browser decodes character references in markup: "h&#116;tp://" is a link,
            # and "?a=1&amp;b=2" asks for "?a=1&b=2"
            if in_markup and "&" in url:  # and "&nbsp;" decodes to a space, which ends it
                url = (html.unescape(url).split(None, 1) or [""])[0]
            url = url.rstrip(_TRAIL)
            low = url.lower()
            if low.startswith(("http://", "https://", "www.")) and url not in seen:
                seen[url] = None
                if len(seen) >= limit:
                    return list(seen)
    return list(seen)


def url_domains(urls: list[str]) -> list[str]:
    """Distinct registered domains of ``urls``, in first-seen order."""
    out: dict[str, None] = {}
    for url in urls:
        host = url_host(url)
        dom = registered_domain(host) if host else None
        if dom:
            out[dom] = None
    return list(out)
