"""Trap configuration: one frozen dataclass, loaded from the ``[trap]`` table of a TOML file."""

from __future__ import annotations

import dataclasses
import socket
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spamintel.config import Config, ConfigError, checked, config_table


@dataclass(frozen=True)
class TrapConfig:
    """Everything the trap sensor needs; defaults suit an Internet-facing trap.

    ``domains`` empty means catch-all: every recipient is accepted. ``xclient_from``
    lists client IPs allowed to use the XCLIENT replay extension (see ``protocol``).
    ``greeting_delay`` holds the banner back so clients that talk before it (pregreet,
    a bot trait) show up in the transcript. Sizes are bytes, times seconds.
    """

    listen_host: str = "127.0.0.1"
    listen_port: int = checked(2525, lo=0, hi=65535)
    spool: str = "spool"
    sensor: str = "trap"
    hostname: str = ""
    domains: tuple[str, ...] = ()
    max_message_bytes: int = checked(50 * 1024 * 1024, lo=1)
    max_recipients: int = checked(1000, lo=1)
    max_connections: int = checked(1000, lo=1)
    max_per_ip: int = checked(50, lo=1)
    idle_timeout: float = checked(60.0, lo=0, open_low=True)
    session_timeout: float = checked(600.0, lo=0, open_low=True)
    max_command_line: int = checked(2048, lo=512)
    max_transcript: int = checked(400, lo=0)
    greeting_delay: float = checked(0.0, lo=0)
    greylist: bool = False
    greylist_delay: float = checked(300.0, lo=0)
    greylist_max_ips: int = checked(100_000, lo=1)
    starttls: bool = False
    tls_cert: str = checked("", path="file")
    tls_key: str = checked("", path="file")
    sync: str = checked("group", choices=("group", "fsync", "none"))
    metrics_port: int = checked(0, lo=0, hi=65535)
    metrics_host: str = "127.0.0.1"
    xclient_from: tuple[str, ...] = ()
    use_uvloop: bool = True

    @property
    def trap_host(self) -> str:
        """Name the trap uses in its banner and Received line (never resolved)."""
        return self.hostname or socket.gethostname()


_PIPELINE_TABLES = frozenset(f.name for f in dataclasses.fields(Config))


def load_trap_config(path: str | Path | None = None, **overrides: Any) -> TrapConfig:
    """Read ``[trap]`` of a TOML file (or its top level, less the pipeline's tables), with
    the checks of ``spamintel.config`` (a ``ConfigError`` names the key), then apply the
    overrides that are not None (command-line options)."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            with open(path, "rb") as fh:
                doc = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
        data = doc["trap"] if "trap" in doc else {
            k: v for k, v in doc.items() if k not in _PIPELINE_TABLES}
    data = {**data, **{k: v for k, v in overrides.items() if v is not None}}
    cfg = config_table(TrapConfig, data, "trap.")
    return dataclasses.replace(cfg, domains=tuple(d.lower() for d in cfg.domains),
                               xclient_from=tuple(x.lower() for x in cfg.xclient_from))
