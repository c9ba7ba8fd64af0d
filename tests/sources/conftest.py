"""Fixtures for the trap tests: a real trap on an ephemeral loopback port, a raw client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spamintel.simulate.replay import SmtpWire
from spamintel.sources.trap import TrapConfig
from spamintel.sources.trap.running import TrapThread


class RawClient(SmtpWire):
    """A plain socket speaking SMTP byte for byte, for dialects smtplib cannot produce."""

    def __init__(self, address: tuple[str, int], timeout: float = 10.0) -> None:
        super().__init__(address[0], address[1], timeout)


@pytest.fixture
def start_trap(tmp_path):
    """Factory: ``start_trap(**cfg)`` runs a trap until the test ends; returns its thread."""
    running: list[TrapThread] = []

    def start(**overrides) -> TrapThread:
        opts = {"listen_port": 0, "spool": str(tmp_path / "spool"), "sensor": "t1",
                "hostname": "mx.trap.test", "use_uvloop": False, **overrides}
        trap = TrapThread(TrapConfig(**opts)).__enter__()
        running.append(trap)
        return trap

    yield start
    for trap in running:
        trap.__exit__(None, None, None)


@pytest.fixture
def raw():
    """Factory: ``raw(address)`` opens a RawClient closed after the test."""
    clients: list[RawClient] = []

    def connect(address) -> RawClient:
        clients.append(RawClient(address))
        return clients[-1]

    yield connect
    for c in clients:
        c.close()


def records(spool: Path) -> list[dict]:
    """Session records of the spool, oldest first."""
    recs = [json.loads(p.read_text()) for p in spool.glob("*/*.json")
            if not p.name.startswith(".")]
    return sorted(recs, key=lambda r: r["received_at"])


@pytest.fixture
def spool_records():
    """``spool_records(spool)``: the spool's session records, oldest first."""
    return records


@pytest.fixture
def session_log():
    """``session_log(spool)``: end-of-session records the trap logged."""
    def read(spool: Path) -> list[dict]:
        return [json.loads(line) for f in sorted((spool / "sessions").glob("*.jsonl"))
                for line in f.read_text().splitlines()]
    return read
