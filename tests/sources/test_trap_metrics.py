"""Prometheus endpoint and JSON logs of a running trap."""

import json
import logging
import smtplib
import socket
import urllib.request

from spamintel.sources.trap.logs import JsonFormatter


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_metrics_endpoint_counts_messages_and_rejects(start_trap):
    port = _free_port()
    trap = start_trap(metrics_port=port, domains=("trap.test",))
    with smtplib.SMTP(*trap.address) as s:
        s.sendmail("a@b.example", ["x@trap.test", "y@elsewhere.example"], b"Subject: m\r\n\r\n")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    assert "spamintel_trap_messages_total 1.0" in text
    assert 'spamintel_trap_rejects_total{reason="relay"} 1.0' in text
    assert "spamintel_trap_commit_seconds_count 1.0" in text


def test_json_log_lines_carry_their_fields():
    record = logging.LogRecord("spamintel.trap", logging.INFO, __file__, 1, "session", None, None)
    record.fields = {"client_ip": "192.0.2.1", "messages": 3}
    doc = json.loads(JsonFormatter().format(record))
    assert doc["msg"] == "session" and doc["client_ip"] == "192.0.2.1" and doc["messages"] == 3
    assert doc["level"] == "info" and doc["ts"].endswith("+00:00")
