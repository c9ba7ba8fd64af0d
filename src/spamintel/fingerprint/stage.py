"""``fingerprint``: fill the fingerprint columns of a parsed message's event."""

from __future__ import annotations

import json

from spamintel.config import ParseConfig
from spamintel.fingerprint.dialect import dialect_fingerprint
from spamintel.fingerprint.headers import header_order, header_order_fp
from spamintel.fingerprint.minhash import body_minhash, normalise
from spamintel.fingerprint.shapes import boundary_shape, date_shape, message_id_shape, subject_shape
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


def fingerprint(parsed: ParsedMessage, cfg: ParseConfig) -> Event:
    """Set header order, shapes, excerpt and MinHash on ``parsed.event`` and return it."""
    ev = parsed.event
    ev.header_order = header_order(parsed.headers)
    ev.header_order_fp = header_order_fp(ev.header_order)
    ev.message_id_shape = message_id_shape(parsed.header("message-id"))
    ev.date_shape = date_shape(parsed.header("date"))
    ev.subject_shape = subject_shape(ev.subject)
    ev.boundary_shape = boundary_shape(parsed.header("content-type"))
    ev.body_excerpt = excerpt(parsed.text)
    ev.body_minhash = body_minhash(normalise(parsed.text), ev.url_domains, cfg.minhash_perms)
    if parsed.raw.session:
        ev.smtp_dialect_fp, features = dialect_fingerprint(parsed.raw.session)
        ev.smtp_dialect = json.dumps(features, sort_keys=True, separators=(",", ":"))
    return ev
