"""Durable, content-addressed spool writer with group commit.

Layout (see ``spamintel.sources.spool``)::

    SPOOL/<sha[:2]>/<sha>.eml              the message bytes as stored (Received line first)
    SPOOL/<sha[:2]>/<sha>.<sid>.json       one session record per delivery of those bytes
    SPOOL/index/<start>-<pid>.log          "<sha> <sid>" per acknowledged message, in order
    SPOOL/sessions/<day>.jsonl             sessions that ended without a stored message

A message becomes durable in one batch with every other message that finished DATA while
the previous batch was being synced (group commit): all files of the batch are written
under temporary names, synced, renamed, the index lines appended, and synced again; only
then does ``put`` return and the server answer 250. ``sync="group"`` syncs with one
``syncfs(2)`` per step, ``"fsync"`` fsyncs each file and directory, ``"none"`` skips syncing
(for measurements only).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from spamintel.sources.spool import INDEX_DIR, MARKER, SESSIONS_DIR, TMP_PREFIX


@dataclass(frozen=True, slots=True)
class SpoolItem:
    """One accepted message: its bytes, sha256, session-record JSON and sidecar id."""

    sha: str
    data: bytes
    record: bytes
    sid: str


def _syncfs_function():
    try:
        fn = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):
        return None
    fn.argtypes = [ctypes.c_int]
    return fn


_SYNCFS = _syncfs_function()


def _fsync_path(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SpoolWriter:
    """Writes accepted messages to the spool; ``await put(item)`` returns once durable."""

    def __init__(self, root: str | Path, sync: str = "group") -> None:
        self.root = Path(root)
        self._root = str(self.root)
        self._dirs: set[str] = set()
        self._tmp_tag = f"{os.getpid()}-{uuid.uuid4().hex[:6]}-"
        self._tmp_seq = 0
        self.sync = sync if (sync != "group" or _SYNCFS is not None) else "fsync"
        self._prepare()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="spool")
        self._pending: list[tuple[SpoolItem, asyncio.Future]] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._index_fd = -1
        self._index_day = ""
        self._busy = False
        self._sessions: TextIO | None = None
        self._sessions_day = ""
        self.batches = 0
        self.committed = 0

    def _prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / INDEX_DIR).mkdir(exist_ok=True)
        (self.root / SESSIONS_DIR).mkdir(exist_ok=True)
        (self.root / MARKER).touch()
        for sub in self.root.iterdir():
            if sub.is_dir() and len(sub.name) == 2:
                for tmp in sub.glob(TMP_PREFIX + "*"):
                    tmp.unlink(missing_ok=True)

    @property
    def backlog(self) -> int:
        """Messages waiting for the current or next commit."""
        return len(self._pending)

    async def put(self, item: SpoolItem) -> None:
        """Queue ``item`` for the next group commit and wait until it is durable."""
        loop = asyncio.get_running_loop()
        if self._task is None:
            self._wake = asyncio.Event()
            self._task = loop.create_task(self._run())
        fut = loop.create_future()
        self._pending.append((item, fut))
        assert self._wake is not None
        self._wake.set()
        await fut

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            self._busy = True
            try:
                await loop.run_in_executor(self._pool, self._commit, [i for i, _ in batch])
            except Exception as exc:  # a failed commit fails every message in it: 451
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            finally:
                self._busy = False
            for _, fut in batch:
                if not fut.done():
                    fut.set_result(None)

    def _commit(self, items: list[SpoolItem]) -> None:
        """Write, sync, rename, index, sync (runs in the writer thread)."""
        moves: list[tuple[str, str]] = []
        seen: set[str] = set()
        for item in items:
            sub = os.path.join(self._root, item.sha[:2])
            if sub not in self._dirs:
                os.makedirs(sub, exist_ok=True)
                self._dirs.add(sub)
            target = os.path.join(sub, f"{item.sha}.eml")
            if item.sha not in seen and not os.path.exists(target):
                moves.append((self._write_tmp(sub, target, item.data), target))
            seen.add(item.sha)
            side = os.path.join(sub, f"{item.sha}.{item.sid}.json")
            moves.append((self._write_tmp(sub, side, item.record), side))
        self._sync([tmp for tmp, _ in moves])
        for tmp, final in moves:
            os.replace(tmp, final)
        self._append_index(items)
        self._sync(sorted({os.path.dirname(final) for _, final in moves}
                          | {os.path.join(self._root, INDEX_DIR)}))
        self.batches += 1
        self.committed += len(items)

    def _write_tmp(self, sub: str, final: str, data: bytes) -> str:
        self._tmp_seq += 1
        name = f"{TMP_PREFIX}{self._tmp_tag}{self._tmp_seq}-{os.path.basename(final)}"
        tmp = os.path.join(sub, name)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        return tmp

    def _sync(self, paths: list[str]) -> None:
        if self.sync == "none":
            return
        if self.sync == "group" and _SYNCFS is not None:
            fd = os.open(self.root, os.O_RDONLY)
            try:
                if _SYNCFS(fd) != 0:
                    raise OSError(ctypes.get_errno(), "syncfs failed")
            finally:
                os.close(fd)
            return
        for path in paths:
            _fsync_path(path)
        if self._index_fd >= 0:
            os.fsync(self._index_fd)

    def _append_index(self, items: list[SpoolItem]) -> None:
        day = datetime.now(UTC).strftime("%Y%m%d")
        if day != self._index_day:
            if self._index_fd >= 0:
                os.close(self._index_fd)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = self.root / INDEX_DIR / f"{stamp}-{os.getpid()}.log"
            self._index_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            self._index_day = day
        os.write(self._index_fd, "".join(f"{i.sha} {i.sid}\n" for i in items).encode())

    def log_session(self, record: dict) -> None:
        """Append a session summary (every session end, refusals, rejects) to the day's log."""
        day = datetime.now(UTC).strftime("%Y-%m-%d")
        if self._sessions_day != day:
            self._close_sessions()
            path = self.root / SESSIONS_DIR / f"{day}.jsonl"
            self._sessions = open(path, "a", encoding="utf-8")  # noqa: SIM115 (kept open)
            self._sessions_day = day
        assert self._sessions is not None
        self._sessions.write(json.dumps(record, separators=(",", ":"), default=str) + "\n")
        self._sessions.flush()

    def _close_sessions(self) -> None:
        if self._sessions is not None:
            self._sessions.close()
        self._sessions, self._sessions_day = None, ""

    async def close(self) -> None:
        """Commit what is pending, stop the writer and close its files."""
        while self._pending or self._busy:
            await asyncio.sleep(0.01)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._pool.shutdown(wait=True)
        if self._index_fd >= 0:
            os.close(self._index_fd)
            self._index_fd = -1
        self._close_sessions()
