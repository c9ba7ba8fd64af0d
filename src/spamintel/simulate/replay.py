"""Replay a simulated world over SMTP: one connection per recorded bot session, sending the
exact client lines of its transcript (case, spacing, bare LF, pipelined batches), the
message data, and QUIT or a dropped connection as the session ended.

With ``xclient`` each message is preceded by ``XCLIENT ADDR= PORT= NAME= TIME=`` so a
trap that trusts the replaying host records the bot's address and the simulated receive
time: the project's trap then stores byte-identical messages (same ``msg_sha256``).

Bounded: at most ``max_sessions`` sessions, a timeout on every socket operation, and only
the host and port the caller names. The trap's own Received line is stripped from the data
(the receiving server adds its own).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from spamintel.simulate.smtp import before_first_mail
from spamintel.sources._mbox import iter_mbox


@dataclass(frozen=True)
class ReplayConfig:
    """Where to send and how much."""

    world: Path
    host: str = "127.0.0.1"
    port: int = 25
    max_sessions: int = 1000
    timeout: float = 10.0
    sensors: tuple[str, ...] = ()
    xclient: bool = False


@dataclass
class ReplayStats:
    """What a replay did."""

    sessions: int = 0
    messages: int = 0
    errors: int = 0


def strip_trap_received(data: bytes) -> bytes:
    """The message without its first header (the trap's folded Received line)."""
    end = 0
    while True:
        nl = data.find(b"\n", end)
        if nl < 0:
            return data
        end = nl + 1
        if data[end : end + 1] not in (b"\t", b" "):
            return data[end:]


def dot_stuff(data: bytes) -> bytes:
    """Double a leading dot on every line (RFC 5321 §4.5.2)."""
    if data.startswith(b"."):
        data = b"." + data
    return data.replace(b"\n.", b"\n..")


def iter_sessions(world: Path, sensors: tuple[str, ...] = ()) -> Iterator[list[tuple[dict, bytes]]]:
    """Sessions of a world (mbox or eml layout), in file order: lists of (session record,
    message bytes)."""
    for folder in sorted((world / "mail").iterdir()):
        if sensors and folder.name not in sensors:
            continue
        for mbox in sorted(folder.glob("*.mbox")):
            records = _records(mbox.with_name(mbox.stem + ".sessions.jsonl"))
            with open(mbox, "rb") as fh:
                messages = {sha256(d).hexdigest(): d for _, d, _ in iter_mbox(fh, 64 << 20)}
            yield from _group(records, messages)
        for day in sorted(p for p in folder.iterdir() if p.is_dir()):
            emls = sorted(day.glob("*.eml"))
            records = [r for e in emls for r in _records(e.with_suffix(".sessions.jsonl"))]
            messages = {sha256(d).hexdigest(): d for d in (e.read_bytes() for e in emls)}
            yield from _group(records, messages)


def _records(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _group(records: list[dict], messages: dict[str, bytes]) -> Iterator[list[tuple[dict, bytes]]]:
    by_session: dict[str, list[tuple[dict, bytes]]] = {}
    for rec in records:
        if rec["msg_sha256"] in messages:
            by_session.setdefault(rec.get("session_id", rec["msg_sha256"]), []).append(
                (rec, messages[rec["msg_sha256"]])
            )
    for items in by_session.values():
        yield sorted(items, key=lambda it: it[0].get("index_in_session", 0))


def replay(cfg: ReplayConfig) -> ReplayStats:
    """Replay up to ``cfg.max_sessions`` sessions of ``cfg.world`` to ``cfg.host:cfg.port``."""
    return replay_sessions(cfg, iter_sessions(cfg.world, cfg.sensors))


def replay_sessions(cfg: ReplayConfig, sessions: Iterable[list[tuple[dict, bytes]]]) -> ReplayStats:
    """Replay the given sessions (see ``iter_sessions``), at most ``cfg.max_sessions``."""
    stats = ReplayStats()
    for session in sessions:
        if stats.sessions >= cfg.max_sessions:
            break
        stats.sessions += 1
        try:
            stats.messages += _one_session(cfg, session)
        except (OSError, ValueError):
            stats.errors += 1
    return stats


class SmtpWire:
    """A plain SMTP client socket that sends bytes exactly as given and reads replies
    (a multi-line reply ends at its ``NNN `` line; RFC 5321 §4.2.1)."""

    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def send(self, data: bytes) -> None:
        """Send bytes unchanged (bare LF, pipelined batches and all)."""
        self.sock.sendall(data)

    def reply(self) -> str:
        """One complete (possibly multi-line) reply; returns its last line."""
        while True:
            nl = self.buf.find(b"\n")
            while nl >= 0:
                line, self.buf = self.buf[: nl + 1], self.buf[nl + 1 :]
                if line[3:4] != b"-":
                    return line.decode("latin-1").rstrip("\r\n")
                nl = self.buf.find(b"\n")
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed by server")
            self.buf += chunk

    def say(self, line: bytes) -> str:
        """Send one command and return its reply."""
        self.send(line)
        return self.reply()

    def close(self) -> None:
        """Close the connection."""
        self.sock.close()


def xclient_line(rec: dict) -> bytes:
    """``XCLIENT`` stating the recorded client and receive time of the next message, for a
    server that trusts the replaying host (Postfix-style; the project's trap honours it)."""
    name = rec.get("rdns") or "[UNAVAILABLE]"
    return (
        f"XCLIENT ADDR={rec['client_ip']} PORT={rec.get('client_port', 0)} NAME={name} "
        f"TIME={rec['received_at']}\r\n"
    ).encode("ascii", "replace")


def _prelude_len(entries: list) -> int:
    return len(before_first_mail(entries))


def _one_session(cfg: ReplayConfig, session: list[tuple[dict, bytes]]) -> int:
    wire = SmtpWire(cfg.host, cfg.port, cfg.timeout)
    sent = 0
    try:
        first = session[0][0]["transcript"]
        skip = _prelude_len(first)
        for k, (rec, data) in enumerate(session):
            entries = rec["transcript"] if k == 0 else rec["transcript"][skip:]
            if k == 0 and entries and entries[0][1] == "S":
                wire.reply()  # banner
                entries = entries[1:]
            if cfg.xclient:
                wire.send(xclient_line(rec))
                wire.reply()
            if _play(wire, entries, data):
                sent += 1
        last = session[-1][0]
        if last.get("closing") == "quit":
            wire.send(last.get("quit_line", "QUIT\r\n").encode("latin-1"))
            wire.reply()
    finally:
        wire.close()
    return sent


def _play(wire: SmtpWire, entries: list, data: bytes) -> bool:
    """Send one message's client lines in recorded batches; True when the server took it."""
    batch: list[str] = []
    ok = True
    for i, (_, who, text) in enumerate(entries):
        if who == "C":
            if text.rstrip("\r\n") == ".":
                wire.send(dot_stuff(strip_trap_received(data)))
            batch.append(text)
            continue
        if batch:
            wire.send("".join(batch).encode("latin-1"))
            batch = []
        got = wire.reply()
        if i + 1 == len(entries) or got[:1] in "45":
            ok = ok and got[:1] == "2"
        if got[:1] in "45" and text.startswith("354"):
            return False
    return ok
