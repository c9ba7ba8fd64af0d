import numpy as np

from spamintel.simulate.ipspace import IPSpace, ip_text
from spamintel.simulate.loader import load_scenario
from spamintel.simulate.population import build_population


def test_drawn_bots_are_alive_deterministic_and_in_country():
    scen = load_scenario("march-2011")
    space = IPSpace.load()
    g = scen.group("Maazben")
    pop = build_population(g, scen, space, seed=1)
    times = np.full(500, 40.5)
    bots = pop.draw(np.random.default_rng(2), times)
    birth, death = pop.lifespan(bots.index)
    assert ((birth <= 40.5) & (death > 40.5)).all()
    again = build_population(g, scen, space, seed=1).draw(np.random.default_rng(2), times)
    assert (again.ips == bots.ips).all()
    countries = {space.isps[int(a)].cc for a in bots.asns}
    assert countries <= set(g.countries)
    assert all(not ip_text(int(i)).endswith((".0", ".255")) for i in bots.ips)
    # skewed rates: the first tenth of the pool sends well over a tenth of the mail
    assert (bots.index < pop.size / 10).mean() > 0.2


def test_fallback_prefixes_without_asn_file(tmp_path):
    space = IPSpace.load(tmp_path / "missing.csv.gz")
    assert {"RU", "IN", "US", "BR", "XH"} <= set(space.countries)


def test_snowshoe_blocks_cluster_addresses():
    scen = load_scenario("march-2011")
    g = scen.group("snowshoe")
    assert g.blocks
    pop = build_population(g, scen, IPSpace.load(), seed=1)
    bots = pop.draw(np.random.default_rng(3), np.full(400, 60.5))
    assert len({int(ip) >> 8 for ip in bots.ips}) <= g.blocks
    assert len(set(bots.ips.tolist())) > 50
