"""Pluggable attachment scanners: YARA rules (shipped + user folders) and ClamAV
through a running clamd socket. Each scanner takes bytes and returns reason codes."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from pathlib import Path

SHIPPED_YARA = Path(__file__).parent / "yara"
_CHUNK = 1 << 16


class YaraScanner:
    """Compiled YARA rules from ``*.yar``/``*.yara`` files in the given folders."""

    def __init__(self, folders: Iterable[str | Path], timeout: int = 5) -> None:
        import yara  # optional at import time: only needed when rules are in use

        files = {}
        for folder in folders:
            for path in sorted(Path(folder).glob("*.yar*")):
                files[f"{path.parent.name}_{path.stem}"] = str(path)
        self.count = len(files)
        self.rules = yara.compile(filepaths=files) if files else None
        self.timeout = timeout

    def scan(self, data: bytes) -> list[str]:
        """``yara:<rule>`` for each rule matching ``data``."""
        if self.rules is None or not data:
            return []
        try:
            matches = self.rules.match(data=data, timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001 - a scanner failure is a reason, not a crash
            return [f"yara_error:{type(exc).__name__}"]
        return [f"yara:{m.rule}" for m in matches]


class ClamdScanner:
    """ClamAV through clamd's INSTREAM command on a Unix socket (never required)."""

    def __init__(self, socket_path: str, timeout: float = 10.0) -> None:
        self.socket_path, self.timeout = socket_path, timeout

    def scan(self, data: bytes) -> list[str]:
        """``clamav:<signature>`` when clamd finds something; ``clamd_error`` if it fails."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(self.timeout)
                sock.connect(self.socket_path)
                sock.sendall(b"zINSTREAM\0")
                for i in range(0, len(data), _CHUNK):
                    chunk = data[i : i + _CHUNK]
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
        except OSError as exc:
            return [f"clamd_error:{type(exc).__name__}"]
        text = reply.rstrip(b"\0").decode("utf-8", "replace")
        if text.endswith("FOUND"):
            return ["clamav:" + text.split(":", 1)[-1].strip().removesuffix(" FOUND")]
        return []
