"""Trap configuration: one frozen dataclass, loaded from the ``[trap]`` table of a TOML file."""

from __future__ import annotations

import dataclasses
import socket
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TrapConfig:
    """Everything the trap sensor needs; defaults suit an Internet-facing trap.

    ``domains`` empty means catch-all: every recipient is accepted. ``xclient_from``
    lists client IPs allowed to use the XCLIENT replay extension (see ``protocol``).
    ``greeting_delay`` holds the banner back so clients that talk before it (pregreet,
    a bot trait) show up in the transcript. Sizes are bytes, times seconds.
    """

    listen_host: str = "127.0.0.1"
    listen_port: int = 2525
    spool: str = "spool"
    sensor: str = "trap"
    hostname: str = ""
    domains: tuple[str, ...] = ()
    max_message_bytes: int = 50 * 1024 * 1024
    max_recipients: int = 1000
    max_connections: int = 1000
    max_per_ip: int = 50
    idle_timeout: float = 60.0
    session_timeout: float = 600.0
    max_command_line: int = 2048
    max_transcript: int = 400
    greeting_delay: float = 0.0
    greylist: bool = False
    greylist_delay: float = 300.0
    greylist_max_ips: int = 100_000
    starttls: bool = False
    tls_cert: str = ""
    tls_key: str = ""
    sync: str = "group"
    metrics_port: int = 0
    metrics_host: str = "127.0.0.1"
    xclient_from: tuple[str, ...] = ()
    use_uvloop: bool = True

    @property
    def trap_host(self) -> str:
        """Name the trap uses in its banner and Received line (never resolved)."""
        return self.hostname or socket.gethostname()


def load_trap_config(path: str | Path | None = None, **overrides: Any) -> TrapConfig:
    """Read ``[trap]`` (or the top level) of a TOML file, then apply non-None overrides."""
    data: dict[str, Any] = {}
    if path is not None:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
        data = dict(doc.get("trap", doc))
    data.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in dataclasses.fields(TrapConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown trap config key(s): {', '.join(unknown)}")
    for key in ("domains", "xclient_from"):
        if key in data:
            data[key] = tuple(str(d).lower() for d in data[key])
    if data.get("sync", "group") not in ("group", "fsync", "none"):
        raise ValueError("trap.sync must be group, fsync or none")
    return TrapConfig(**data)
