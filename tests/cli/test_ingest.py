"""``spamintel ingest --engine``: the engine options, and the errors when Spark cannot run
(the Spark engine itself is tested in tests/engine/test_spark.py)."""

from __future__ import annotations

from typer.testing import CliRunner

from spamintel.cli import app
from spamintel.testing import sample_corpus

runner = CliRunner()


def _mail(tmp_path):
    mail = tmp_path / "mail"
    mail.mkdir()
    for name, data in sample_corpus(5):
        (mail / name).write_bytes(data)
    return str(mail)


def test_explicit_local_engine_ingests(tmp_path):
    res = runner.invoke(app, ["ingest", _mail(tmp_path), "--store", str(tmp_path / "s"),
                              "--engine", "local", "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "stored 5 events" in res.output


def test_spark_without_java_is_a_clear_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jdk"))
    res = runner.invoke(app, ["ingest", _mail(tmp_path), "--store", str(tmp_path / "s"),
                              "--engine", "spark", "--no-progress"])
    assert res.exit_code == 2
    assert "Java runtime" in res.output


def test_follow_is_refused_on_spark(tmp_path):
    res = runner.invoke(app, ["ingest", _mail(tmp_path), "--store", str(tmp_path / "s"),
                              "--engine", "spark", "--follow"])
    assert res.exit_code == 2
    assert "--follow runs on the local engine" in res.output


def test_unknown_engine_is_refused(tmp_path):
    res = runner.invoke(app, ["ingest", _mail(tmp_path), "--store", str(tmp_path / "s"),
                              "--engine", "dask"])
    assert res.exit_code == 2


def test_unwrap_attached_stores_the_messages_a_forward_carries(tmp_path):
    messages = [data for _, data in sample_corpus(2)]
    forward = (b"From: ann@desk.example\r\nSubject: FW: two of them\r\nMIME-Version: 1.0\r\n"
               b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
               + b"".join(b"--b\r\nContent-Type: message/rfc822\r\n\r\n" + m + b"\r\n"
                          for m in messages) + b"--b--\r\n")
    mail = tmp_path / "desk"
    mail.mkdir()
    (mail / "fw.eml").write_bytes(forward)
    for flag, stored in (([], 1), (["--unwrap-attached"], 2)):
        res = runner.invoke(app, ["ingest", str(mail), "--store", str(tmp_path / f"s{stored}"),
                                  "--no-progress", *flag])
        assert res.exit_code == 0, res.output
        assert f"stored {stored} events" in res.output
