"""What an executor runs: a message whose stage raises comes back as a quarantine row,
the others as events, one result a message."""

from __future__ import annotations

import pyarrow as pa

from spamintel.config import Config
from spamintel.engine import Pipeline
from spamintel.engine._executor import process_partition
from spamintel.engine._wire import from_results, raws_to_table
from spamintel.testing import make_raw_message


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
    batches = raws_to_table(raws).to_batches(max_chunksize=2)
    out = pa.Table.from_batches(list(process_partition(Config(), iter(batches))))
    events, quarantine = from_results(out)
    assert events.column("subject").to_pylist() == ["fine", "also fine"]
    assert [q["event_id"] for q in quarantine] == [raws[1].event_id]
    assert quarantine[0]["reason"].startswith("pipeline_error: RuntimeError: injected")
