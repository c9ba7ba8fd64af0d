"""Scenario checks: what makes a scenario unusable is one error naming every problem;
what will not come true as written is a warning, and the world still runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from spamintel.simulate import SimConfig, simulate
from spamintel.simulate.loader import build_scenario
from spamintel.simulate.scenario import ScenarioError
from spamintel.simulate.validate import scenario_warnings

MINIMAL = Path(__file__).with_name("minimal.yaml")


def _minimal(**edits) -> dict:
    data = yaml.safe_load(MINIMAL.read_text())
    for path, value in edits.items():
        node = data
        *keys, last = path.split("__")
        for key in keys:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value
    return data


def test_the_shipped_minimal_scenario_has_neither_problem_nor_warning():
    assert scenario_warnings(build_scenario(_minimal())) == []


def test_values_out_of_range_are_one_error_naming_each():
    data = _minimal(**{"months__2012-06__spam_rate": 1.5, "segments__0__botnet_share": 1.2,
                       "sensors__0__share": 0.0, "groups__0__mix": {"casino": 1, "spam": 1}})
    with pytest.raises(ScenarioError) as err:
        build_scenario(data)
    text = str(err.value)
    for part in ("spam_rate 1.5 is not between 0 and 1", "botnet_share 1.2 is not within 0..1",
                 "sensor t1: share 0.0 is not above 0", "unknown mix category spam"):
        assert part in text


def test_what_will_not_come_true_is_a_warning():
    data = _minimal(**{"segments__0__botnet_share": 0.8,
                       "groups__0__malware_weight": 0, "groups__0__phish_weight": 0})
    data["months"] = {"2012-05": data["months"]["2012-06"]}
    data["events"] = [{"type": "pause", "group": "Tinybot", "at": "2013-01-01"}]
    warnings = " | ".join(scenario_warnings(build_scenario(data)))
    assert "months: 2012-06 not given" in warnings
    assert "event pause of Tinybot on 2013-01-01 lies outside the period" in warnings
    assert "no group has a malware_weight above 0, so the world has no malware" in warnings
    assert "20% of spam is left to non-botnet senders" in warnings


def test_null_rates_say_the_world_has_no_malware_or_phishing(tmp_path):
    data = _minimal(**{"groups__0__malware_weight": 0, "groups__0__phish_weight": 0,
                       "months__2012-06__virus_1_in": None,
                       "months__2012-06__phish_1_in": None})
    assert scenario_warnings(build_scenario(data)) == []
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    stats = simulate(SimConfig(out=tmp_path / "w", scenario=str(path), scale=0.3))
    assert stats.messages > 0 and stats.warnings == []


def test_an_unknown_country_is_a_scenario_error(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(_minimal(**{"groups__0__countries": {"ZZ": 1.0}})))
    with pytest.raises(ScenarioError, match=r"none of its countries \(ZZ\)"):
        simulate(SimConfig(out=tmp_path / "w", scenario=str(path), scale=0.3))
