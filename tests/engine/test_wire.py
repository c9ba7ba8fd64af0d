"""Raw messages reach the executors unchanged, and results come back as the events and
quarantine rows the pipeline made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pyarrow as pa

from spamintel.engine import Pipeline
from spamintel.engine._wire import from_results, raws_from_batch, raws_to_table, to_results
from spamintel.engine.pipeline import quarantine_row
from spamintel.model import EVENT_SCHEMA, RawMessage
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


def test_raw_messages_travel_unchanged_with_their_event_ids():
    raws = _raws()
    back = raws_from_batch(raws_to_table(raws).to_batches()[0])
    assert back == raws
    assert [r.event_id for r in back] == [r.event_id for r in raws]
    assert back[1].received_at.utcoffset() == timedelta(hours=-5)


def test_results_give_back_the_events_and_quarantine_rows():
    raws = _raws()
    events, quarantine = Pipeline().process_batch(raws)
    quarantine.append(quarantine_row("id1", "sha", "s", "x.eml", 3, "pipeline_error: test"))
    results = pa.Table.from_batches([to_results(events, quarantine)])
    assert results.num_rows == len(raws) + 1
    got_events, got_quarantine = from_results(results)
    assert got_events.schema == EVENT_SCHEMA
    assert got_events.equals(pa.Table.from_batches([events]))
    assert got_quarantine == quarantine
