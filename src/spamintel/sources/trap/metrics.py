"""Prometheus metrics of one trap, on their own registry (several traps may share a process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class TrapMetrics:
    """Connections, messages, bytes, rejects by reason, commit latency and spool backlog."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.connections = Counter("spamintel_trap_connections", "Connections by outcome.",
                                   ["outcome"], registry=r)
        self.active = Gauge("spamintel_trap_connections_active", "Open connections.",
                            registry=r)
        self.messages = Counter("spamintel_trap_messages", "Messages accepted and spooled.",
                                registry=r)
        self.bytes = Counter("spamintel_trap_bytes", "Bytes of accepted messages.", registry=r)
        self.rejects = Counter("spamintel_trap_rejects", "Refusals by reason.", ["reason"],
                               registry=r)
        self.commit_seconds = Histogram(
            "spamintel_trap_commit_seconds", "End of DATA to durable in the spool.",
            buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
            registry=r)
        self.spool_backlog = Gauge("spamintel_trap_spool_backlog",
                                   "Messages waiting for a spool commit.", registry=r)

    def serve(self, host: str, port: int):
        """Start the HTTP endpoint in a thread; return (server, thread)."""
        from prometheus_client import start_http_server

        return start_http_server(port, addr=host, registry=self.registry)
