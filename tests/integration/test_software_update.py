"""End to end on a small simulated world where a botnet updates its software: simulate →
ingest → attribute → analyze. Its bots move from one known family's SMTP dialect and
header template to another's on 18 June; the report must keep one botnet, date the
switch, and report no takedown or new botnet for it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from spamintel.analyze import analyze
from spamintel.analyze.calibration import load_calibration, with_calibration
from spamintel.config import Config
from spamintel.engine import ingest
from spamintel.simulate.generate import SimConfig, simulate
from spamintel.sources import iter_sources
from spamintel.store import Store

UPDATE = date(2012, 6, 18)


def _scenario(path: Path) -> Path:
    data = yaml.safe_load((Path(__file__).parents[1] / "simulate" / "minimal.yaml").read_text())
    data["period"] = {"start": "2012-06-01", "end": "2012-07-05"}
    data["months"]["2012-07"] = data["months"]["2012-06"]
    data["groups"][0]["bots"] = 20000
    data["groups"].insert(1, {"name": "Otherbot", "shares": {"2012-06": 1}, "bots": 8000,
                              "countries": {"VN": 1.0}, "mix": {"pharma": 1.0},
                              "dialects": "ehlo_lower_rset", "headers": "thunderbird"})
    data["events"] = [{"type": "content_switch", "group": "Tinybot", "at": UPDATE.isoformat(),
                       "dialects": {"ehlo_machine_pipe_lf": 1.0}, "headers": {"oe6": 1.0}}]
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    root = tmp_path_factory.mktemp("update")
    world = root / "world"
    simulate(SimConfig(out=world, scenario=_scenario(root / "scenario.yaml"), scale=0.5))
    store = Store(root / "store")
    ingest(iter_sources(sorted((world / "mail").iterdir())), store, Config(), workers=1)
    analyze(store, with_calibration(Config(), load_calibration(world / "truth" /
                                                               "scenario.json")))
    return store, world / "truth"


def test_the_updated_botnet_stays_one_botnet(updated):
    store, truth = updated
    con = store.connect()
    names = dict(con.execute(
        f"SELECT t.day >= DATE '{UPDATE}', mode(events.botnet) FROM events JOIN "
        f"read_parquet('{truth / 'messages.parquet'}') t USING (msg_sha256) "
        "WHERE t.botnet = 'Tinybot' GROUP BY 1").fetchall())
    assert names[False] == names[True] is not None
    sent = pq.read_table(truth / "messages.parquet").to_pylist()
    mine = {r["msg_sha256"] for r in sent if r["botnet"] == "Tinybot"}
    named = con.execute("SELECT msg_sha256 FROM events WHERE botnet = ?",
                        [names[True]]).fetchall()
    assert len(mine & {s for (s,) in named}) >= 0.95 * len(mine)


def test_the_update_is_a_software_switch_and_nothing_stops_or_starts(updated):
    store, _ = updated
    events = store.connect().execute(
        "SELECT type, botnet, date FROM botnet_events WHERE scope = 'botnet'").fetchall()
    switches = [(b, d) for t, b, d in events if t == "software_switch"]
    assert len(switches) == 1 and switches[0][1] == UPDATE
    assert not [e for e in events if e[0] in ("takedown", "new_botnet", "pause")]
