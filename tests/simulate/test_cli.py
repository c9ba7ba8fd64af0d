import json

from typer.testing import CliRunner

from spamintel.cli import app


def test_simulate_command(tmp_path):
    out = tmp_path / "w"
    result = CliRunner().invoke(app, ["simulate", "--out", str(out), "--start", "2011-01-09",
                                      "--end", "2011-01-10", "--scale", "0.05", "--seed", "9"])
    assert result.exit_code == 0, result.output
    assert "simulated" in result.output and "targets within tolerance" in result.output
    resolved = json.loads((out / "truth" / "scenario.json").read_text())
    assert resolved["seed"] == 9 and resolved["generated"] == {"start": "2011-01-09",
                                                                "end": "2011-01-10"}
    assert (out / "mail" / "trap-b" / "2011-01-10.mbox").is_file()


def test_bad_scenario_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--scenario", "nope"])
    assert result.exit_code == 2 and "no scenario" in result.output
