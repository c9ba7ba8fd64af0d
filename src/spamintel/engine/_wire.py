"""The records the Spark engine ships, as Arrow: raw messages to the executors, and each
message's event or quarantine row back to the driver.

Raw messages travel losslessly: ``received_at`` as its ISO text (an offset other than
UTC survives, and with it the ``event_id``) and the session record as JSON. Results
travel in one schema, one row per message: the event's columns, or, for a message the
pipeline quarantined, a ``quarantine`` struct with the event columns null. Spark has no
unsigned integers, so those columns travel as int64 and are cast back by the store.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from spamintel.model import EVENT_SCHEMA, QUARANTINE_SCHEMA, RawMessage

RAW_SCHEMA = pa.schema([
    ("data", pa.binary()), ("source", pa.string()), ("sensor", pa.string()),
    ("source_kind", pa.string()), ("received_at", pa.string()),
    ("envelope_from", pa.string()), ("envelope_rcpts", pa.list_(pa.string())),
    ("client_ip", pa.string()), ("client_helo", pa.string()), ("session", pa.string()),
    ("label", pa.string()),
])
QUARANTINE_COLUMN = "quarantine"


def _signed(t: pa.DataType) -> pa.DataType:
    """``t`` with every unsigned integer widened to int64 (Spark has no unsigned types)."""
    if pa.types.is_unsigned_integer(t):
        return pa.int64()
    if pa.types.is_list(t):
        return pa.list_(_signed(t.value_type))
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(_signed(f.type)) for f in t])
    return t


RESULT_SCHEMA = pa.schema(
    [f.with_type(_signed(f.type)) for f in EVENT_SCHEMA]
    + [pa.field(QUARANTINE_COLUMN, pa.struct(list(QUARANTINE_SCHEMA)))])


def raws_to_table(raws: Sequence[RawMessage]) -> pa.Table:
    """Raw messages as rows of ``RAW_SCHEMA``."""
    cols = {
        "data": [r.data for r in raws], "source": [r.source for r in raws],
        "sensor": [r.sensor for r in raws], "source_kind": [r.source_kind for r in raws],
        "received_at": [r.received_at.isoformat() if r.received_at else None for r in raws],
        "envelope_from": [r.envelope_from for r in raws],
        "envelope_rcpts": [list(r.envelope_rcpts) for r in raws],
        "client_ip": [r.client_ip for r in raws], "client_helo": [r.client_helo for r in raws],
        "session": [None if r.session is None else json.dumps(r.session) for r in raws],
        "label": [r.label for r in raws],
    }
    return pa.table(cols, schema=RAW_SCHEMA)


def raws_from_batch(batch: pa.RecordBatch) -> list[RawMessage]:
    """The raw messages of rows of ``RAW_SCHEMA``, equal to the ones shipped."""
    return [
        RawMessage(
            data=row["data"], source=row["source"], sensor=row["sensor"],
            source_kind=row["source_kind"],
            received_at=datetime.fromisoformat(row["received_at"]) if row["received_at"]
            else None,
            envelope_from=row["envelope_from"],
            envelope_rcpts=tuple(row["envelope_rcpts"] or ()),
            client_ip=row["client_ip"], client_helo=row["client_helo"],
            session=None if row["session"] is None else json.loads(row["session"]),
            label=row["label"],
        )
        for row in batch.to_pylist()
    ]


def to_results(events: pa.RecordBatch, quarantine: list[dict]) -> pa.RecordBatch:
    """One batch's events and quarantine rows as rows of ``RESULT_SCHEMA``."""
    n, q = events.num_rows, len(quarantine)
    cols = []
    for f, column in zip(list(RESULT_SCHEMA)[:-1], events.columns, strict=True):
        filler = pa.nulls(q, type=f.type)
        cols.append(pa.concat_arrays([column.cast(f.type), filler]))
    qtype = RESULT_SCHEMA.field(QUARANTINE_COLUMN).type
    cols.append(pa.concat_arrays([pa.nulls(n, type=qtype), pa.array(quarantine, type=qtype)]))
    return pa.RecordBatch.from_arrays(cols, schema=RESULT_SCHEMA)


def from_results(results: pa.Table) -> tuple[pa.Table, list[dict]]:
    """The events (``EVENT_SCHEMA``) and quarantine rows held in result rows."""
    is_event = pc.is_null(results.column(QUARANTINE_COLUMN))
    events = results.filter(is_event).select(EVENT_SCHEMA.names).cast(EVENT_SCHEMA)
    quarantine = results.filter(pc.invert(is_event)).column(QUARANTINE_COLUMN)
    return events, quarantine.to_pylist()
