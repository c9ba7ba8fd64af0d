import json
from pathlib import Path

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


def test_a_scenario_that_will_not_come_true_as_written_is_warned_of(tmp_path):
    text = (Path(__file__).with_name("minimal.yaml").read_text()
            .replace("botnet_share: 1.0", "botnet_share: 0.9"))
    (tmp_path / "s.yaml").write_text(text)
    out = tmp_path / "w"
    result = CliRunner().invoke(app, ["simulate", "--out", str(out), "--scenario",
                                      str(tmp_path / "s.yaml"), "--scale", "0.2"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "scenario warning:" in said and "but no group has kind nonbotnet" in said
    resolved = json.loads((out / "truth" / "scenario.json").read_text())
    assert resolved["warnings"] and "non-botnet" in resolved["warnings"][0]


def test_a_value_out_of_range_is_a_clean_error(tmp_path):
    text = Path(__file__).with_name("minimal.yaml").read_text().replace(
        "spam_rate: 0.7", "spam_rate: 1.5")
    (tmp_path / "s.yaml").write_text(text)
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path / "w"), "--scenario",
                                      str(tmp_path / "s.yaml")])
    said = " ".join(result.output.split())
    assert result.exit_code == 2 and "spam_rate 1.5 is not between 0 and 1" in said
    assert "Traceback" not in result.output
