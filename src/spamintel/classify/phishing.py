"""Phishing heuristics: brand impersonation, link text vs href, credential forms,
lookalike and homoglyph domains, URL shorteners. Each returns short reason codes
that become model features and, for a phishing verdict, the reasons shown."""

from __future__ import annotations

import re

from spamintel.domains import registered_domain, url_host
from spamintel.memo import Memo
from spamintel.model import ParsedMessage

# Brand → the registered-domain labels it legitimately sends from or links to.
BRANDS: dict[str, tuple[str, ...]] = {
    "paypal": ("paypal",), "ebay": ("ebay",), "amazon": ("amazon", "amazonses"),
    "apple": ("apple", "icloud"), "icloud": ("apple", "icloud"),
    "microsoft": ("microsoft", "live", "outlook", "office", "office365", "microsoftonline"),
    "outlook": ("microsoft", "live", "outlook", "office"), "office365": ("microsoft", "office"),
    "netflix": ("netflix",), "google": ("google", "gmail"), "facebook": ("facebook", "fb"),
    "instagram": ("instagram",), "linkedin": ("linkedin",), "dhl": ("dhl",),
    "fedex": ("fedex",), "usps": ("usps",), "docusign": ("docusign", "docusign.net"),
    "dropbox": ("dropbox",), "chase": ("chase",), "wellsfargo": ("wellsfargo", "wf"),
    "citibank": ("citi", "citibank"), "hsbc": ("hsbc",), "barclays": ("barclays",),
    "bradesco": ("bradesco",), "itau": ("itau",), "santander": ("santander",),
    "caixa": ("caixa",), "nubank": ("nubank",), "livelo": ("livelo",), "correios": ("correios",),
    "coinbase": ("coinbase",), "binance": ("binance",), "metamask": ("metamask",),
    "whatsapp": ("whatsapp",), "spotify": ("spotify",), "steam": ("steampowered", "steam"),
    "irs": ("irs",), "hmrc": ("hmrc", "gov"), "webmail": (), "mcafee": ("mcafee",),
    "norton": ("norton",), "att": ("att",), "verizon": ("verizon",),
}
SHORTENERS = frozenset({
    "bit.ly", "tinyurl.com", "goo.gl", "t.co", "ow.ly", "is.gd", "buff.ly", "cutt.ly", "rb.gy",
    "shorturl.at", "tiny.cc", "rebrand.ly", "t.ly", "s.id", "bit.do", "qrco.de", "lnkd.in",
})
_LEET = str.maketrans("013457$@", "oleastsa")
# An anchor with its href and the text right after the tag (up to the next tag). Past
# "href" every repeat is possessive (``*+``): giving characters back could never lead to
# another match, and trying it cost time proportional to the URL times the rest of the tag
# (an image link's anchor text, shorter than 4 characters, made it try every split).
_ANCHOR = re.compile(
    r"""<a\s[^>]{0,300}?href\s*+=\s*+["']?+([^"'\s>]{1,500}+)[^>]{0,300}+>([^<]{4,200}+)""",
    re.I)
_DOMAIN_IN_TEXT = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,12})\b", re.I)
_PASSWORD_INPUT = re.compile(r"<input\b[^>]{0,300}type\s*=\s*[\"']?password", re.I)
_BRAND_BYTES = frozenset(b.encode() for b in BRANDS)
# ASCII letters and digits stay, every other byte (UTF-8 of other characters too) is a space.
_ALNUM_BYTES = bytes(b if chr(b) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32
                     for b in range(256))
_LOOKALIKE_BRANDS = tuple((b, legit) for b, legit in BRANDS.items() if legit and len(b) >= 4)
_LOOKALIKE_SET = frozenset(b for b, _ in _LOOKALIKE_BRANDS)
_BRAND_SIZES = tuple(sorted({len(b) for b in _LOOKALIKE_SET}))
_LEGIT_LABELS = frozenset(label for legit in BRANDS.values() for label in legit) | {
    "paypalobjects", "googleapis", "googleusercontent", "googlemail", "appleid", "ebayimg",
    "ebaystatic", "amazonaws", "facebookmail", "linkedinmail", "microsoftstore", "netflixmail",
    "steamcommunity", "steamstatic", "dhl-news", "itaucard", "google-analytics",
    "googletagmanager", "googleadservices", "googlesyndication", "media-amazon",
    "images-amazon", "ssl-images-amazon", "amazon-adsystem", "ebayobjects", "ebayrtm",
    "ebaydesc",
}
_HOST_PARTS = re.compile(r"[.\-_]")
MAX_HTML = 20_000
MAX_ANCHOR_HTML = 6_000


def brand_labels() -> frozenset[str]:
    """Labels of the registered domains that brands send from or link to: their own
    (``paypal``, ``googleapis``, ``media-amazon``...)."""
    return _LEGIT_LABELS


def _label(domain: str) -> str:
    return domain.split(".", 1)[0]


def _brand_ok(brand: str, domain: str | None) -> bool:
    if not domain:
        return False
    label = _label(domain)
    return any(label == d or domain == d for d in BRANDS[brand])


def brand_mentions(text: str) -> list[str]:
    """Brands named in a short text (display name, subject): its lower-cased
    ``[a-z0-9]+`` runs (found with one byte translation and a split)."""
    if not text:
        return []
    words = text.lower().encode("utf-8", "surrogatepass").translate(_ALNUM_BYTES).split()
    found = _BRAND_BYTES.intersection(words)
    return sorted(b.decode() for b in found) if found else []


def _impersonation(parsed: ParsedMessage) -> list[str]:
    ev = parsed.event
    named = brand_mentions(ev.from_display or "")
    in_subject = brand_mentions(ev.subject or "")[:2]
    if not named and not in_subject:
        return []
    from_dom = registered_domain(ev.from_addr.rsplit("@", 1)[1]) if ev.from_addr and "@" in \
        ev.from_addr else None
    out = [f"brand_display_mismatch:{b}" for b in named if BRANDS[b] and not _brand_ok(b, from_dom)]
    for b in in_subject:
        if BRANDS[b] and not _brand_ok(b, from_dom) and f"brand_display_mismatch:{b}" not in out:
            out.append(f"brand_subject_mismatch:{b}")
    return out


def lookalike(host: str) -> str | None:
    """The brand a host name imitates (digit swaps, the brand inside a foreign domain or
    in a sub-domain of one: ``paypal.com.secure-login.example``), or None.

    Only the labels the sender chose count: those below a brand's own domain
    (``fonts.googleapis.com`` is Google's; ``paypal-login.s3.amazonaws.com`` is a
    tenant's bucket) and above the public suffix (``banco.bradesco``: the brand owns its
    top-level domain)."""
    domain = registered_domain(host) or host
    if _label(domain) in _LEGIT_LABELS:
        return None
    labels = host.split(".")
    start, end = len(labels) - domain.count(".") - 1, len(labels) - domain.count(".")
    # A private suffix (googleapis.com, s3.amazonaws.com) makes the registered domain
    # longer than two labels: a brand's label among them ends what the sender chose.
    owner = next((i for i in range(start, len(labels) - 1) if labels[i] in _LEGIT_LABELS),
                 None)
    chosen = labels[:owner] if owner is not None else labels[:end]
    for part in _HOST_PARTS.split(".".join(chosen).translate(_LEET)):
        for size in _BRAND_SIZES:
            if part[:size] in _LOOKALIKE_SET:
                return part[:size]
    return None


def _unicode_host(host: str) -> str:
    if "xn--" not in host:
        return host
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


def mixed_scripts(host: str) -> bool:
    """Whether a label mixes Latin letters with Cyrillic or Greek look-alikes
    (``pаypal`` with a Cyrillic ``а``): the homoglyph trick, unlike a plain IDN."""
    for label in _unicode_host(host).split("."):
        latin = any("a" <= ch <= "z" for ch in label)
        if latin and any("\u0370" <= ch <= "\u04ff" for ch in label):
            return True
    return False


def _host_flags(host: str) -> tuple[str, ...]:
    """Flags of one link host: a lookalike of a brand, an IDN or homoglyph name, an IP."""
    out: list[str] = []
    if lookalike(host):
        out.append(f"lookalike_domain:{host[:60]}")
    if "xn--" in host or not host.isascii():
        out.append(f"{'homoglyph' if mixed_scripts(host) else 'idn'}_domain:{host[:60]}")
    elif host.replace(".", "").isdigit():
        out.append("ip_url")
    return tuple(out)


def _domain_flags(domains: list[str], hosts: list[str]) -> list[str]:
    out: list[str] = []
    for dom in domains[:20]:
        if dom in SHORTENERS:
            out.append("url_shortener")
    for host in hosts[:20]:
        out += _HOST_FLAGS[host]
    return list(dict.fromkeys(out))


def _link_mismatch(html: str, end: int) -> list[str]:
    """The first anchor (in ``html[:end]``) whose text names another domain than its
    link's."""
    for anchor in _ANCHOR.finditer(html, 0, end):
        href, text = anchor.groups()
        if "." not in text:
            continue
        shown = _DOMAIN_IN_TEXT.search(text)
        if not shown or not href.lower().startswith(("http", "www")):
            continue
        host = url_host(href)
        real, claimed = registered_domain(host or ""), registered_domain(shown.group(1).lower())
        if real and claimed and real != claimed:
            return [f"link_text_mismatch:{claimed}->{real}"]
    return []


def _hosts(urls: list[str], limit: int = 20) -> list[str]:
    """Hosts of the first URLs that have one (at most ``limit``)."""
    out: list[str] = []
    for url in urls:
        host = _HOST_OF[url]
        if host:
            out.append(host)
            if len(out) == limit:
                break
    return out


def phishing_flags(parsed: ParsedMessage) -> list[str]:
    """Reason codes of every phishing heuristic that fires on the message."""
    ev = parsed.event
    flags = _impersonation(parsed)
    if ev.urls:
        flags += _domain_flags(ev.url_domains, _hosts(ev.urls))
    html = parsed.html
    if html:
        flags += _link_mismatch(html, MAX_ANCHOR_HTML)
        if (html.find("<form", 0, MAX_HTML) >= 0 or html.find("<FORM", 0, MAX_HTML) >= 0) \
                and _PASSWORD_INPUT.search(html, 0, MAX_HTML):
            flags.append("credential_form")
    for att, data in zip(ev.attachments[:10], parsed.attachment_data, strict=False):
        if (att.get("ext") or "") in ("htm", "html", "shtml", "xhtml"):
            flags.append("html_attachment")
            if _PASSWORD_INPUT.search(data[:MAX_HTML].decode("latin-1")):
                flags.append("credential_form_attachment")
    return flags


# Hosts of URLs and the flags of hosts: the same links come back in mail after mail
# (bounded: hostile mail brings endless new ones).
_HOST_OF = Memo(url_host, 16384)
_HOST_FLAGS = Memo(_host_flags, 16384)
