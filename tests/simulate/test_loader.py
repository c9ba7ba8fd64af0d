import pytest
import yaml

from spamintel.simulate.loader import build_scenario, builtin_scenarios, load_scenario
from spamintel.simulate.scenario import ScenarioError


def test_builtin_scenario_by_name_and_by_path(tmp_path):
    assert "march-2011" in builtin_scenarios()
    scen = load_scenario("march-2011")
    named = {g.name for g in scen.groups if g.kind == "botnet" and not g.name.startswith("unnamed")}
    assert len(named) >= 12
    assert {"nonbotnet", "legit"} <= {g.kind for g in scen.groups}
    assert len([s for s in scen.sensors if s.kind == "trap"]) >= 2
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(scen.raw))
    assert load_scenario(path).name == "march-2011"


def test_unknown_name():
    with pytest.raises(ScenarioError, match="no scenario"):
        load_scenario("no-such-world")


def test_validation_names_the_problem():
    raw = load_scenario("march-2011").raw
    bad = dict(raw, events=[{"type": "pause", "group": "Nobody", "at": "2011-01-01"}])
    with pytest.raises(ScenarioError, match="Nobody"):
        build_scenario(bad)
    with pytest.raises(ScenarioError, match="missing"):
        build_scenario({"period": {}})


def test_route_stamps_of_a_sensor_are_read_and_checked():
    raw = load_scenario("march-2011").raw
    sensors = [dict(raw["sensors"][0], stamps={"fields": ["X-Miltered", "X-UUID"],
                                                "share": 0.2})] + raw["sensors"][1:]
    sensor = build_scenario(dict(raw, sensors=sensors)).sensors[0]
    assert (sensor.stamps, sensor.stamp_share) == (("X-Miltered", "X-UUID"), 0.2)
    assert build_scenario(raw).sensors[0].stamp_share == 0.0
    for stamps, problem in (({"fields": ["X: bad"], "share": 0.2}, "not a header field name"),
                            ({"fields": ["X-A"], "share": 1.5}, "not within 0..1"),
                            ({"share": 0.5}, "needs stamps.fields")):
        bad = [dict(raw["sensors"][0], stamps=stamps)] + raw["sensors"][1:]
        with pytest.raises(ScenarioError, match=problem):
            build_scenario(dict(raw, sensors=bad))
