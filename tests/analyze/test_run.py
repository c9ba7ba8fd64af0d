import json

import pyarrow as pa
from typer.testing import CliRunner

from spamintel.analyze import analyze
from spamintel.analyze.synthetic import SynthWorld, build_store
from spamintel.cli import app
from spamintel.config import AnalyzeConfig, CalibrationConfig, Config


def _small_world():
    return SynthWorld(shares={"trap-a": 1e-8, "trap-b": 5e-9, "mx-feed": 5e-9})


def test_analyze_writes_every_table_as_a_view(tmp_path):
    store, w = build_store(tmp_path / "s", _small_world())
    cfg = Config(analyze=AnalyzeConfig(run_attribution=False,
                                       calibration=CalibrationConfig(sensor_shares=w.shares)))
    summary = analyze(store, cfg)
    assert summary.calibration == "shares" and summary.days == 151
    assert "Rustock" in summary.botnets
    con = store.connect()
    for name in ("series_daily", "series_hourly", "populations", "estimates", "rates",
                 "botnet_events"):
        assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == summary.tables[name]
    botnets = con.execute("SELECT count(DISTINCT botnet) FROM events").fetchone()[0]
    assert botnets == 5, "the events view still joins the attribution table"


def test_the_run_records_its_calibration_and_a_simulated_source(tmp_path):
    store, w = build_store(tmp_path / "s", _small_world())
    cal = CalibrationConfig(sensor_shares=w.shares, data_source="a simulated world (x)")
    analyze(store, Config(analyze=AnalyzeConfig(run_attribution=False, calibration=cal)))
    row = store.connect().execute("SELECT * FROM analysis_run").fetchall()
    assert row == [("shares", ["mx-feed"], "messages", "a simulated world (x)")]


def test_analyze_on_an_empty_store(tmp_path):
    from spamintel.store import Store
    summary = analyze(Store(tmp_path / "empty"),
                      Config(analyze=AnalyzeConfig(run_attribution=False)))
    assert summary.days == 0 and summary.events == 0


def test_a_table_the_analysis_found_no_rows_for_leaves_no_earlier_run_behind(tmp_path):
    from spamintel.store import Store
    store = Store(tmp_path / "empty")
    store.write_table("populations", pa.table({"botnet": ["Rustock"], "day": ["2011-03-01"]}))
    summary = analyze(store, Config(analyze=AnalyzeConfig(run_attribution=False)))
    assert summary.tables["populations"] == 0
    assert "populations" not in store.table_names()
    assert "botnet_events" in store.table_names()


def test_cli_reads_a_scenario_calibration(tmp_path):
    store, w = build_store(tmp_path / "s", _small_world())
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"sensors": [
        {"name": k, "kind": "mx" if k == "mx-feed" else "trap", "share": v}
        for k, v in w.shares.items()]}))
    result = CliRunner().invoke(app, ["analyze", "--store", str(store.path), "--calibration",
                                      str(scenario), "--no-attribution"])
    assert result.exit_code == 0, result.output
    assert "calibration: shares" in result.output
    assert "mixed sensors: mx-feed (configured)" in result.output
    assert "table botnet_events" in result.output


def test_days_when_no_sensor_stored_anything_are_missing_data_not_silence(tmp_path):
    import shutil

    store, w = build_store(tmp_path / "s", _small_world())
    for day in range(1, 8):
        shutil.rmtree(store.events_dir / f"day=2011-02-{day:02d}")
    cfg = Config(analyze=AnalyzeConfig(run_attribution=False,
                                       calibration=CalibrationConfig(sensor_shares=w.shares)))
    analyze(store, cfg)
    kinds = store.connect().execute(
        "SELECT type FROM botnet_events WHERE type IN ('pause', 'resume') "
        "AND date BETWEEN '2011-01-31' AND '2011-02-09'").fetchall()
    assert kinds == []


def test_silences_weigh_the_counts_of_the_sensors_behind_the_estimate():
    # a silence is judged on the series the traps estimate, so the messages that test it
    # are the traps' (``calibrated_messages``); surges and displacement, seen by every
    # sensor, keep every sensor's
    from datetime import date

    from spamintel.analyze.run import _series_set

    def row(day: int, raw: float | None) -> dict:
        return {"day": date(2011, 1, day), "scope": "botnet", "botnet": "Rustock",
                "messages": 10, "calibrated_messages": 6, "observed": 10.0,
                "raw_estimated": raw, "estimated": raw, "piece": 0, "period": 1}

    s = _series_set([date(2011, 1, 1), date(2011, 1, 2)], [row(1, 6e8), row(2, None)],
                    [], {}, "messages")
    assert s.behind["Rustock"].tolist() == [6.0, 10.0]
    assert s.observed["Rustock"].tolist() == [10.0, 10.0]
    # without an estimate, a day the sensors were up for half of counts twice what they saw
    half = _series_set([date(2011, 1, 1), date(2011, 1, 2)], [row(1, None), row(2, None)],
                       [], {}, "messages", {date(2011, 1, 2): 0.5})
    assert half.daily["Rustock"].tolist() == [10.0, 20.0]
    assert half.observed["Rustock"].tolist() == [10.0, 10.0]
