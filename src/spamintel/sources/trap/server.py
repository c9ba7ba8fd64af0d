"""``Trap``: the listening server, its metrics endpoint and its shutdown."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import signal
import socket
from pathlib import Path

from spamintel.sources.trap.config import TrapConfig
from spamintel.sources.trap.handler import TrapHandler
from spamintel.sources.trap.logs import setup_json_logging
from spamintel.sources.trap.metrics import TrapMetrics
from spamintel.sources.trap.protocol import TrapSMTP
from spamintel.sources.trap.spool_writer import SpoolWriter
from spamintel.sources.trap.tls import server_context

log = logging.getLogger("spamintel.trap")


class Trap:
    """One trap sensor: ``await start()``, then ``await stop()`` (drains in-flight DATA)."""

    def __init__(self, cfg: TrapConfig) -> None:
        if not cfg.hostname:
            cfg = dataclasses.replace(cfg, hostname=socket.gethostname())
        self.cfg = cfg
        self.metrics = TrapMetrics()
        self.writer = SpoolWriter(cfg.spool, cfg.sync)
        self.tls = (server_context(cfg.tls_cert, cfg.tls_key, Path(cfg.spool) / "tls",
                                   cfg.trap_host) if cfg.starttls else None)
        self.handler = TrapHandler(cfg, self.writer, self.metrics, self.tls is not None)
        self.server: asyncio.base_events.Server | None = None
        self.metrics_server = None

    @property
    def address(self) -> tuple[str, int]:
        """Host and port actually bound (useful with port 0)."""
        assert self.server is not None
        host, port = self.server.sockets[0].getsockname()[:2]
        return host, port

    async def start(self) -> tuple[str, int]:
        """Listen; return the bound address."""
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(
            lambda: TrapSMTP(self.handler, tls_context=self.tls, loop=loop),
            self.cfg.listen_host, self.cfg.listen_port, reuse_address=True, backlog=1024)
        if self.cfg.metrics_port:
            self.metrics_server = self.metrics.serve(self.cfg.metrics_host, self.cfg.metrics_port)
        log.info("listening", extra={"fields": {"address": list(self.address),
                                                "spool": self.cfg.spool,
                                                "sync": self.writer.sync}})
        return self.address

    async def stop(self, grace: float = 30.0) -> None:
        """Stop accepting, let DATA in progress finish (up to ``grace`` s), flush the spool."""
        if self.server is not None:
            self.server.close()
        self.handler.drain()
        await self._wait_idle(grace)
        for conn in list(self.handler.active):
            conn.ending = "shutdown"
            conn.shut("421 4.3.2 Service shutting down")
        await self._wait_idle(1.0)  # their ends are recorded before the spool closes
        await self.writer.close()
        if self.metrics_server is not None:
            self.metrics_server[0].shutdown()
        log.info("stopped", extra={"fields": {"messages": self.writer.committed,
                                              "commits": self.writer.batches}})

    async def _wait_idle(self, timeout: float) -> None:
        """Wait until no connection is open, or ``timeout`` seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.handler.active and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)


async def serve(cfg: TrapConfig, ready: asyncio.Event | None = None) -> None:
    """Run a trap until SIGTERM or SIGINT, then shut down cleanly."""
    trap = Trap(cfg)
    await trap.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if ready is not None:
        ready.set()
    await stop.wait()
    log.info("shutdown requested")
    await trap.stop()


def run_trap(cfg: TrapConfig) -> None:
    """Blocking entry point used by ``spamintel trap``: JSON logs, uvloop when available."""
    setup_json_logging()
    if cfg.use_uvloop:
        try:
            import uvloop
        except ImportError:
            pass
        else:
            uvloop.run(serve(cfg))
            return
    asyncio.run(serve(cfg))
