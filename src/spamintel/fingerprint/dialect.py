"""SMTP dialect: how a client speaks SMTP, reduced to features and a short hash.

``dialect_fingerprint(session)`` reads one session record (see
``spamintel.sources.sessions``) and returns ``(fp, features)``. It is a pure function of the
record, so the trap and the simulator, which both write session records, get the same
fingerprint for the same behaviour.

What the function reads from the transcript (``[ms, "C"|"S", text]`` entries, in the
order they happened on the wire; client lines keep their exact bytes and line ending):

- a client line that arrived before the server's reply to the previous command is written
  *before* that reply, so two client lines in a row mean the client pipelined;
- the end of message data is one client entry holding the terminating dot line
  (``".\\r\\n"`` or ``".\\n"``); message content lines are never in the transcript;
- only the *prelude* (entries before the first ``MAIL``) and the *transaction* (entries
  from the last ``MAIL`` to the end) are used, so a writer may drop the middle of long
  multi-message sessions without changing the fingerprint.

Timing (``ms`` values, connect-to-DATA, bytes/s) never enters the hash or the features: a
replay of the same session at another speed must give the same event. Counts that vary
message by message (recipients, position in the session) are features but not hashed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from spamintel.model import session_recipients

FP_CHARS = 16
_VERB = re.compile(r"[A-Za-z]+")
_ANGLE = re.compile(r"<[^>]+>")  # an empty "<>" (the null sender) is kept as it is
_ADDR = re.compile(r"[^\s<>:]*@[^\s<>]*")
_NUM = re.compile(r"\d+")
_HOST = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$")
_EXTRA_VERBS = ("RSET", "NOOP", "VRFY", "EXPN", "HELP", "STARTTLS", "AUTH", "TURN", "ETRN")
HASHED = ("helo_verb", "helo_form", "helo_matches_ip", "helo_shape", "mail_shape",
          "rcpt_shape", "data_shape", "prelude", "transaction", "extra_verbs", "line_ending",
          "pipelining", "early_talker", "data_before_354", "after_error", "tls")


def dialect_fingerprint(session: dict) -> tuple[str, dict]:
    """Dialect features of one session record and their short hash (16 hex chars)."""
    prelude, transaction = _prelude_and_transaction(_entries(session.get("transcript")))
    entries = prelude + transaction
    client = [text for _, who, text in entries if who == "C"]
    lines = [_strip(text) for text in client]
    helo = next((ln for ln in lines if _verb(ln) in ("HELO", "EHLO")), None)
    feats: dict[str, Any] = {
        "helo_verb": _split(helo)[0] if helo is not None else "none",
        "helo_form": helo_form(_split(helo)[1]) if helo is not None else "none",
        "helo_matches_ip": _helo_matches(helo, session.get("client_ip")),
        "helo_shape": _shape_of(lines, ("HELO", "EHLO")),
        "mail_shape": _shape_of(lines, ("MAIL",)),
        "rcpt_shape": _shape_of(lines, ("RCPT",)),
        "data_shape": _shape_of(lines, ("DATA",)),
        "prelude": _sequence(_verbs(prelude)),
        "transaction": _sequence(_verbs(transaction)),
        "extra_verbs": sorted({v for v in map(_verb, lines) if v in _EXTRA_VERBS}),
        "line_ending": _line_ending(client),
        "pipelining": _pipelined(entries),
        "early_talker": bool(entries) and entries[0][1] == "C",
        "data_before_354": _data_before_354(entries),
        "after_error": _after_error(entries),
        "tls": bool(session.get("tls")),
        "rcpt_count": len(session_recipients(session)),
        "index_in_session": _int(session.get("index_in_session")),
        "errors": sum(1 for _, who, text in entries if who == "S" and text[:1] in "45"),
    }
    key = features_json({k: feats[k] for k in HASHED})
    return hashlib.sha256(key.encode()).hexdigest()[:FP_CHARS], feats


# One encoder for every call: json.dumps with options builds a new one each time.
_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def features_json(features: dict) -> str:
    """Features as compact JSON with sorted keys (what ``smtp_dialect`` stores)."""
    return _JSON.encode(features)


def helo_form(arg: str) -> str:
    """Class of a HELO/EHLO argument: empty|ip|literal|fqdn|word|other."""
    arg = arg.strip()
    if not arg:
        return "empty"
    if arg.startswith("[") and arg.endswith("]"):
        return "literal"
    if _ip(arg) is not None:
        return "ip"
    if _HOST.match(arg):
        return "fqdn" if "." in arg.rstrip(".") else "word"
    return "other"


def shape(line: str) -> str:
    """A command line with addresses, host names and numbers masked, case and spacing kept."""
    verb, arg = _split(line)
    if verb.upper() in ("HELO", "EHLO"):
        sep = line[len(verb):len(line) - len(arg.lstrip())] if arg.strip() else line[len(verb):]
        return f"{verb}{sep}{{{helo_form(arg)}}}" if arg.strip() else line
    masked = _ANGLE.sub("<a>", line)
    if "@" in masked:  # what is left of an address outside <>; the pattern is slow to fail
        masked = _ADDR.sub("a", masked)
    return _NUM.sub("N", masked)


def _entries(raw: Any) -> list[tuple[int, str, str]]:
    out: list[tuple[int, str, str]] = []
    if not isinstance(raw, list | tuple):  # a record from another writer may hold anything
        return out
    for item in raw:
        # list first: JSON gives lists, and the abstract-class check is slow
        if isinstance(item, (list, Sequence)) and len(item) >= 3 and item[1] in ("C", "S"):
            ms = item[0] if type(item[0]) is int else _int(item[0])  # JSON gives ints
            out.append((ms, str(item[1]), str(item[2])))
    return out


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


def _strip(text: str) -> str:
    return text.rstrip("\r\n")


def _split(line: str | None) -> tuple[str, str]:
    line = _strip(line or "")
    match = _VERB.match(line)
    verb = match.group() if match else ""
    return verb, line[len(verb):]


def _verb(line: str) -> str:
    # Each feature reads the verbs again, and lines recur from session to session: short
    # lines (nearly all) are worked out once; long ones are not kept.
    return _remembered_verb(line) if len(line) <= 128 else _verb_of(line)


def _verb_of(line: str) -> str:
    match = _VERB.match(line)  # trailing line breaks never touch the leading letters
    if match:
        return match.group().upper()
    return "." if _strip(line) == "." else "?"


_remembered_verb = lru_cache(maxsize=1 << 12)(_verb_of)


def _mail_positions(entries: list[tuple[int, str, str]]) -> list[int]:
    return [i for i, (_, who, text) in enumerate(entries) if who == "C" and _verb(text) == "MAIL"]


def _prelude_and_transaction(entries: list[tuple[int, str, str]]
                             ) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """Entries before the first ``MAIL``, and from the last ``MAIL`` to the end."""
    mails = _mail_positions(entries)
    return (entries[: mails[0]], entries[mails[-1]:]) if mails else (entries, [])


def _verbs(entries: list[tuple[int, str, str]]) -> list[str]:
    return [_verb(text) for _, who, text in entries if who == "C"]


def _sequence(verbs: list[str]) -> str:
    """Verbs in order with runs collapsed: ``EHLO MAIL RCPT+ DATA .``."""
    out: list[str] = []
    for verb in verbs:
        if out and out[-1].rstrip("+") == verb:
            out[-1] = verb + "+"
        else:
            out.append(verb)
    return " ".join(out)


def _shape_of(lines: list[str], verbs: tuple[str, ...]) -> str | None:
    line = next((ln for ln in lines if _verb(ln) in verbs), None)
    if line is None:
        return None
    return _remembered_shape(line) if len(line) <= 128 else shape(line)  # as for verbs


_remembered_shape = lru_cache(maxsize=1 << 12)(shape)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip("[]")
    if text.lower().startswith("ipv6:"):
        text = text[5:]
    if ":" not in text and not text[:1].isdigit():
        return None  # neither IPv4 (starts with a digit) nor IPv6 (has colons): a name
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _helo_matches(helo: str | None, client_ip: Any) -> bool:
    if helo is None or not isinstance(client_ip, str):
        return False
    said = _ip(_split(helo)[1])
    return said is not None and said == _ip(client_ip)


def _line_ending(client: list[str]) -> str:
    kinds = {"crlf" if t.endswith("\r\n") else "lf" if t.endswith("\n") else "none"
             for t in client}
    if not kinds:
        return "none"
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _pipelined(entries: list[tuple[int, str, str]]) -> bool:
    return any(a[1] == "C" and b[1] == "C" and _verb(b[2]) != "."
               for a, b in zip(entries, entries[1:], strict=False))


def _data_before_354(entries: list[tuple[int, str, str]]) -> bool:
    for a, b in zip(entries, entries[1:], strict=False):
        if a[1] == "C" and _verb(a[2]) == "DATA" and b[1] == "C" and _verb(b[2]) == ".":
            return True
    return False


def _after_error(entries: list[tuple[int, str, str]]) -> list[str]:
    """What the client said next after each 4xx/5xx reply (distinct verbs, sorted)."""
    seen: set[str] = set()
    for i, (_, who, text) in enumerate(entries):
        if who == "S" and text[:1] in "45":
            nxt = next((_verb(t) for _, w, t in entries[i + 1:] if w == "C"), "end")
            seen.add(nxt)
    return sorted(seen)
