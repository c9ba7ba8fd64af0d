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
