"""One state of the store as the dashboard reads it, kept while the store's files stay the
same.

The store is only read here. What is costly and does not change while the files do not
(the DuckDB views, the month's report figures, about half a second a month on 270k events)
is built once per state and reused; when an analysis or ingest replaces files, the next
request sees a new state.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from spamintel.report import collect
from spamintel.report.render import to_json
from spamintel.store import Store

Fingerprint = tuple[tuple[str, int, int], ...]
T = TypeVar("T")
# memo entries kept per state, least recently used forgotten first: a feed's indicators are
# kept for each window and selection a client asks for, and clients choose those freely
MAX_MEMO = 16


def fingerprint(store: Store) -> Fingerprint:
    """Name, size and modification time of every committed event and analysis file."""
    tables = [store.table_path(name) for name in store.table_names()]
    out = []
    for path in [*store.event_files(), *tables]:
        try:
            st = path.stat()
        except FileNotFoundError:  # replaced between listing and stat: a new state anyway
            continue
        out.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(out)


class Snapshot:
    """A DuckDB connection over one state of the store and the figures read from it."""

    def __init__(self, store: Store, key: Fingerprint) -> None:
        self.store = store
        self.key = key
        self.tables = frozenset(store.table_names())
        self._con = store.connect()
        self._con_lock = threading.Lock()
        self._report_lock = threading.Lock()
        self._memo_lock = threading.Lock()
        self._month_locks: dict[str, threading.Lock] = {}
        self._key_locks: dict[str, threading.Lock] = {}
        self._figures: dict[str, tuple[dict[str, Any], str]] = {}
        self._memo: OrderedDict[str, Any] = OrderedDict()

    def read(self, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``query(con, *args, **kwargs)`` on the snapshot's DuckDB connection, one reader
        at a time (a connection is not used by two threads at once; each read takes a few
        milliseconds)."""
        with self._con_lock:
            return query(self._con, *args, **kwargs)

    def figures(self, month: str) -> dict[str, Any]:
        """The report stage's figures of ``month`` (``report.collect``), computed once."""
        return self._report(month)[0]

    def report_json(self, month: str) -> str:
        """``month``'s report as the JSON text ``spamintel report --format json`` writes."""
        return self._report(month)[1]

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """``make()``'s value, computed once for ``key`` in this state while it is among the
        ``MAX_MEMO`` used last. A key waits only for its own computation (which may read
        another key: a feed its indicators), never for another key's."""
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            with self._memo_lock:
                if key in self._memo:
                    return self._memo[key]
            value = make()
            with self._memo_lock:
                self._memo[key] = value
                while len(self._memo) > MAX_MEMO:
                    self._memo.popitem(last=False)
                self._key_locks.pop(key, None)
            return value

    def _report(self, month: str) -> tuple[dict[str, Any], str]:
        with self._report_lock:  # one lock a month: a month waits only for itself
            lock = self._month_locks.setdefault(month, threading.Lock())
        with lock:
            if month not in self._figures:
                figures = collect(self.store, month)
                self._figures[month] = (figures, to_json(figures))
            return self._figures[month]


class SnapshotCache:
    """The current ``Snapshot`` of a store, rebuilt when the store's files change."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def current(self) -> Snapshot:
        """The snapshot of the store's files as they are now."""
        key = fingerprint(self.store)
        with self._lock:
            if self._snapshot is None or self._snapshot.key != key:
                self._snapshot = Snapshot(self.store, key)
            return self._snapshot
