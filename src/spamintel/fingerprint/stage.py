"""``fingerprint``: fill the fingerprint columns of a parsed message's event."""

from __future__ import annotations

from collections.abc import Sequence

from spamintel.config import ParseConfig
from spamintel.fingerprint.dialect import dialect_fingerprint, features_json
from spamintel.fingerprint.headers import header_order, header_order_fp
from spamintel.fingerprint.minhash import body_minhashes, normalise
from spamintel.fingerprint.shapes import boundary_shape, date_shape, message_id_shape, subject_shape
from spamintel.memo import Memo
from spamintel.model import Event, ParsedMessage

EXCERPT_CHARS = 1000


def excerpt(text: str) -> str:
    """The first ``EXCERPT_CHARS`` characters of the text with whitespace runs collapsed."""
    head = text[: EXCERPT_CHARS + 100]
    words = head.split()
    joined = " ".join(words)
    if len(head) == len(text) or (words and len(joined) - len(words[-1]) > EXCERPT_CHARS):
        return joined[:EXCERPT_CHARS]  # all the text, or the last (maybe cut) word lies past
    return " ".join(text[: EXCERPT_CHARS * 2].split())[:EXCERPT_CHARS]


def _text_fields(text: str) -> tuple[str, bytes]:
    return excerpt(text), normalise(text)


# Bulk mail repeats bodies word for word (a fifth of TREC's bodies are seen again within
# the last thousand). Only bodies up to 4,096 characters are kept, at most the memo's
# size of them.
_TEXT_FIELDS = Memo(_text_fields, 1024, keep=lambda text: len(text) <= 4096)


def fingerprint(parsed: ParsedMessage, cfg: ParseConfig) -> Event:
    """Set header order, shapes, excerpt and MinHash on ``parsed.event`` and return it."""
    return fingerprint_batch([parsed], cfg)[0]


def fingerprint_batch(parsed: Sequence[ParsedMessage], cfg: ParseConfig) -> list[Event]:
    """``fingerprint`` for many messages; their MinHashes are computed together, which
    costs a fraction of hashing each message on its own."""
    # Header fields, then texts, each over all the messages: a pass's code and tables
    # stay in the CPU caches.
    for one in parsed:
        _header_fields(one)
    texts = [_text_fields_of(one) for one in parsed]
    digests = body_minhashes(texts, [one.event.url_domains for one in parsed],
                             cfg.minhash_perms)
    for one, digest in zip(parsed, digests, strict=True):
        one.event.body_minhash = digest
    return [one.event for one in parsed]


def _header_fields(parsed: ParsedMessage) -> None:
    """Set the header order, the shapes and the SMTP dialect."""
    ev = parsed.event
    ev.header_order = header_order(parsed.headers)
    ev.header_order_fp = header_order_fp(ev.header_order)
    ev.message_id_shape = message_id_shape(parsed.header("message-id"))
    ev.date_shape = date_shape(parsed.header("date"))
    ev.subject_shape = subject_shape(ev.subject)
    ev.boundary_shape = boundary_shape(parsed.header("content-type"))
    if parsed.raw.session:
        ev.smtp_dialect_fp, features = dialect_fingerprint(parsed.raw.session)
        ev.smtp_dialect = features_json(features)


def _text_fields_of(parsed: ParsedMessage) -> bytes:
    """Set the excerpt; return the normalised text."""
    parsed.event.body_excerpt, normalised = _TEXT_FIELDS[parsed.text]
    return normalised
