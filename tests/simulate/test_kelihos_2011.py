"""The second built-in scenario, ``kelihos-2011``: it loads, its world holds its sourced
figures and events, and a one-day slice simulates with the new botnet's own software."""

import collections
import json
from datetime import date

import pyarrow.parquet as pq
import pytest

from spamintel.simulate.calibration import check, table_markdown
from spamintel.simulate.generate import SimConfig, simulate
from spamintel.simulate.loader import builtin_scenarios, load_scenario
from spamintel.simulate.truth import country_table, daily_table
from spamintel.simulate.world import MALWARE, WORLD_CATEGORIES, build_world


@pytest.fixture(scope="module")
def world():
    return build_world(load_scenario("kelihos-2011"))



def test_listed_and_calibrated(world):
    assert "kelihos-2011" in builtin_scenarios()
    scen = world.scenario
    assert (scen.start, scen.end) == (date(2011, 5, 1), date(2011, 10, 31))
    assert "Rustock" not in {g.name for g in scen.groups}
    checks = check(scen, daily_table(world), country_table(world))
    assert len(checks) >= 15
    bad = [c for c in checks if not c.ok]
    assert not bad, table_markdown(bad)


def test_kelihos_takedown_and_cutwail_takes_part_of_the_gap(world):
    d = world.day_index
    kelihos, cutwail = world.daily("Kelihos"), world.daily("Cutwail")
    assert kelihos[d(date(2011, 9, 26))] == pytest.approx(3.8e9)
    assert kelihos[d(date(2011, 9, 27)):].max() == 0
    gain = cutwail[d(date(2011, 9, 27))] - cutwail[d(date(2011, 9, 26))]
    assert gain == pytest.approx(1e9, rel=0.01)


def test_pause_resume_new_botnet_and_content_switch(world):
    d = world.day_index
    festi, tarka = world.daily("Festi"), world.daily("Tarka")
    assert festi[d(date(2011, 7, 12)):d(date(2011, 7, 25))].max() == 0
    assert festi[d(date(2011, 7, 10))] > 3e9 and festi[d(date(2011, 7, 26))] > 3e9
    assert tarka[: d(date(2011, 8, 16))].max() == 0 and tarka[d(date(2011, 8, 30))] > 1e9
    gi = [g.name for g in world.groups].index("Donbot")
    casino = WORLD_CATEGORIES.index("casino")
    assert world.volumes[gi, d(date(2011, 5, 20)), MALWARE] > 0
    assert world.volumes[gi, d(date(2011, 5, 20)), casino] == 0
    assert world.volumes[gi, d(date(2011, 5, 26)), MALWARE] == 0
    assert world.volumes[gi, d(date(2011, 5, 26)), casino] > 0


def test_a_day_simulates_with_the_new_botnets_own_software(tmp_path):
    from spamintel.fingerprint.dialect import dialect_fingerprint

    out = tmp_path / "k"
    stats = simulate(SimConfig(out=out, scenario="kelihos-2011", scale=0.5,
                               start=date(2011, 9, 20), end=date(2011, 9, 20)))
    assert stats.calibration_ok == stats.calibration_targets and stats.messages > 200
    truth = {r["msg_sha256"]: r for r in
             pq.read_table(out / "truth" / "messages.parquet").to_pylist()}
    fps: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for side in (out / "mail").rglob("*.sessions.jsonl"):
        for line in side.open():
            rec = json.loads(line)
            fps[truth[rec["msg_sha256"]]["botnet"]][dialect_fingerprint(rec)[0]] += 1
    assert sum(fps["Tarka"].values()) >= 10
    tarka = fps["Tarka"].most_common(1)[0][0]
    assert all(tarka not in c for b, c in fps.items() if b != "Tarka")
    # trap-d never receives the new botnet's mail (its visibility is 0)
    assert not any(r["botnet"] == "Tarka" and r["sensor"] == "trap-d" for r in truth.values())
