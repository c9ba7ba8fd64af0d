"""Shapes: Message-ID, Date, Subject and MIME boundary reduced to the template behind them.

A bot fills a template with random values; the shape keeps the template and drops the
values (digit runs → ``D<n>``, hex runs → ``H<n>``, mixed runs → ``X<n>``, host names
→ ``H``), so messages from one template share one shape.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache, partial

from spamintel.memo import Memo

# What a shape rewrites (ASCII punctuation stays). Split with the group kept, a text is
# [punctuation, token, punctuation, ..., punctuation]: the tokens are the odd items.
_TOKEN = re.compile(r"([A-Za-z0-9]+|[^\x00-\x7f])")
_HEX_DIGITS = "0123456789abcdefABCDEF"
_DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
_MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
_DATE_TOKEN = re.compile(r"([A-Za-z0-9]+|[^\x00-\x7f]|-)")
_BOUNDARY = re.compile(r'boundary\s*=\s*"?([^";]+)"?', re.I)
_IP = re.compile(r"^\[?\d{1,3}(\.\d{1,3}){3}\]?$")


def short_hash(text: str) -> str:
    """A 16-hex-digit hash used for fingerprints."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _token_shape(tok: str, keep_words: bool) -> str:
    if not tok.isalnum():
        return tok
    n = len(tok)
    if tok.isdigit():
        return "#" if keep_words else f"D{n}"
    # A token is an ASCII run or one other character: an ASCII run that is not all
    # letters holds a digit, and a single other character here is no digit.
    if tok.isascii() and not tok.isalpha():
        return f"X{n}" if tok.strip(_HEX_DIGITS) else f"H{n}"
    if keep_words and n <= 12:
        return tok
    if tok.isupper():
        return f"U{n}" if n >= 6 else "U"
    if tok.islower():
        return f"L{n}" if n >= 6 else "L"
    return f"A{n}" if n >= 6 else "A"


# Token → its shape, one memo per mode: a plain dict hit, mapped over the tokens, costs
# less than a cached function of two arguments.
_MASKED = Memo(partial(_token_shape, keep_words=False), 1 << 15).__getitem__
_WORDS = Memo(partial(_token_shape, keep_words=True), 1 << 15).__getitem__


def _shape(text: str, keep_words: bool) -> str:
    # As _TOKEN.sub with a function, without a Python frame per token: the cached token
    # function is mapped over the split's odd items.
    parts = _TOKEN.split(text)
    parts[1::2] = map(_WORDS if keep_words else _MASKED, parts[1::2])
    return "".join(parts)


def message_id_shape(value: str | None) -> str | None:
    """``<20070408.1234@mail.example.com>`` → ``<D8.D4@H>``; IP-literal hosts → ``IP``."""
    if value is None:
        return None
    if value.isascii():
        # Each letter and digit read as the first of its class (digit, hex letter, other
        # letter; by case) leaves every token's shape as it is, and random tokens of one
        # template meet the token memo as a few keys instead of a new one each time.
        value = value.translate(_CHAR_CLASSES)
    value = value.strip()[:200]
    left, at, host = value.strip("<>").rpartition("@")
    if not at:
        return _shape(value, False)
    host_shape = "IP" if _IP.match(host) else ("H" if "." in host else _shape(host, False))
    wrap = ("<" if value.startswith("<") else "", ">" if value.endswith(">") else "")
    return f"{wrap[0]}{_shape(left, False)}@{host_shape}{wrap[1]}"


_CHAR_CLASSES = str.maketrans("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                               "0" * 10 + "a" * 6 + "g" * 20 + "A" * 6 + "G" * 20)


def date_shape(value: str | None) -> str | None:
    """``Sun, 8 Apr 2007 13:21:30 -0400 (EDT)`` → ``Www, N Mmm D4 N:N:N +D4 (Z)``."""
    if value is None:
        return None
    text = value.strip()[:100]
    # A run of digits shapes by its length alone: in ASCII text where no word mixes
    # letters and digits, every digit read as 0 leaves the shape as it is, and one
    # template (a mailer's date format) gives one key to remember its shape by.
    key = text.translate(_ZERO_DIGITS)
    shape = _DATE_SHAPES.get(key)  # only such keys are kept, and the zeros keep both tests
    if shape is not None:
        return shape
    if text.isascii() and _MIXED_WORD.search(text) is None:
        return _DATE_SHAPES[key]
    return _date_shape(text)


def _date_shape(text: str) -> str:
    parts = _DATE_TOKEN.split(text)  # tokens are the odd items, as in _shape
    parts[1::2] = map(_date_token_shape, parts[1::2])
    return "".join(parts)


_MIXED_WORD = re.compile(r"[A-Za-z][0-9]|[0-9][A-Za-z]")
_ZERO_DIGITS = str.maketrans("123456789", "000000000")
_DATE_SHAPES = Memo(_date_shape, 4096)


@lru_cache(maxsize=4096)
def _date_token_shape(tok: str) -> str:
    low = tok.lower()
    if tok.isdigit():
        return "N" if len(tok) <= 2 else f"D{len(tok)}"
    if low in _DAYS:
        return "Www"
    if low in _MONTHS:
        return "Mmm"
    if tok == "-":
        return "+"
    if tok.isalpha():
        return "Z" if tok.isupper() else tok
    return tok


def subject_shape(value: str | None) -> str | None:
    """Subject with numbers and random-looking tokens masked, case folded."""
    if value is None:
        return None
    return _SUBJECT_SHAPES[value]


def _subject_shape(value: str) -> str:
    return _shape(value.lower()[:200], True)


def boundary_shape(content_type: str | None) -> str | None:
    """Shape of the top-level MIME boundary parameter (words kept, values masked)."""
    if not content_type:
        return None
    return _BOUNDARY_SHAPES[content_type]


def _boundary_shape(content_type: str) -> str | None:
    m = _BOUNDARY.search(content_type)
    return _shape(m.group(1)[:100], True) if m else None


# Whole subjects and Content-Type values recur (a campaign's subject, a mailer's fixed
# boundary): their shapes are remembered, for values up to this many characters.
_SUBJECT_SHAPES = Memo(_subject_shape, 1 << 13, keep=lambda value: len(value) <= 256)
_BOUNDARY_SHAPES = Memo(_boundary_shape, 1 << 13, keep=lambda value: len(value) <= 256)
