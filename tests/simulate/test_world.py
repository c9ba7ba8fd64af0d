from datetime import date

import numpy as np
import pytest

from spamintel.simulate.calibration import check, table_markdown
from spamintel.simulate.loader import load_scenario
from spamintel.simulate.truth import country_table, daily_table
from spamintel.simulate.world import MALWARE, build_world


@pytest.fixture(scope="module")
def world():
    return build_world(load_scenario("march-2011"))



def test_calibration_within_tolerance(world):
    checks = check(world.scenario, daily_table(world), country_table(world))
    assert {c.target.metric for c in checks} >= {"spam_bn", "group_bn", "botnet_share",
                                                 "spam_rate", "virus_1_in", "phish_1_in",
                                                 "country_share"}
    assert len([c for c in checks if c.target.tolerance <= 0.02]) >= 20
    bad = [c for c in checks if not c.ok]
    assert not bad, table_markdown(bad)


def test_rustock_pause_return_and_takedown(world):
    rustock = world.daily("Rustock")
    d = world.day_index
    assert rustock[d(date(2010, 12, 24))] > 30e9
    assert rustock[d(date(2010, 12, 25)):d(date(2011, 1, 10))].max() == 0
    assert rustock[d(date(2011, 1, 10))] > 5e9
    gi = [g.name for g in world.groups].index("Rustock")
    slots = world.slots[gi, d(date(2011, 3, 16))]  # 15-minute slots; 14:45 is slot 59
    assert slots[:59].min() > 0 and slots[59:].max() == 0
    assert rustock[d(date(2011, 3, 17)):].max() == 0


def test_global_drops_after_takedown(world):
    spam = world.volumes[[g.kind != "legit" for g in world.groups]].sum(axis=(0, 2))
    d = world.day_index
    assert spam[d(date(2011, 3, 17))] < 0.75 * spam[d(date(2011, 3, 15))]


def test_new_botnet_and_content_switch(world):
    kelihos = world.daily("Kelihos")
    d = world.day_index
    assert kelihos[: d(date(2011, 1, 3))].max() == 0 and kelihos[d(date(2011, 2, 1))] > 0
    gi = [g.name for g in world.groups].index("Donbot")
    assert world.volumes[gi, d(date(2011, 3, 20)), MALWARE] > 0
    assert world.volumes[gi, d(date(2011, 3, 25)), MALWARE] == 0


def test_rustock_bursts_every_three_days(world):
    rustock = world.daily("Rustock")
    d = world.day_index
    week = rustock[d(date(2011, 2, 1)):d(date(2011, 2, 13))]
    assert week.max() / week.min() > 3
    assert np.isclose(week[:12].mean(), 12.75e9, rtol=0.01)


def test_bots_alive_truth(world):
    from spamintel.simulate.generate import SimConfig, _kit
    from spamintel.simulate.truth import population_table

    scen = world.scenario
    kit = _kit(scen, 1, SimConfig(out=None))
    pops = population_table(world, kit.pops).to_pylist()
    mid = [r for r in pops if r["botnet"] == "Bagle" and r["day"] == date(2011, 2, 1)][0]
    assert 0.85 * 230000 < mid["bots_alive"] < 1.1 * 230000


def test_weekends_have_a_higher_spam_rate(world):
    spam_mask = [g.kind != "legit" for g in world.groups]
    spam = world.volumes[spam_mask].sum(axis=(0, 2))
    total = world.volumes.sum(axis=(0, 2))
    rate = {d: spam[i] / total[i] for i, d in enumerate(world.days)}
    april = [d for d in rate if d.month == 4]
    weekend = np.mean([rate[d] for d in april if d.weekday() >= 5])
    weekday = np.mean([rate[d] for d in april if d.weekday() < 5])
    assert weekend > weekday + 0.03
