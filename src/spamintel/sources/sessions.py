"""SMTP session records: the sidecar every trap-seen message carries.

A session record is a JSON object written by the trap (and by the simulator, which
speaks for the trap it imitates). Fields every writer sets:

- ``msg_sha256``: sha256 of the message bytes as stored (with the trap's Received line)
- ``sensor``: sensor name; ``client_ip``, ``client_port``; ``helo``: HELO/EHLO argument
- ``connected_at``, ``received_at``: ISO-8601 UTC; ``received_at`` is when 250 was sent
- ``mail_from``: envelope sender; ``rcpt_to``: list of envelope recipients
- ``tls``: bool; ``index_in_session``: 0-based message number within the connection
- ``transcript``: list of ``[ms_since_connect, "C"|"S", text]``; client lines keep their
  exact bytes (decoded latin-1) including the line ending, so bare LF stays visible

Readers must ignore unknown fields.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spamintel.model import RawMessage, session_recipients

SIDECAR_SUFFIX = ".sessions.jsonl"


def sidecar_for(path: Path) -> Path | None:
    """The sessions sidecar beside an mbox file (``X.mbox[.gz]`` → ``X.sessions.jsonl[.gz]``);
    None when there is none, or when its name would be longer than the file system allows."""
    stem = path.name
    for ext in (".gz", ".mbox", ".eml"):
        stem = stem.removesuffix(ext)
    for cand in (SIDECAR_SUFFIX, SIDECAR_SUFFIX + ".gz"):
        side = path.with_name(stem + cand)
        try:
            if side.is_file():
                return side
        except OSError:  # a name the file system refuses (too long): there is no sidecar
            continue
    return None


def iter_session_records(path: Path) -> Iterator[dict[str, Any]]:
    """Read session records (JSON lines, optionally gzip) and skip unreadable lines."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict) and "msg_sha256" in rec:
                yield rec


def _when(value: Any) -> datetime | None:
    """An ISO-8601 time; one without a zone is UTC, as every writer means it."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _text(value: Any) -> str | None:
    """A field that must be a string: anything else (a number, a list) is left out."""
    return value if isinstance(value, str) else None


def with_session(raw: RawMessage, session: dict[str, Any]) -> RawMessage:
    """Return ``raw`` as a trap-witnessed message carrying ``session``'s envelope data.
    A record is read as it is found: a field of the wrong type is left out, not an
    error (records also come from other writers' sidecars)."""
    return RawMessage(
        data=raw.data,
        source=raw.source,
        sensor=_text(session.get("sensor")) or raw.sensor,
        source_kind="trap",
        received_at=_when(session.get("received_at")),
        envelope_from=_text(session.get("mail_from")),
        envelope_rcpts=session_recipients(session),
        client_ip=_text(session.get("client_ip")),
        client_helo=_text(session.get("helo")),
        session=session,
        label=raw.label,
    )
