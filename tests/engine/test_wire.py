"""Units reach the executors unchanged (a message handed in whole keeps its event id),
and result rows give back the events, quarantine rows and spool packs they hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pyarrow as pa

from spamintel.engine import Pipeline
from spamintel.engine._wire import (
    EVENT,
    QUARANTINED,
    events_of,
    pack_table,
    packs_of,
    quarantine_of,
    result_table,
    unit_from_row,
    units_to_batch,
)
from spamintel.engine.pipeline import quarantine_row
from spamintel.model import EVENT_SCHEMA, RawMessage
from spamintel.sources.units import ZIP_PART, Unit
from spamintel.store.spool import make_pack
from spamintel.testing import hostile_messages, make_message, make_raw_message


def _raws() -> list[RawMessage]:
    when = datetime(2011, 3, 1, 23, 59, 59, 999, tzinfo=timezone(timedelta(hours=-5)))
    session = {"rcpt_to": ["a@t.example"], "index_in_session": float("inf"), "ok": True,
               "transcript": [["EHLO x", 250]], "nested": {"k": None}}
    return [
        make_raw_message(),
        RawMessage(data=make_message(subject="trap"), source="spool/1", sensor="t1",
                   source_kind="trap", received_at=when, envelope_from="",
                   envelope_rcpts=("a@t.example", "b@t.example"), client_ip="192.0.2.1",
                   client_helo="HELO-x", session=session, label="spam"),
        RawMessage(data=hostile_messages(big_bytes=10)["nul_bytes"], source="h.eml",
                   received_at=datetime(2011, 3, 2, tzinfo=UTC)),
    ]


def test_units_and_messages_travel_unchanged_with_their_event_ids():
    units = [Unit("a/b.zip", ZIP_PART, 5, 10), *_raws(), Unit("c.mbox")]
    batch = units_to_batch(list(enumerate(units)))
    back = [unit_from_row(row) for row in batch.to_pylist()]
    assert back == units
    assert [r.event_id for r in back[1:4]] == [r.event_id for r in units[1:4]]
    assert back[2].received_at.utcoffset() == timedelta(hours=-5)


def test_results_give_back_the_events_quarantine_rows_and_packs():
    raws = _raws()
    events, _ = Pipeline().process_batch(raws)
    columns = dict(zip(events.schema.names, events.columns, strict=True))
    columns["kind"] = pa.array([EVENT] * events.num_rows, pa.int8())
    row = quarantine_row("id1", "sha", "s", "x.eml", 3, "pipeline_error: test")
    failed = pa.Table.from_pylist([{"kind": QUARANTINED, "event_id": "id1", "quarantine": row}],
                                  schema=result_table({}, 0).schema)
    pack = make_pack((r.sha256, r.data) for r in raws)
    results = pa.concat_tables([result_table(columns, events.num_rows), failed,
                                pack_table(pack)])
    got = events_of(results)
    assert got.schema == EVENT_SCHEMA and got.equals(pa.Table.from_batches([events]))
    assert quarantine_of(results) == [row]
    assert packs_of(results) == [pack]
