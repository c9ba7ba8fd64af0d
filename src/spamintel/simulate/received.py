"""What the receiving side writes into a message: the Received line a trap prepends to
each message it accepts (RFC 5321 §4.4), and the stamps a filter on its route appends."""

from __future__ import annotations

import re
from datetime import datetime

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc5322_date(when: datetime) -> str:
    """``Wed, 16 Mar 2011 14:45:00 +0000`` for an aware UTC datetime (RFC 5322 §3.3)."""
    return (
        f"{_DAYS[when.weekday()]}, {when.day:02d} {_MONTHS[when.month - 1]} {when.year} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} +0000"
    )


def trap_received_line(
    helo: str,
    rdns: str | None,
    ip: str,
    trap_host: str,
    esmtp: bool,
    queue_id: str,
    rcpt: str,
    when: datetime,
    eol: str = "\r\n",
) -> str:
    """The trap's Received header, folded over three lines, ending with ``eol``.

    ``Received: from {helo} ({rdns or "unknown"} [{ip}])`` / ``by {trap_host} with
    {ESMTP|SMTP} id {id}`` / ``for <{rcpt}>; {date}``. The trap sensor and the simulator
    both build it here so that the parser sees one form.
    """
    proto = "ESMTP" if esmtp else "SMTP"
    return (
        f"Received: from {helo} ({rdns or 'unknown'} [{ip}]){eol}"
        f"\tby {trap_host} with {proto} id {queue_id}{eol}"
        f"\tfor <{rcpt}>; {rfc5322_date(when)}{eol}"
    )


_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


def stamped(message: bytes, fields: tuple[str, ...], host: str, when: datetime,
            token: str) -> bytes:
    """``message`` with the stamps a receiving filter appends to the header (one field per
    name in ``fields``, after the sender's last field, in the header's own line ending)."""
    blank = _BLANK_LINE.search(message)
    at = blank.start() if blank else len(message)
    eol = b"\r\n" if message[at:at + 1] == b"\r" or not blank else b"\n"
    lines = b"".join(eol + f"{name}: {host} {token} {rfc5322_date(when)}".encode("ascii")
                     for name in fields)
    return message[:at] + lines + message[at:]
