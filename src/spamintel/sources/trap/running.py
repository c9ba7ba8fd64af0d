"""``TrapThread``: a trap running in a background thread with its own event loop.

For embedding (tests, benchmarks, a replay into a local trap)::

    with TrapThread(TrapConfig(listen_port=0, spool="spool")) as trap:
        smtplib.SMTP(*trap.address).sendmail(...)
"""

from __future__ import annotations

import asyncio
import threading

from spamintel.sources.trap.config import TrapConfig
from spamintel.sources.trap.server import Trap


class TrapThread:
    """Start a ``Trap`` in a thread on enter; drain and stop it on exit."""

    def __init__(self, cfg: TrapConfig, start_timeout: float = 30.0) -> None:
        self.cfg = cfg
        self.start_timeout = start_timeout
        self.loop = asyncio.new_event_loop()
        self.trap: Trap | None = None
        self.address: tuple[str, int] = ("", 0)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                        name="trap")

    def __enter__(self) -> TrapThread:
        self._thread.start()
        self.trap = self.call(self._make)
        self.address = self.call(self.trap.start)
        return self

    async def _make(self) -> Trap:
        return Trap(self.cfg)

    def call(self, coro_fn, *args):
        """Run ``coro_fn(*args)`` on the trap's loop and return its result."""
        fut = asyncio.run_coroutine_threadsafe(coro_fn(*args), self.loop)
        return fut.result(self.start_timeout)

    def __exit__(self, *exc) -> None:
        try:
            if self.trap is not None:
                self.call(self.trap.stop, 5.0)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
            self.loop.close()
