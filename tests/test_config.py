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
    ("[analyze]\nwindow_days = 'x'\n", "analyze.window_days takes a whole number"),
    ("[analyze]\nwindow_days = 7.5\n", "analyze.window_days takes a whole number"),
    ("[analyze]\nrun_attribution = 1\n", "analyze.run_attribution takes true or false"),
    ("[analyze.calibration]\nmixed_sensors = 'feed-1'\n",
     "mixed_sensors takes a list of strings"),
    ("analyze = 3\n", "config analyze must be a table"),
    # keys whose default is "use the model's own" still take only their type
    ("[classify]\nspam_threshold = 'high'\n", "classify.spam_threshold takes a number"),
    ("[classify]\nspam_threshold = 1.5\n", "spam_threshold must be at most 1"),
    # inside a table, and in a list
    ("[analyze.calibration]\nsensor_shares = {trap-a = 'lots'}\n",
     "sensor_shares takes a table of numbers"),
    ("[analyze.calibration]\nsensor_shares = {trap-a = 0}\n", "must be above 0"),
    ("[attribute]\nsignature_dirs = [3]\n", "signature_dirs takes a list of strings"),
    # words from a fixed list, dates, and limits that make no sense
    ("[analyze.calibration]\nunit = 'bananas'\n", "must be one of messages, recipients"),
    ("[analyze.calibration]\nreference_start = '16/03/2011'\n", "must be a date"),
    ("[store]\nbatch_size = 0\n", "store.batch_size must be at least 1"),
    # paths that name nothing
    ("[ipdata]\nasn_csv = '/no/such/asn.csv'\n", "ipdata.asn_csv names no file"),
    ("[classify]\nyara_dirs = ['/no/such/rules']\n", "yara_dirs names no folder"),
    ("[classify]\nlink_feeds = ['/no/such/feed.txt']\n", "link_feeds names no file"),
    ("[attribute]\nsignature_dirs = ['/no/such/sigs']\n", "signature_dirs names no folder"),
])
def test_a_wrong_config_is_a_clear_error(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)


def test_a_missing_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "none.toml")


def test_paths_that_exist_and_empty_paths_are_taken(tmp_path):
    (tmp_path / "asn.csv").write_text("")
    cfg = _load(tmp_path, f"[ipdata]\nasn_csv = '{tmp_path / 'asn.csv'}'\ncountry_csv = ''\n"
                          f"[classify]\nyara_dirs = ['{tmp_path}']\nspam_threshold = 0.7\n")
    assert cfg.ipdata.asn_csv == str(tmp_path / "asn.csv") and cfg.ipdata.country_csv == ""
    assert cfg.classify.yara_dirs == (str(tmp_path),) and cfg.classify.spam_threshold == 0.7
