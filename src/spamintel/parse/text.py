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
_SCRIPT_OPEN = re.compile(r"<(script|style|head)\b", re.I)
# Possessive: past 2,000 characters the next one is no ">" either (no backing off).
_TAG = re.compile(r"<[^>]{0,2000}+>", re.S)
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
    markup = _without_scripts(markup)
    # No tag ends after the last ">": the "<"s after it are left out of the searches,
    # where each would be read on to the end (a "<br": quadratic) or 2,000 characters.
    end = markup.rfind(">") + 1
    head, tail = (markup[:end], markup[end:]) if markup.find("<", end) >= 0 else (markup, "")
    text = html.unescape(_TAG.sub(" ", _BLOCK.sub("\n", head)) + tail)
    # Each line's spaces collapsed, blank lines dropped (split/join beats a regex 3x here).
    return "\n".join(filter(None, [" ".join(line.split()) for line in text.split("\n")]))


def _without_scripts(markup: str) -> str:
    """``_SCRIPT.sub(" ", markup)``: each script, style and head element replaced by a
    space, an unclosed one kept; in linear time.

    An opening tag that no closing tag follows is read to the end of the markup, and any
    later opening of the same name (a closing tag matches its letters in any case) would
    be read to the end in vain: each name is read so at most once, not once per opening
    tag (quadratic).
    """
    pieces: list[str] = []
    done = at = 0  # markup[:done] is in pieces; openings are searched from ``at``
    unclosed: set[str] = set()
    while (opening := _SCRIPT_OPEN.search(markup, at)) is not None:
        at = opening.end()
        name = opening.group(1).lower()
        if name in unclosed:
            continue
        element = _SCRIPT.match(markup, opening.start())
        if element is None:
            unclosed.add(name)
            continue
        pieces += (markup[done:opening.start()], " ")
        done = at = element.end()
    return "".join(pieces) + markup[done:] if pieces else markup
