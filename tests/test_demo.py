"""The demo end to end on a small sample: report, feeds, and where the dashboard is."""

import json

from typer.testing import CliRunner

from spamintel.cli import app
from spamintel.store import Store

runner = CliRunner()


def _listed_ips(rbldnsd_text: str) -> set[str]:
    return {line.split()[0] for line in rbldnsd_text.splitlines()
            if line and line[0].isdigit() and not line.startswith("127.")}


def test_the_demo_writes_the_march_report_and_feeds_of_the_last_week(tmp_path):
    out = tmp_path / "demo"
    res = runner.invoke(app, ["demo", "--out", str(out), "--scale", "0.05"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("March 2011 (simulated data)")
    report = json.loads((out / "report" / "report-2011-03.json").read_text())
    assert report["month"] == "2011-03" and report["botnets"]
    assert report["data_source"].startswith("a simulated world (scenario march-2011, seed ")
    assert report["narrative"][0].startswith("Simulated data: these figures come from")
    assert any(e["type"] == "takedown" and e["botnet"] == "Rustock" for e in report["events"])
    feeds = {p.name for p in (out / "feeds").iterdir()}
    assert {"spamintel-bots.rbldnsd", "spamintel.rpz", "spamintel.stix.json"} <= feeds
    assert f"serve --store {out / 'store'}" in res.stdout

    listed = _listed_ips((out / "feeds" / "spamintel-bots.rbldnsd").read_text())
    con = Store(out / "store").connect()
    bots = {ip for (ip,) in con.execute(
        "SELECT DISTINCT client_ip FROM events WHERE day >= DATE '2011-03-25' "
        "AND botnet IS NOT NULL AND verdict <> 'ham'").fetchall()}
    assert listed and listed <= bots


def test_the_demo_replaces_its_own_output_and_never_a_folder_it_did_not_write(
        tmp_path, monkeypatch):
    import pytest

    import spamintel.demo as demo

    out = tmp_path / "demo"
    (out / "report").mkdir(parents=True)
    (out / "thesis.tex").write_text("years of work")
    res = runner.invoke(app, ["demo", "--out", str(out), "--scale", "0.05"],
                        env={"COLUMNS": "1000"})
    assert res.exit_code == 2 and "holds more than a demo's output" in res.output
    assert (out / "thesis.tex").read_text() == "years of work"

    (out / "thesis.tex").unlink()
    (out / "store" / "events").mkdir(parents=True)

    def stop(*_args):
        raise RuntimeError("stop after clearing")

    monkeypatch.setattr(demo, "_simulate", stop)
    with pytest.raises(RuntimeError, match="stop after clearing"):
        demo.run_demo(out)
    assert out.is_dir() and list(out.iterdir()) == []
