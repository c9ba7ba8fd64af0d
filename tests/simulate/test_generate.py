import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from spamintel.simulate.generate import SimConfig, simulate
from spamintel.simulate.loader import build_scenario, load_scenario
from spamintel.simulate.scenario import ScenarioError


def _digest(root) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix != ".json"
    }


def test_layout(small_world):
    for sensor in ("trap-a", "trap-b", "feed-1"):
        for day in ("2011-03-16", "2011-03-17"):
            assert (small_world / "mail" / sensor / f"{day}.mbox").stat().st_size > 0
            assert (small_world / "mail" / sensor / f"{day}.sessions.jsonl").is_file()
    for name in (
        "messages.parquet",
        "daily.parquet",
        "populations.parquet",
        "countries.parquet",
        "scenario.json",
    ):
        assert (small_world / "truth" / name).is_file()
    resolved = json.loads((small_world / "truth" / "scenario.json").read_text())
    shares = {s["name"]: s["effective_share"] for s in resolved["sensors"]}
    assert shares["trap-a"] == pytest.approx(1.65e-8 * 0.25)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path, make_world):
    one = make_world(tmp_path / "a", seed=3, end=date(2011, 3, 16), scale=0.1)
    two = make_world(tmp_path / "b", seed=3, end=date(2011, 3, 16), scale=0.1)
    other = make_world(tmp_path / "c", seed=4, end=date(2011, 3, 16), scale=0.1)
    assert _digest(one) == _digest(two)
    assert _digest(one) != _digest(other)


def test_a_day_does_not_depend_on_the_range(tmp_path, small_world, make_world):
    alone = make_world(tmp_path / "d", start=date(2011, 3, 17), end=date(2011, 3, 17))
    for sensor in ("trap-a", "feed-1"):
        name = f"mail/{sensor}/2011-03-17.mbox"
        assert (alone / name).read_bytes() == (small_world / name).read_bytes()


def test_truth_rows_match_the_mail(small_world):
    truth = pq.read_table(small_world / "truth" / "messages.parquet").to_pylist()
    shas = set()
    for side in (small_world / "mail").rglob("*.sessions.jsonl"):
        shas |= {json.loads(line)["msg_sha256"] for line in side.open()}
    assert {r["msg_sha256"] for r in truth} == shas
    traps = [r for r in truth if r["sensor"].startswith("trap")]
    assert traps and all(r["is_spam"] for r in traps)
    feed = [r for r in truth if r["sensor"] == "feed-1"]
    assert any(r["botnet"] == "legit" for r in feed) and any(r["is_spam"] for r in feed)
    after = [r for r in truth if r["botnet"] == "Rustock" and r["day"] == date(2011, 3, 17)]
    assert after == []  # taken down on 16 March 14:45


def test_no_truth_leaks_into_mail(small_world):
    scen = load_scenario("march-2011")
    names = [g.name for g in scen.groups if g.kind == "botnet"] + ["Mega-D", "Storm", "Waledac"]
    ids = [c.id for c in scen.campaigns]
    pattern = re.compile(r"(?i)\b(" + "|".join(re.escape(n) for n in names + ids) + r")\b")
    truth = pq.read_table(small_world / "truth" / "messages.parquet").column("campaign")
    ids += [c for c in set(truth.to_pylist()) if c]
    for path in (small_world / "mail").rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("latin-1")
            assert not pattern.search(text), (path, pattern.search(text))
            for cid in ids:
                assert cid not in text


def test_unknown_format_is_an_error(tmp_path):
    with pytest.raises(ScenarioError):
        simulate(SimConfig(out=tmp_path, fmt="pst", end=date(2010, 12, 1)))


def test_eml_tree(tmp_path, make_world):
    from spamintel.sources import iter_sources

    root = make_world(tmp_path / "e", end=date(2011, 3, 16), scale=0.05, fmt="eml")
    folder = root / "mail" / "trap-a" / "2011-03-16"
    emls = sorted(folder.glob("*.eml"))
    assert emls and len(list(folder.glob("*.sessions.jsonl"))) == len(emls)
    for eml in emls:
        rec = json.loads(eml.with_suffix(".sessions.jsonl").read_text())
        assert rec["msg_sha256"] == hashlib.sha256(eml.read_bytes()).hexdigest()
    items = list(iter_sources([folder]))
    assert len(items) == len(emls) and all(i.session for i in items)  # sidecars attach


def test_a_user_scenario_file_runs(tmp_path):
    scen = Path(__file__).with_name("minimal.yaml")
    stats = simulate(SimConfig(out=tmp_path / "m", scenario=scen))
    assert stats.days == 3 and stats.by_sensor["t1"] > 100 and stats.by_sensor["f1"] > 100
    truth = pq.read_table(tmp_path / "m" / "truth" / "messages.parquet").to_pylist()
    assert {r["botnet"] for r in truth} == {"Tinybot", "legit"}
    cats = {r["category"] for r in truth if r["botnet"] == "Tinybot"}
    assert cats >= {"casino"} and cats <= {"casino", "malware", "phishing"}
    resolved = json.loads((tmp_path / "m" / "truth" / "scenario.json").read_text())
    assert resolved["calibration"][0]["ok"]


def test_a_software_update_changes_the_dialect_of_the_same_bots(tmp_path):
    data = yaml.safe_load(Path(__file__).with_name("minimal.yaml").read_text())
    data["groups"][0]["bots"] = 300  # a small pool, so hosts recur on both sides
    data["events"] = [
        {
            "type": "content_switch",
            "group": "Tinybot",
            "at": "2012-06-02",
            "dialects": {"ehlo_machine_pipe_lf": 1.0},
        }
    ]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    assert build_scenario(data).events[0].params["dialects"]
    simulate(SimConfig(out=tmp_path / "m", scenario=tmp_path / "s.yaml"))
    truth = pq.read_table(tmp_path / "m" / "truth" / "messages.parquet").to_pylist()
    bot = {r["msg_sha256"] for r in truth if r["botnet"] == "Tinybot"}
    speech: dict[str, list[tuple[bool, str]]] = {"2012-06-01": [], "2012-06-03": []}
    for day, seen in speech.items():
        for line in (tmp_path / "m" / "mail" / "t1" / f"{day}.sessions.jsonl").open():
            rec = json.loads(line)
            if rec["msg_sha256"] in bot:
                seen.append((rec["esmtp"], rec["client_ip"]))
    ehlo = {day: sum(e for e, _ in seen) / len(seen) for day, seen in speech.items()}
    assert ehlo["2012-06-01"] < 0.1 and ehlo["2012-06-03"] > 0.9  # a session may deviate
    hosts = [{ip for _, ip in seen} for seen in speech.values()]
    assert hosts[0] & hosts[1]


def test_a_scenario_naming_software_that_does_not_exist_is_an_error(tmp_path):
    data = yaml.safe_load(Path(__file__).with_name("minimal.yaml").read_text())
    data["events"] = [{"type": "content_switch", "group": "Tinybot", "at": "2012-06-02",
                       "dialects": {"ehlo_nonesuch": 1.0}}]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ScenarioError, match="Tinybot: unknown dialect 'ehlo_nonesuch'"):
        simulate(SimConfig(out=tmp_path / "m", scenario=tmp_path / "s.yaml"))


def test_a_sensor_behind_a_stamping_filter_stamps_part_of_its_mail(tmp_path):
    data = yaml.safe_load(Path(__file__).with_name("minimal.yaml").read_text())
    data["sensors"][0]["stamps"] = {"fields": ["X-Miltered", "X-UUID"], "share": 0.3}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data))
    simulate(SimConfig(out=tmp_path / "m", scenario=tmp_path / "s.yaml"))
    for sensor, low, high in (("t1", 0.2, 0.4), ("f1", 0.0, 0.0)):
        mbox = b"".join(p.read_bytes() for p in (tmp_path / "m" / "mail" / sensor).glob("*.mbox"))
        heads = [m.split(b"\r\n\r\n", 1)[0] for m in re.split(rb"\nFrom \S+ ", mbox) if m]
        stamped = [h for h in heads if b"\r\nX-Miltered: mx.t1.example.net " in h]
        assert low <= len(stamped) / len(heads) <= high
        assert all(h.split(b"\r\n")[-1].startswith(b"X-UUID: ") for h in stamped)
