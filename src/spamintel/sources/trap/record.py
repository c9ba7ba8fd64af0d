"""What the trap stores for an accepted message: the stamped bytes and the session record.

Pure functions of what the connection saw, so the simulator's replay through the trap
and its direct output agree byte for byte when they agree on the inputs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from spamintel.simulate.received import trap_received_line

_SAFE = {c: "?" for c in range(256) if c < 0x21 or c > 0x7E}


@dataclass(frozen=True, slots=True)
class Delivery:
    """Everything known about one accepted message when its data has been read."""

    data: bytes
    sensor: str
    trap_host: str
    session_id: str
    client_ip: str
    client_port: int
    helo: str
    esmtp: bool
    tls: bool
    connected_at: datetime
    received_at: datetime
    mail_from: str
    rcpt_to: tuple[str, ...]
    index_in_session: int
    transcript: list[list] = field(default_factory=list)
    rdns: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def queue_id(data: bytes, received_at: datetime) -> str:
    """The trap's queue id for a message: a hash of its data and its receive time."""
    digest = hashlib.sha256(received_at.isoformat().encode() + b"|" + data)
    return digest.hexdigest()[:12].upper()


def clean_token(text: str, limit: int = 255) -> str:
    """A client-supplied token made safe for a header: printable ASCII, no spaces, bounded."""
    return (text.translate(_SAFE)[:limit]) or "unknown"


def stamped_bytes(d: Delivery) -> tuple[bytes, str]:
    """The message as stored (trap Received line + data) and its queue id."""
    qid = queue_id(d.data, d.received_at)
    rcpt = clean_token(d.rcpt_to[0] if d.rcpt_to else "", 320)
    line = trap_received_line(clean_token(d.helo), d.rdns, d.client_ip, d.trap_host, d.esmtp,
                              qid, rcpt, d.received_at)
    return line.encode("ascii", "replace") + d.data, qid


def session_record(d: Delivery, sha: str, qid: str) -> dict[str, Any]:
    """The session record (``spamintel.sources.sessions``) for one delivery.

    Besides the common fields the trap adds ``session_id``, ``queue_id``, ``rdns``,
    ``esmtp``, ``trap_host`` and, from ``Delivery.extra``, ``connect_to_data_ms``,
    ``data_bytes``, ``data_ms``, ``bytes_per_s``, ``mail_options`` (MAIL parameters as
    sent) and ``transcript_dropped`` (entries left out to bound the record). The
    transcript covers the prelude and this message's transaction, up to its dot line.
    """
    return {
        "msg_sha256": sha,
        "sensor": d.sensor,
        "session_id": d.session_id,
        "queue_id": qid,
        "client_ip": d.client_ip,
        "client_port": d.client_port,
        "rdns": d.rdns,
        "helo": d.helo,
        "esmtp": d.esmtp,
        "connected_at": d.connected_at.isoformat(),
        "received_at": d.received_at.isoformat(),
        "mail_from": d.mail_from,
        "rcpt_to": list(d.rcpt_to),
        "tls": d.tls,
        "index_in_session": d.index_in_session,
        "trap_host": d.trap_host,
        "transcript": d.transcript,
        **d.extra,
    }


def encode_record(record: dict[str, Any]) -> bytes:
    """Session record as compact JSON bytes."""
    return json.dumps(record, separators=(",", ":"), ensure_ascii=True).encode()
