"""Text from MIME leaves: charset decoding and HTML reduced to text (never rendered)."""

from __future__ import annotations

import codecs
import html
import re

# The body up to the first closing tag, "unrolled": runs without "<" taken whole, and a
# "<" only where no closing tag starts (the same match as a lazy ".*?", without trying
# the closing tag at every character). Possessive: an unclosed tag fails without backtracking.
_SCRIPT = re.compile(r"<(script|style|head)\b[^<]*+(?:<(?!/\1\s*>)[^<]*+)*+</\1\s*>",
                     re.I | re.S)
_TAG = re.compile(r"<[^>]{0,2000}>", re.S)
_BLOCK = re.compile(r"<(?:br|p|div|tr|li|h\d)\b[^>]*>", re.I)
# Codecs that never decode to a lone surrogate (the common ones: no scan needed).
_SAFE_CODECS = frozenset({"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1",
                          "latin1", "windows-1252", "cp1252"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str, defects: list[str]) -> str:
    """``text`` with lone surrogates replaced by U+FFFD (a defect): some codecs a message
    may name (UTF-7, ``unicode_escape``) decode bytes to them, and no UTF-8 store or
    page can hold them."""
    if not _SURROGATE.search(text):
        return text
    defects.append("lone_surrogate")
    return _SURROGATE.sub("\ufffd", text)


def decode_bytes(content: bytes, charset: str | None, defects: list[str]) -> str:
    """Decode part bytes with their declared charset; unknown charsets are a defect."""
    name = (charset or "").strip().lower() or "utf-8"
    try:
        codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        defects.append("unknown_charset")
        name = "utf-8"
    try:
        text = content.decode(name)
    except UnicodeDecodeError:
        defects.append("charset_mismatch")
        text = content.decode(name, errors="replace")
    except (LookupError, ValueError):
        defects.append("unknown_charset")
        return content.decode("utf-8", errors="replace")
    return text if name in _SAFE_CODECS else without_surrogates(text, defects)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML body: scripts/styles dropped, tags removed, entities decoded."""
    markup = _SCRIPT.sub(" ", markup)
    markup = _BLOCK.sub("\n", markup)
    text = html.unescape(_TAG.sub(" ", markup))
    # Each line's spaces collapsed, blank lines dropped (split/join beats a regex 3x here).
    return "\n".join(filter(None, [" ".join(line.split()) for line in text.split("\n")]))
