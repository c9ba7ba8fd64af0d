import json

import pytest

from spamintel.analyze.calibration import load_calibration, with_calibration
from spamintel.config import Config, ConfigError


def test_scenario_json_gives_sensor_shares_and_mixed_sensors(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps({"name": "x", "sensors": [
        {"name": "trap-1", "kind": "trap", "share": 1e-6},
        {"name": "mx-1", "kind": "mx", "share": 2e-7}],
        "groups": [{"name": "Rustock", "truth": "never read"}]}))
    cal = load_calibration(path)
    assert cal.sensor_shares == {"trap-1": 1e-6, "mx-1": 2e-7}
    assert cal.mixed_sensors == ("mx-1",)
    assert with_calibration(Config(), cal).analyze.calibration is cal


def test_a_simulators_scenario_says_its_world_is_simulated(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps({"name": "march-2011", "seed": 7, "scale": 0.5,
                                "sensors": [{"name": "trap-1", "kind": "trap", "share": 1e-6}]}))
    assert load_calibration(path).data_source == (
        "a simulated world (scenario march-2011, seed 7, scale 0.5)")
    plain = tmp_path / "shares.json"
    plain.write_text(json.dumps({"sensors": {"trap-1": 1e-6}}))
    assert load_calibration(plain).data_source == ""


def test_toml_calibration_and_unknown_keys(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[analyze.calibration]\nunit = "recipients"\nreference_start = "2011-03-07"\n'
                    'reference_end = "2011-03-13"\nreference_per_day = 52e9\n')
    cal = load_calibration(path)
    assert cal.unit == "recipients" and cal.reference_per_day == 52e9
    path.write_text('[calibration]\nshares = 1\n')
    with pytest.raises(ConfigError, match="unknown config key calibration.shares"):
        load_calibration(path)


@pytest.mark.parametrize("text,message", [
    ('[analyze.calibration]\nreference_per_day = "lots"\n', "reference_per_day takes a number"),
    ('[calibration]\nsensor_shares = {trap-a = "x"}\n', "sensor_shares takes a table"),
    ('[calibration]\nunit = "envelopes"\n', "unit must be one of messages, recipients"),
    ("[calibration\n", "cannot read calibration"),
])
def test_a_wrong_toml_calibration_names_the_key(tmp_path, text, message):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_calibration(path)
