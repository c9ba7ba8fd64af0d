"""What an executor runs: it reads its units itself, a message whose stage raises comes
back as a quarantine row, a message the store holds or met before as skipped, and the new
messages' bytes as one spool pack."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from spamintel.config import Config
from spamintel.engine import Pipeline
from spamintel.engine._executor import read_and_process
from spamintel.engine._wire import EVENT, PACK, QUARANTINED, STORED, units_to_batch
from spamintel.sources.units import Unit
from spamintel.testing import make_raw_message


class _Ledger:
    def __init__(self, ids: frozenset[str]) -> None:
        self.value = ids


def _run(units: list, known: frozenset[str] = frozenset()) -> pa.Table:
    batches = [units_to_batch(list(enumerate(units))[::-1])]  # any order in a partition
    return pa.Table.from_batches(
        list(read_and_process(Config(), "s", None, _Ledger(known), iter(batches))))


def test_a_message_that_breaks_a_stage_comes_back_quarantined(monkeypatch):
    def fails(self, parsed):
        raise RuntimeError("injected")

    def fails_on_poison(self, parsed):
        if parsed.event.subject == "poison":
            raise RuntimeError("injected")
        return parsed

    monkeypatch.setattr(Pipeline, "_classify_all", fails)
    monkeypatch.setattr(Pipeline, "_classify", fails_on_poison)
    raws = [make_raw_message(subject=s, message_id=f"<{i}@x.example>")
            for i, s in enumerate(["fine", "poison", "also fine"])]
    out = _run(raws).sort_by([("unit", "ascending")])
    assert out.column("kind").to_pylist() == [EVENT, QUARANTINED, EVENT, PACK]
    assert out.column("subject").to_pylist()[::2] == ["fine", "also fine"]
    failed = out.column("quarantine")[1].as_py()
    assert failed["event_id"] == raws[1].event_id
    assert failed["reason"].startswith("pipeline_error: RuntimeError: injected")
    assert sorted(out.column("pack_shas")[3].as_py()) == sorted(r.sha256 for r in raws)


def test_units_are_read_on_the_executor_and_known_messages_skipped(tmp_path):
    raws = [make_raw_message(subject=s) for s in ("a", "b")]
    for i, raw in enumerate(raws):
        (tmp_path / f"{i}.eml").write_bytes(raw.data)
    units = [Unit(str(tmp_path / "0.eml")), Unit(str(tmp_path / "1.eml")),
             Unit(str(tmp_path / "1.eml"))]
    known = frozenset({_read_id(tmp_path / "0.eml")})
    out = _run(units, known).sort_by([("unit", "ascending")])
    assert out.column("kind").to_pylist() == [STORED, EVENT, STORED, PACK]
    assert out.column("source").to_pylist()[1] == str(tmp_path / "1.eml")
    assert pc.sum(pc.equal(out.column("kind"), PACK)).as_py() == 1


def _read_id(path) -> str:
    from spamintel.sources import iter_sources

    return next(iter(iter_sources([path], sensor="s"))).event_id
