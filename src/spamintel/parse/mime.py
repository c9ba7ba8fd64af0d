"""MIME structure: leaves with decoded content, by a fast path and a tolerant fallback.

A one-part text message without transfer encoding (most mail) is its own body and needs
no MIME parser (path ``single``). Otherwise the fast path is ``fast-mail-parser``'s tree
(Rust, path ``fast``); when it refuses a message (broken base64, over its depth cap) the
standard library's compat32 parser, which repairs rather than refuses, takes over (path
``stdlib``). Which path ran is reported so it can be measured.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import fast_mail_parser as fmp

from spamintel.memo import Memo

_IDENTITY_ENCODINGS = frozenset({"", "7bit", "8bit", "binary"})
# A top-level field that can shape the MIME tree (Content-*, MIME-Version) with its
# continuation lines, found from the line break before it: a literal the search skips to.
_MIME_FIELD = re.compile(rb"\n(?:content-|mime-version)[^\n]*(?:\n[ \t][^\n]*)*", re.I)


@dataclass(slots=True)
class Leaf:
    """One non-multipart MIME part."""

    content_type: str
    params: dict[str, str]
    filename: str | None
    disposition: str | None
    content: bytes
    depth: int


@dataclass(slots=True)
class Structure:
    """The MIME tree flattened to leaves, with the facts the fingerprint needs."""

    leaves: list[Leaf] = field(default_factory=list)
    depth: int = 0
    path: str = "fast"
    defects: list[str] = field(default_factory=list)


def parse_params(value: str | None) -> tuple[str, dict[str, str]]:
    """Split a Content-Type value into the lower-case type and its parameters."""
    if not value:
        return "text/plain", {}
    ctype, params = _PARAMS[value]
    return ctype, dict(params)  # a dict of the caller's own


def _parse_params(value: str) -> tuple[str, dict[str, str]]:
    head, *rest = value.split(";")
    params: dict[str, str] = {}
    for item in rest:
        key, sep, val = item.partition("=")
        if sep:
            params[key.strip().lower()] = val.strip().strip('"').strip("'")
    return head.strip().lower() or "text/plain", params


# Content-Type values recur (three in four on TREC: a mailer writes the same part
# headers message after message): values up to this many characters are split once.
_PARAMS = Memo(_parse_params, 1 << 13, keep=lambda value: len(value) <= 256)


def _first(headers: dict[str, list[str]], name: str, usual: str) -> str | None:
    values = headers.get(usual)  # the spelling nearly every sender uses, before a scan
    if values:
        return values[0]
    for key, values in headers.items():
        if key.lower() == name and values:
            return values[0]
    return None


def _fast(root: Any, max_depth: int, max_parts: int) -> Structure:
    """The leaves of a fast-mail-parser tree."""
    out = Structure(path="fast")
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        out.depth = max(out.depth, depth)
        children = node.children
        if children:
            if depth >= max_depth:
                out.defects.append("mime_too_deep")
                continue
            stack.extend((c, depth + 1) for c in reversed(children))
            continue
        if len(out.leaves) >= max_parts:
            out.defects.append("too_many_parts")
            break
        ctype, params = parse_params(_first(node.headers, "content-type", "Content-Type"))
        if node.content_type and node.content_type != ctype and not node.headers:
            ctype = node.content_type
        out.leaves.append(
            Leaf(ctype, params, node.filename or None, node.disposition, node.content or b"", depth)
        )
    return out


def _walk_stdlib(msg: Message, depth: int, max_depth: int
                 ) -> Iterator[tuple[Message | None, int]]:
    if msg.is_multipart():
        if depth >= max_depth:
            yield None, depth  # marks a subtree cut at the depth limit
            return
        for part in msg.get_payload() or []:
            if isinstance(part, Message):
                yield from _walk_stdlib(part, depth + 1, max_depth)
    else:
        yield msg, depth


def _slow(data: bytes, max_depth: int, max_parts: int) -> Structure:
    out = Structure(path="stdlib")
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    out.defects.extend(sorted({type(d).__name__ for d in msg.defects}))
    for part, depth in _walk_stdlib(msg, 0, max_depth):
        out.depth = max(out.depth, depth)
        if part is None:
            out.defects.append("mime_too_deep")
            continue
        if len(out.leaves) >= max_parts:
            out.defects.append("too_many_parts")
            break
        value = part.get("content-type")  # a Header object when it holds 8-bit bytes
        ctype, params = parse_params(None if value is None else str(value))
        try:
            payload = part.get_payload(decode=True)
        except (ValueError, TypeError, AssertionError):
            payload = None
            out.defects.append("undecodable_payload")
        content = payload if isinstance(payload, bytes) else b""
        disp = part.get_content_disposition()
        out.leaves.append(Leaf(ctype, params, _filename(part), disp, content, depth))
    return out


# Characters of the Content-Disposition and Content-Type values that a file name is read
# from: the standard library's parameter parser counts the quotes before each ";" from
# the start of the value again (quadratic in a value of many ";" inside quotes).
_MAX_PARAM_CHARS = 4096


def _filename(part: Message) -> str | None:
    """``part.get_filename()`` from at most the first ``_MAX_PARAM_CHARS`` characters of
    the fields it reads; None when there is none or it cannot be read."""
    fields = [(name, part.get(name)) for name in ("content-disposition", "content-type")]
    if any(value is not None and len(str(value)) > _MAX_PARAM_CHARS for _, value in fields):
        part = Message()
        for name, value in fields:
            if value is not None:
                part[name] = str(value)[:_MAX_PARAM_CHARS]
    try:
        return part.get_filename()
    except (ValueError, TypeError, LookupError):
        return None


def single_part(data: bytes, header: Callable[[str], str | None], body_offset: int
                ) -> Structure | None:
    """The structure of a one-part text message in 7bit/8bit, or None for anything else
    (which needs the MIME parser: ``mime_trees``, then ``structure_of``)."""
    if header("content-disposition") is not None:
        return None
    encoding = (header("content-transfer-encoding") or "").strip().lower()
    if encoding not in _IDENTITY_ENCODINGS:
        return None
    ctype, params = parse_params(header("content-type"))
    if not ctype.startswith("text/") or "name" in params:
        return None
    return Structure(leaves=[Leaf(ctype, params, None, None, data[body_offset:], 0)],
                     path="single")


def mime_fields_only(data: bytes, body_offset: int) -> bytes | None:
    """The message with only its MIME fields (Content-*, MIME-Version) above the body,
    byte for byte, or None when it has none.

    fast-mail-parser turns every top-level field into Python strings; a tree needs only
    these, and building the others costs about two thirds of its time on common mail.
    ``body_offset`` is where ``split_message`` found the body.
    """
    head_end = body_offset - (2 if data.startswith(b"\r\n\r\n", body_offset - 4) else 1)
    fields = _MIME_FIELD.findall(b"\n" + data[:head_end])
    if not fields:
        return None
    fields[0] = fields[0][1:]  # the line break put before the first line
    # One join, reading the body in place: the body is copied once.
    return b"".join([*fields, b"\n", memoryview(data)[head_end:]])


def parse_structure(data: bytes, max_depth: int, max_parts: int,
                    header: Callable[[str], str | None] | None = None, body_offset: int = 0,
                    clean_header: bool = False) -> Structure:
    """Flatten a message into MIME leaves, falling back to the stdlib when needed.

    With a lookup of the top-level headers (lower-case name → first value) and the
    body's offset, a one-part text message is read directly instead of through a MIME
    parser. ``clean_header`` says that the header block split into fields without any
    defect: then the MIME parser is given only the MIME fields (``mime_fields_only``),
    which yields the same tree.
    """
    if header is not None:
        single = single_part(data, header, body_offset)
        if single is not None:
            return single
    tree = mime_trees([(data, body_offset, clean_header)])[0]
    return structure_of(data, tree, max_depth, max_parts)


_REFUSALS = (fmp.ParseError, RecursionError, ValueError, TypeError)
# More encoded-word starts ("=?") than this in what fast-mail-parser would read, and the
# standard library's parser reads the message instead: fast-mail-parser takes time
# quadratic in the starts on a header line. Real mail has a few hundred at most.
_MAX_ENCODED_STARTS = 2000


class EncodedWordFlood(ValueError):
    """A message with more than ``_MAX_ENCODED_STARTS`` encoded-word starts, refused
    before fast-mail-parser reads it (defect ``fast_parser_refused:EncodedWordFlood``)."""


def _fast_tree(data: bytes) -> Any:
    """fast-mail-parser's tree of ``data``; raises when it refuses (or is not given) it."""
    if data.count(b"=?") > _MAX_ENCODED_STARTS:
        raise EncodedWordFlood(f"more than {_MAX_ENCODED_STARTS} encoded-word starts")
    return fmp.parse_email_tree(data)


def mime_trees(messages: list[tuple[bytes, int, bool]]) -> list[Any]:
    """fast-mail-parser trees of ``(data, body_offset, clean_header)`` messages, one
    after another, so that the parser's code stays in the CPU caches (inside the
    pipeline a tree takes a third less time than between other work); a message the
    parser refuses or breaks on gives the exception instead of its tree."""
    out: list[Any] = []
    for data, body_offset, clean_header in messages:
        try:
            reduced = mime_fields_only(data, body_offset) if clean_header else None
            out.append(_fast_tree(data if reduced is None else reduced))
        except Exception as exc:  # noqa: BLE001 - handed to structure_of, which decides
            out.append(exc)
    return out


def structure_of(data: bytes, tree: Any, max_depth: int, max_parts: int) -> Structure:
    """The structure from a ``mime_trees`` item: the tree's leaves, or the stdlib's
    reading when the fast parser refused the message (an error of another kind is
    raised again)."""
    if not isinstance(tree, Exception):
        try:
            return _fast(tree, max_depth, max_parts)
        except _REFUSALS as exc:
            tree = exc
    if not isinstance(tree, _REFUSALS):
        raise tree
    reason = f"fast_parser_refused:{type(tree).__name__}"
    try:
        out = _slow(data, max_depth, max_parts)
    except RecursionError:
        return Structure(path="none", defects=[reason, "mime_recursion_limit"])
    out.defects.insert(0, reason)
    return out
