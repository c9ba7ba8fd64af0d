import pytest

from spamintel.config import ConfigError, load_config


def _load(tmp_path, text: str):
    path = tmp_path / "c.toml"
    path.write_text(text)
    return load_config(path)


def test_a_config_file_is_read_with_its_values(tmp_path):
    cfg = _load(tmp_path, "[analyze]\nwindow_days = 14\nsurge_ratio = 2\n"
                          "[analyze.calibration]\nmixed_sensors = ['feed-1']\n"
                          "sensor_shares = {trap-a = 1e-8}\n")
    assert cfg.analyze.window_days == 14 and cfg.analyze.surge_ratio == 2
    assert cfg.analyze.calibration.mixed_sensors == ("feed-1",)
    assert cfg.analyze.calibration.sensor_shares == {"trap-a": 1e-8}


@pytest.mark.parametrize("text,message", [
    ("not = [toml", "cannot read config"),
    ("[nosuch]\na = 1\n", "unknown config key nosuch"),
    ("[analyze]\nwindow_days = 'x'\n", "analyze.window_days takes a int"),
    ("[analyze]\nwindow_days = 7.5\n", "analyze.window_days takes a int"),
    ("[analyze]\nrun_attribution = 1\n", "analyze.run_attribution takes a bool"),
    ("[analyze.calibration]\nmixed_sensors = 'feed-1'\n", "mixed_sensors takes a tuple"),
    ("analyze = 3\n", "config analyze must be a table"),
])
def test_a_wrong_config_is_a_clear_error(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)


def test_a_missing_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "none.toml")
