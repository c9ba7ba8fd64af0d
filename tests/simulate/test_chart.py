from spamintel.simulate.chart import draw, stacked_series
from spamintel.simulate.loader import load_scenario
from spamintel.simulate.world import build_world


def test_chart_is_drawn_and_series_add_up(tmp_path):
    world = build_world(load_scenario("march-2011"))
    labels, series = stacked_series(world)
    assert labels[0] == "Rustock" and labels[-1] == "non-botnet"
    spam = sum(world.volumes[i].sum() for i, g in enumerate(world.groups) if g.kind != "legit")
    assert abs(series.sum() * 1e9 - spam) / spam < 1e-9
    out = draw(world, tmp_path / "c.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
