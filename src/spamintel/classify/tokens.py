"""Feature tokens of a parsed message: what the linear models see.

Tokens are short strings (body and subject words, CJK character bigrams, URL domains,
header and structure traits, heuristic flags). The models weigh the *set* of tokens, so
the work per message is bounded: at most ``MAX_TEXT_CHARS`` of text,
whatever the size of the message.
"""

from __future__ import annotations

import re
from functools import partial
from itertools import filterfalse

from spamintel.memo import Memo
from spamintel.model import ParsedMessage

MAX_TEXT_CHARS = 2000
_WORD = re.compile(r"\w\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,}")
_UPPER = re.compile(r"[A-Z]{4,}")
# Function words say more about a corpus's genre (technical lists vs. letters) than
# about spam, so they are left out.
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do",
    "does", "for", "from", "had", "has", "have", "he", "her", "here", "him", "his", "how", "i",
    "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our",
    "she", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "to", "us", "was", "we", "were", "what", "when", "where", "which", "who",
    "will", "with", "would", "you", "your", "yours"})
# Filters' verdicts written into the mail: never features (they would leak labels).
_VERDICT_HEADERS = ("x-spam", "x-virus", "x-bogosity", "x-dspam", "x-razor", "x-pyzor",
                    "x-antivirus", "x-amavis", "x-quarantine", "x-barracuda", "x-proofpoint",
                    "x-ironport", "x-mailscanner", "x-sophos", "x-cmae", "x-dcc",
                    "x-microsoft-antispam", "x-forefront")
# Header values whose words are features: written by the sender...
_SENDER_FIELDS = frozenset({"from", "reply-to", "message-id", "x-mailer", "user-agent",
                            "organization"})
# (a single site's model reads every field but Date and the verdict headers).
# Header fields nearly every message carries: their presence says nothing.
_COMMON_HEADERS = frozenset({"from", "to", "subject", "date", "message-id", "mime-version",
                             "content-type", "content-transfer-encoding", "cc"})
# Header fields that receiving systems, mailbox tools and filters add: they describe
# where a corpus was collected (or leak a filter's verdict), not the sender.
_RECEIVER_HEADERS = (
    "received", "return-path", "delivered-to", "x-original-to", "authentication-results",
    "received-spf", "arc-", "x-gm-", "x-google-", "x-received", "x-spam", "x-virus", "status",
    "x-status", "x-keywords", "x-uid", "lines", "content-length", "x-ms-exchange",
    "x-forefront", "x-microsoft-antispam", "x-eopattributedmessage", "x-sieve",
    "x-mailscanner", "x-barracuda", "x-proofpoint", "x-ironport", "x-envelope", "x-antivirus",
    "x-amavis", "x-quarantine", "x-asg", "x-rcpt-to", "x-loop", "x-beenthere", "list-",
    "x-mailman", "precedence", "errors-to", "sender", "x-original", "dkim-filter",
    "x-greylist", "x-scanned", "x-bogosity", "x-dspam", "x-razor", "x-pyzor", "x-cmae",
    "x-mimecast", "x-sophos", "x-incoming", "x-apparently-to", "x-yahoo", "x-ymail",
    "x-originalarrivaltime", "x-account-key", "x-mozilla", "x-evolution", "x-dcc",
)


# ASCII bytes: word characters (``\w``) lower-cased, every other ASCII byte a space;
# bytes of multi-byte UTF-8 characters are left alone.
_WORD_BYTES = bytes(
    b if b >= 128 else ord(chr(b).lower()) if chr(b).isalnum() or b == 95 else 32
    for b in range(256))
# Single word characters (``\w\w+`` never yields them) and function words.
_DROP = frozenset(chr(b) for b in range(128) if chr(b).isalnum() or b == 95) | STOPWORDS
_BUCKETS = tuple(str(v if v < 3 else v.bit_length() * 2 - 1) for v in range(64))
_MAX_CACHED_NAMES = 4096


def _header_name_token(name: str, site: bool) -> str | None:
    """``hn:<name>`` for a header field that says something about the message."""
    if name in _COMMON_HEADERS or name.startswith(_VERDICT_HEADERS):
        return None
    if not site and name.startswith(_RECEIVER_HEADERS):
        return None
    return "hn:" + name


def _value_prefix(name: str, site: bool) -> str | None:
    """``h:<field>:`` when the words of the field's value are features: the sender's
    fields, or with ``site`` every field but Date and filters' verdicts."""
    if site:
        if name == "date" or name.startswith(_VERDICT_HEADERS):
            return None
    elif name not in _SENDER_FIELDS:
        return None
    return f"h:{name}:"


def _field_kind(name: str, site: bool) -> tuple[str | None, str | None] | None:
    """A header name's token and value-word prefix, or None for a field that gives neither
    (most of them)."""
    known = (_header_name_token(name, site), _value_prefix(name, site))
    return None if known == (None, None) else known


# Per ``site``, each header name's kind, computed once (bounded: hostile mail invents names).
_FIELD_KINDS = {site: Memo(partial(_field_kind, site=site), _MAX_CACHED_NAMES)
                for site in (False, True)}


def _field_tokens(headers: list[tuple[str, str]], site: bool) -> list[str]:
    """Header-name tokens (``hn:<name>``) and value words (``h:<field>:<word>``) of the
    first 60 fields, each value read up to 300 characters and 25 words."""
    out: list[str] = []
    kinds = _FIELD_KINDS[site]
    for name, value in headers[:60]:
        kind = kinds[name]
        if kind is None:
            continue
        token, prefix = kind
        if token:
            out.append(token)
        if prefix:
            out += [prefix + word for word in _lower_words(value[:300])[:25]]
    return out


def _lower_words(text: str) -> list[str]:
    r"""``\w\w+`` runs of the lower-cased text, in order; ASCII by byte translation."""
    if text.isascii():
        return [w for w in text.encode().translate(_WORD_BYTES).decode().split() if len(w) > 1]
    return _WORD.findall(text.lower())


def _bucket(value: int) -> str:
    """Coarse size bucket: 0, 1, 2, 3-4, 5-8, 9-16, ..."""
    if 0 <= value < len(_BUCKETS):
        return _BUCKETS[value]
    return str(value if value < 3 else value.bit_length() * 2 - 1)


def _words(head: str) -> set[str]:
    r"""Distinct ``\w\w+`` runs of a lower-cased text plus CJK character pairs, function
    words left out. ASCII is handled by one byte translation and a split; only the
    whitespace-separated chunks holding other characters go through the regular
    expressions."""
    if head.isascii():
        words = set(head.encode().translate(_WORD_BYTES).decode().split())
    else:
        data = head.lower().encode("utf-8", "surrogatepass").translate(_WORD_BYTES)
        words = set(data.decode("utf-8", "surrogatepass").split())
        odd = list(filterfalse(str.isascii, words))
        words.difference_update(odd)
        rest = " ".join(odd)  # neither pattern matches across a space
        words.update(_WORD.findall(rest))
        for run in _CJK.findall(rest):
            words.update(run[i : i + 2] for i in range(len(run) - 1))
    if len(words) < 32:  # a few words: look each up rather than every dropped word
        return words - _DROP
    words -= _DROP
    return words


def text_tokens(text: str, prefix: str = "") -> set[str]:
    """Lower-cased words (any script) plus character bigrams of CJK runs, from the
    first ``MAX_TEXT_CHARS`` characters."""
    words = _words(text[:MAX_TEXT_CHARS])
    if prefix:
        return set(map(prefix.__add__, words))
    return words


def _non_ascii_share(text: str) -> float:
    if text.isascii():
        return 0.0
    return 1.0 - len(text.encode("ascii", "ignore")) / len(text)


def _header_tokens(parsed: ParsedMessage, site: bool) -> list[str]:
    ev = parsed.event
    # MIME type and charset describe a mail's era and client more than its intent
    # (2007 ham was plain ASCII text, today's is UTF-8 HTML): they are not features.
    out = ["nurl:" + _bucket(ev.n_urls), f"mid:{ev.message_id_shape}"]
    if ev.n_attachments:
        out.append("natt:" + _bucket(ev.n_attachments))
    out += _field_tokens(parsed.headers, site)
    if ev.url_domains:
        domains = ev.url_domains[:20]
        out += ["u:" + d for d in domains]
        out += ["tld:" + d.rsplit(".", 1)[-1] for d in domains]
    if ev.attachments:
        out += [f"att:{a.get('ext')}" for a in ev.attachments[:10]]
    if ev.parse_defects:
        out += ["df:" + d.split(":", 1)[0] for d in ev.parse_defects[:10]]
    if ev.x_mailer:
        out.append("xm:" + ev.x_mailer.split("(")[0].strip().lower()[:40])
    if ev.from_addr and "@" in ev.from_addr:
        out.append("fd:" + ev.from_addr.rsplit("@", 1)[1][:60])
    if ev.from_display:
        out += ["dn:" + w for w in _WORD.findall(ev.from_display.lower()[:80])]
    if parsed.html and (not parsed.text or parsed.text.isspace()):  # (not text.strip())
        out.append("html_only")
    return out


def message_tokens(parsed: ParsedMessage, flags: list[str] | None = None,
                   site: bool = False) -> set[str]:
    """All feature tokens of one message, as a set.

    ``site`` adds the fields the receiving site writes (Received lines, recipients,
    list headers). They are strong evidence when a model is trained on one site's mail
    (a user's own mail, TREC), and misleading when corpora from different sites with
    different labels are mixed (they identify the corpus), so the shipped model leaves
    them out; the model records which it used.
    """
    subject = parsed.event.subject or ""
    head = parsed.text[:MAX_TEXT_CHARS]
    tokens = _words(head)
    if subject:
        tokens.update(map("s:".__add__, _words(subject[:200])))
        if _UPPER.search(subject):
            tokens.add("s_caps")
    tokens.update(_header_tokens(parsed, site))
    if not head.isascii() and _non_ascii_share(head) > 0.25:
        tokens.add("mostly_non_ascii")
    if flags:
        tokens.update(map("f:".__add__, flags))
    return tokens
