"""``spamintel trap``: the command runs a trap that feeds its store, and stops on SIGTERM."""

from __future__ import annotations

import json
import signal
import smtplib
import subprocess
import sys
import time

from typer.testing import CliRunner

from spamintel.cli import app


def _wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _listening_port(log) -> int | None:
    for line in log.read_text().splitlines():
        doc = json.loads(line) if line.startswith("{") else {}
        if doc.get("msg") == "listening":
            return int(doc["address"][1])
    return None


def test_trap_command_spools_feeds_the_store_and_stops(tmp_path):
    from spamintel.store import Store

    log = tmp_path / "trap.log"
    # the address and spool come from the file, which also holds a pipeline table
    (tmp_path / "trap.toml").write_text(
        f'[trap]\nlisten_host = "127.0.0.1"\nlisten_port = 0\nspool = "{tmp_path / "spool"}"\n'
        '[store]\nbatch_size = 10\n')
    cmd = [sys.executable, "-c", "from spamintel.cli import main; main()", "trap",
           "--config", str(tmp_path / "trap.toml"), "--store", str(tmp_path / "store"),
           "--domains", "trap.test", "--sensor", "cli"]
    proc = subprocess.Popen(cmd, stderr=open(log, "w"))  # noqa: SIM115 (the child owns it)
    try:
        assert _wait_for(lambda: _listening_port(log) is not None), log.read_text()[-2000:]
        with smtplib.SMTP("127.0.0.1", _listening_port(log), timeout=10) as s:
            s.sendmail("a@b.example", ["x@trap.test"], b"Subject: via cli\r\n\r\nhi\r\n")

        def stored() -> int:
            events = tmp_path / "store" / "events"
            return len(list(events.glob("day=*/*.parquet"))) if events.exists() else 0

        assert _wait_for(lambda: stored() > 0), log.read_text()[-2000:]
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(60)
    assert code == 0
    con = Store(tmp_path / "store").connect()
    assert con.execute("select subject, sensor, source_kind from events").fetchall() == [
        ("via cli", "cli", "trap")]


def test_trap_command_rejects_a_bad_listen_address(tmp_path):
    for listen in ("nonsense", "127.0.0.1:99999"):
        result = CliRunner().invoke(app, ["trap", "--listen", listen, "--spool", str(tmp_path)])
        assert result.exit_code == 2 and "expected HOST:PORT" in result.output


def test_trap_command_names_the_wrong_key_of_its_config(tmp_path):
    path = tmp_path / "trap.toml"
    for text, message in (("[trap]\nmax_per_ip = 'many'\n", "trap.max_per_ip takes a whole"),
                          ("[trap]\nlisten_port = 70000\n", "listen_port must be at most"),
                          ("[trap]\nmax_per_ipp = 5\n", "unknown config key trap.max_per_ipp"),
                          ("[trap\n", "cannot read config")):
        path.write_text(text)
        result = CliRunner().invoke(app, ["trap", "--config", str(path)])
        assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    result = CliRunner().invoke(app, ["trap", "--config", str(tmp_path / "none.toml")])
    assert result.exit_code == 2 and "cannot read config" in result.output
