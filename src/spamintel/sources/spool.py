"""Read a trap spool as RawMessages with their SMTP sessions, once or continuously.

The trap writes (see ``spamintel.sources.trap.spool_writer``)::

    SPOOL/.spamintel-spool                 marker: this directory is a trap spool
    SPOOL/<sha[:2]>/<sha>.eml              message bytes, content-addressed (sha256)
    SPOOL/<sha[:2]>/<sha>.<sid>.json       session record of one delivery of those bytes
    SPOOL/index/<start>-<pid>.log          "<sha> <sid>" per acknowledged message, in order

Each session record is one delivery and becomes one ``RawMessage`` (its ``event_id`` uses
the delivery's ``received_at``), so the same bytes delivered twice are two events and a
record read twice is one. ``iter_spool`` scans the whole tree; ``SpoolFollower`` reads the
index logs from a checkpoint, so ``ingest --follow`` resumes where it stopped. Reading is
at least once and the store skips event_ids it holds, which makes ingest exactly once.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from spamintel.model import RawMessage, SourceFailure
from spamintel.sources.sessions import with_session

MARKER = ".spamintel-spool"
INDEX_DIR = "index"
SESSIONS_DIR = "sessions"
TMP_PREFIX = ".tmp-"

Item = RawMessage | SourceFailure


def content_path(root: str | Path, sha: str) -> Path:
    """Where the bytes of message ``sha`` live in spool ``root``."""
    return Path(root) / sha[:2] / f"{sha}.eml"


def sidecar_path(root: str | Path, sha: str, sid: str) -> Path:
    """Where the session record ``sid`` of message ``sha`` lives."""
    return Path(root) / sha[:2] / f"{sha}.{sid}.json"


def is_spool(path: str | Path) -> bool:
    """True when ``path`` is a trap spool directory."""
    return (Path(path) / MARKER).is_file()


def load_delivery(root: str | Path, sha: str, sid: str) -> Item:
    """One spooled delivery as a trap RawMessage, or a SourceFailure saying what is wrong."""
    side = sidecar_path(root, sha, sid)
    body = content_path(root, sha)
    try:
        record = json.loads(side.read_bytes())
        data = body.read_bytes()
    except (OSError, ValueError) as exc:
        return SourceFailure(source=str(side), reason=f"unreadable spool entry: {exc}")
    if not isinstance(record, dict):
        return SourceFailure(source=str(side), reason="session record is not an object")
    if hashlib.sha256(data).hexdigest() != sha:
        return SourceFailure(source=str(body), reason="spool content does not match its sha256",
                             data=data)
    return with_session(RawMessage(data=data, source=str(body)), record)


def _split_sidecar(name: str) -> tuple[str, str] | None:
    if not name.endswith(".json") or name.startswith(TMP_PREFIX):
        return None
    sha, _, sid = name[: -len(".json")].partition(".")
    return (sha, sid) if len(sha) == 64 and sid else None


def iter_spool(root: str | Path) -> Iterator[Item]:
    """Every delivery in the spool, in a stable order (by sha, then session id)."""
    root = Path(root)
    for sub in sorted(p for p in root.iterdir() if p.is_dir() and len(p.name) == 2):
        for name in sorted(os.listdir(sub)):
            parts = _split_sidecar(name)
            if parts:
                yield load_delivery(root, *parts)


class SpoolFollower:
    """Reads new index lines since a checkpoint; ``commit`` saves how far it got."""

    def __init__(self, root: str | Path, state_path: str | Path) -> None:
        self.root = Path(root)
        self.state_path = Path(state_path)
        self.offsets: dict[str, int] = self._load_state()
        self._pending: dict[str, int] = dict(self.offsets)

    def _load_state(self) -> dict[str, int]:
        try:
            state = json.loads(self.state_path.read_text())
            return {str(k): int(v) for k, v in state.get("offsets", {}).items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def poll(self, limit: int = 5000) -> list[Item]:
        """Up to ``limit`` deliveries acknowledged since the last poll (complete lines only)."""
        out: list[Item] = []
        index = self.root / INDEX_DIR
        names = sorted(os.listdir(index)) if index.is_dir() else []
        for name in names:
            if len(out) >= limit:
                break
            start = self._pending.get(name, 0)
            with open(index / name, "rb") as fh:
                fh.seek(start)
                chunk = fh.read()
            for line in chunk.splitlines(keepends=True):
                if not line.endswith(b"\n") or len(out) >= limit:
                    break
                start += len(line)
                parts = line.decode("ascii", "replace").split()
                if len(parts) == 2:
                    out.append(load_delivery(self.root, parts[0], parts[1]))
            self._pending[name] = start
        return out

    def lag_bytes(self) -> int:
        """Index bytes written by the trap and not yet committed here."""
        index = self.root / INDEX_DIR
        if not index.is_dir():
            return 0
        return sum(max(0, (index / n).stat().st_size - self.offsets.get(n, 0))
                   for n in os.listdir(index))

    def commit(self) -> None:
        """Save the offsets reached by ``poll`` (atomically) as the new checkpoint."""
        self.offsets = dict(self._pending)
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_name(TMP_PREFIX + self.state_path.name)
        with open(tmp, "w") as fh:
            json.dump({"spool": str(self.root.resolve()), "offsets": self.offsets}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.state_path)


def checkpoint_path(store_dir: str | Path, spool: str | Path) -> Path:
    """Where a store keeps its follow checkpoint for ``spool``."""
    key = hashlib.sha256(str(Path(spool).resolve()).encode()).hexdigest()[:16]
    return Path(store_dir) / "checkpoints" / f"spool-{key}.json"


def follow(follower: SpoolFollower, stop: Callable[[], bool], interval: float = 1.0,
           limit: int = 5000, max_wait: float = 10.0) -> Iterator[list[Item]]:
    """Yield rounds of new deliveries until ``stop()``; the caller commits after each.

    A round is yielded when ``limit`` deliveries are waiting or the oldest has waited
    ``max_wait`` seconds, so a busy trap gives few large store files, not many small ones.
    """
    pending: list[Item] = []
    since = 0.0
    while True:
        stopping = stop()
        new = follower.poll(limit - len(pending))
        if new and not pending:
            since = time.monotonic()
        pending += new
        due = len(pending) >= limit or time.monotonic() - since >= max_wait
        if pending and (due or stopping):
            yield pending
            pending = []
        if stopping:
            return
        if due:
            continue
        time.sleep(interval)
