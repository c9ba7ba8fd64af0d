"""SMTP sessions as a trap records them: the client's exact command lines (case, spacing,
line ending, pipelining order) interleaved with the trap's replies.

A connection delivers one or more messages. Each message's transcript holds the prelude
(banner, HELO/EHLO) and its own transaction, the window the trap writes per message and
the dialect fingerprint reads. Message content lines never enter a transcript.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from spamintel.simulate.templates import Dialect

EHLO_REPLY = "250-{host}\r\n250-PIPELINING\r\n250-SIZE 20480000\r\n250 8BITMIME"


@dataclass(slots=True)
class Speech:
    """The command forms one session actually uses (a dialect after per-session noise)."""

    greet: str
    mail: str
    rcpt: str
    data: str
    rset: str
    quit: str
    eol: str
    pipelining: bool
    rset_p: float


def speech_for(d: Dialect, rng: random.Random) -> Speech:
    """The session's command forms: usually the dialect's own, sometimes a noisy variant
    (the other greeting verb, or every command in lower case)."""
    sp = Speech(d.greet, d.mail, d.rcpt, d.data, d.rset, d.quit, d.eol, d.pipelining, d.rset_p)
    if d.noise and rng.random() < d.noise:
        if rng.random() < 0.5:
            verb = sp.greet[:4]
            swap = {"EHLO": "HELO", "HELO": "EHLO", "ehlo": "helo", "helo": "ehlo"}
            sp.greet = swap.get(verb, "HELO") + sp.greet[4:]
        else:
            sp.greet, sp.mail, sp.rcpt, sp.data = (
                _lower_verb(x) for x in (sp.greet, sp.mail, sp.rcpt, sp.data)
            )
    return sp


def _lower_verb(form: str) -> str:
    head, sep, rest = form.partition("{")
    return head.lower() + sep + rest


def prelude(sp: Speech, helo: str, host: str) -> list[list]:
    """Banner and greeting exchange."""
    esmtp = sp.greet[:4].upper() == "EHLO"
    reply = EHLO_REPLY.format(host=host) if esmtp else f"250 {host}"
    return [
        [0, "S", f"220 {host} ESMTP"],
        [3, "C", sp.greet.format(helo=helo) + sp.eol],
        [4, "S", reply],
    ]


def transaction(
    sp: Speech, ms: int, mail_from: str, rcpts: list[str], size: int, rng: random.Random
) -> tuple[list[list], int]:
    """One message's commands and replies starting at ``ms``; returns entries and end ms.
    The last entry is the final 250 reply; the caller adds the queue id to it."""
    eol = sp.eol
    out: list[list] = []
    if sp.rset_p and rng.random() < sp.rset_p:
        out += [[ms, "C", sp.rset + eol], [ms + 1, "S", "250 2.0.0 Ok"]]
        ms += 2
    cmds = [sp.mail.format(addr=mail_from, size=size)]
    cmds += [sp.rcpt.format(addr=r) for r in rcpts]
    cmds.append(sp.data)
    replies = (
        ["250 2.1.0 Ok"] + ["250 2.1.5 Ok"] * len(rcpts) + ["354 End data with <CR><LF>.<CR><LF>"]
    )
    if sp.pipelining:
        out += [[ms, "C", c + eol] for c in cmds]
        out += [[ms + 1, "S", r] for r in replies]
        ms += 2
    else:
        for c, r in zip(cmds, replies, strict=True):
            out += [[ms, "C", c + eol], [ms + 1, "S", r]]
            ms += 2 + int(rng.random() * 40)
    ms += 5 + size // 2000
    # message data and its final dot always end in CRLF (RFC 5321 §4.1.1.4): servers that
    # accept bare-LF commands still wait for CRLF.CRLF
    out += [[ms, "C", ".\r\n"], [ms + 1, "S", "250 2.0.0 Ok: queued"]]
    return out, ms + 2


def before_first_mail(entries: list[list]) -> list[list]:
    """Transcript entries before the first client ``MAIL`` (the connection's prelude, as the
    trap keeps it in every message record of the connection)."""
    for i, (_, who, text) in enumerate(entries):
        if who == "C" and text[:4].upper() == "MAIL":
            return entries[:i]
    return list(entries)
