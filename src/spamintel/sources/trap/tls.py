"""STARTTLS: a server context from a given certificate, or a self-signed one made at start."""

from __future__ import annotations

import logging
import shutil
import ssl
import subprocess
from pathlib import Path

log = logging.getLogger("spamintel.trap")


def self_signed(directory: Path, host: str) -> tuple[Path, Path] | None:
    """Create (once) a self-signed certificate for ``host`` with the openssl CLI."""
    cert, key = directory / "trap-cert.pem", directory / "trap-key.pem"
    if cert.is_file() and key.is_file():
        return cert, key
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    cmd = [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
           "-subj", f"/CN={host[:60] or 'trap'}", "-keyout", str(key), "-out", str(cert)]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    key.chmod(0o600)
    return cert, key


def server_context(cert: str, key: str, directory: Path, host: str) -> ssl.SSLContext | None:
    """TLS context for STARTTLS, or None (and a warning) when no certificate can be had."""
    pair = (Path(cert), Path(key)) if cert and key else self_signed(directory, host)
    if pair is None:
        log.warning("STARTTLS disabled: no certificate and no openssl to make one")
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.load_cert_chain(str(pair[0]), str(pair[1]))
    return ctx
