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
