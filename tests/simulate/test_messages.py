"""Every generated message parses (stdlib and the project's pipeline) and its session
record agrees with the trap's Received line."""

import email
import email.policy
import hashlib
import json
from pathlib import Path

from spamintel.model import RawMessage
from spamintel.sources._mbox import iter_mbox


def _messages(root: Path):
    for mbox in sorted((root / "mail").rglob("*.mbox")):
        side = mbox.with_name(mbox.stem + ".sessions.jsonl")
        records = {json.loads(line)["msg_sha256"]: json.loads(line) for line in side.open()}
        with open(mbox, "rb") as fh:
            for _, data, truncated in iter_mbox(fh, 1 << 26):
                assert not truncated
                yield data, records.pop(hashlib.sha256(data).hexdigest())
        assert records == {}  # every record matched a message


def test_stdlib_parses_every_message(small_world):
    n = 0
    for data, _ in _messages(small_world):
        for policy in (email.policy.compat32, email.policy.default):
            msg = email.message_from_bytes(data, policy=policy)
            assert msg["Received"] and msg["From"] and msg["Subject"] is not None
            for part in msg.walk():
                part.get_payload(decode=True)
        n += 1
    assert n > 300


def test_received_line_matches_session(small_world):
    for data, rec in _messages(small_world):
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        top = msg.get_all("Received")[0]
        assert top.startswith(f"from {rec['helo']} (")
        assert f"[{rec['client_ip']}])" in top
        assert f"by {rec['trap_host']} with" in top and f"id {rec['queue_id']}" in top
        assert f"for <{rec['rcpt_to'][0]}>" in top
        greet = rec["transcript"][1][2]
        assert greet.split(None, 1)[1].rstrip("\r\n") == rec["helo"]


def test_project_pipeline_reads_every_message(small_world):
    from spamintel.engine.pipeline import Pipeline

    pipe = Pipeline()
    seen = 0
    for data, rec in _messages(small_world):
        ev = pipe.process(RawMessage(data=data, source="sim"))
        assert ev.client_ip == rec["client_ip"]
        assert ev.client_helo == rec["helo"].strip("[]")
        seen += 1
    assert seen > 300


def test_malware_is_eicar_in_realistic_wrappers(small_world):
    import pyarrow.parquet as pq

    truth = pq.read_table(small_world / "truth" / "messages.parquet").to_pylist()
    malware = {r["msg_sha256"] for r in truth if r["is_malware"]}
    assert malware
    names = []
    for data, rec in _messages(small_world):
        if rec["msg_sha256"] in malware:
            msg = email.message_from_bytes(data, policy=email.policy.default)
            atts = [p for p in msg.walk() if p.get_filename()]
            assert atts
            names += [a.get_filename() for a in atts]
    assert all(n.endswith(".zip") or n.count(".") >= 2 for n in names)


def test_families_differ_by_dialect_but_are_noisy(tmp_path, make_world):
    import collections
    from datetime import date

    import pyarrow.parquet as pq

    from spamintel.fingerprint.dialect import dialect_fingerprint

    root = make_world(tmp_path / "w", start=date(2011, 3, 2), end=date(2011, 3, 3), scale=0.3)
    truth = {r["msg_sha256"]: r["botnet"] for r in
             pq.read_table(root / "truth" / "messages.parquet").to_pylist()}
    fps: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for _, rec in _messages(root):
        fps[truth[rec["msg_sha256"]]][dialect_fingerprint(rec)[0]] += 1
    top = {b: c.most_common(1)[0][0] for b, c in fps.items()}
    assert len({top[b] for b in ("Rustock", "Bagle", "Cutwail", "Lethic", "Grum")}) == 5
    assert len(fps["Rustock"]) > 1 and len(fps["Bagle"]) > 1  # noise within a family
    assert fps["Rustock"][top["Rustock"]] / sum(fps["Rustock"].values()) > 0.6
