"""The records the Spark engine ships, as Arrow: input units to the executors, the items
read from them (between the reading and the processing executors), and each item's result
back to the driver.

A unit row is a piece of file input (``spamintel.sources.units.Unit``: a path, read on
the executor) or a message handed in whole (a trap delivery), which travels losslessly:
``received_at`` as its ISO text (an offset other than UTC survives, and with it the
``event_id``) and the session record as JSON. ``seq`` is the unit's place in the input.

An item row is what a unit yielded at place ``pos``: a message to process (``kind`` RAW,
its ``RawMessage`` fields, as a unit row carries a whole message), a source failure (its
quarantine row) or a message already stored or met before (``event_id`` only).

Results travel in one schema, one row per item of a unit (``unit``, ``pos``: where it was
read) and one per spool pack. ``kind`` says which: an event (its columns), a message the
pipeline quarantined or a source failure (the ``quarantine`` struct, and ``event_id``), a
message already stored or met before on the executor (``event_id`` only), or a pack of
raw bytes for the spool. ``task`` names the executor task that ran the stages on a
message. Spark has no unsigned integers, so those columns travel as int64
and are cast back by the store.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from spamintel.model import EVENT_SCHEMA, QUARANTINE_SCHEMA, RawMessage
from spamintel.sources.units import Unit
from spamintel.store.spool import Pack

EVENT, QUARANTINED, FAILURE, STORED, PACK, RAW = range(6)
_RAW_FIELDS = [
    ("data", pa.binary()), ("source", pa.string()), ("sensor", pa.string()),
    ("source_kind", pa.string()), ("received_at", pa.string()),
    ("envelope_from", pa.string()), ("envelope_rcpts", pa.list_(pa.string())),
    ("client_ip", pa.string()), ("client_helo", pa.string()), ("session", pa.string()),
    ("label", pa.string()),
]
# a unit's path as the file system's bytes: a name that is no UTF-8 is no Arrow string
UNIT_SCHEMA = pa.schema([("seq", pa.int64()), ("path", pa.binary()), ("kind", pa.string()),
                         ("first", pa.int64()), ("last", pa.int64()), *_RAW_FIELDS])
_PLACE = [pa.field("unit", pa.int64()), pa.field("pos", pa.int64()),
          pa.field("kind", pa.int8()), pa.field("event_id", pa.string()),
          pa.field("quarantine", pa.struct(list(QUARANTINE_SCHEMA)))]
ITEM_SCHEMA = pa.schema([*_PLACE, *_RAW_FIELDS])


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
    + [pa.field("quarantine", pa.struct(list(QUARANTINE_SCHEMA))),
       pa.field("unit", pa.int64()), pa.field("pos", pa.int64()), pa.field("kind", pa.int8()),
       pa.field("task", pa.int64()), pa.field("pack", pa.binary()),
       pa.field("pack_shas", pa.list_(pa.string())),
       pa.field("pack_lengths", pa.list_(pa.int64()))])


def raw_row(r: RawMessage) -> dict:
    """A message's fields as they travel (``raw_from_row`` gives it back)."""
    return {"data": r.data, "source": r.source, "sensor": r.sensor,
            "source_kind": r.source_kind,
            "received_at": r.received_at.isoformat() if r.received_at else None,
            "envelope_from": r.envelope_from, "envelope_rcpts": list(r.envelope_rcpts),
            "client_ip": r.client_ip, "client_helo": r.client_helo,
            "session": None if r.session is None else json.dumps(r.session), "label": r.label}


def raw_from_row(row: dict) -> RawMessage:
    """The message of a row that holds ``raw_row``'s fields, equal to the one shipped."""
    return RawMessage(
        data=row["data"], source=row["source"], sensor=row["sensor"],
        source_kind=row["source_kind"],
        received_at=datetime.fromisoformat(row["received_at"]) if row["received_at"] else None,
        envelope_from=row["envelope_from"], envelope_rcpts=tuple(row["envelope_rcpts"] or ()),
        client_ip=row["client_ip"], client_helo=row["client_helo"],
        session=None if row["session"] is None else json.loads(row["session"]),
        label=row["label"])


def _unit_row(seq: int, unit: Unit | RawMessage) -> dict:
    if isinstance(unit, Unit):
        return {"seq": seq, "path": os.fsencode(unit.path), "kind": unit.kind, "first": unit.first,
                "last": unit.last}
    return {"seq": seq, **raw_row(unit)}


def units_to_batch(units: Sequence[tuple[int, Unit | RawMessage]]) -> pa.RecordBatch:
    """Numbered units as rows of ``UNIT_SCHEMA``."""
    return pa.RecordBatch.from_pylist([_unit_row(seq, u) for seq, u in units],
                                      schema=UNIT_SCHEMA)


def unit_from_row(row: dict) -> Unit | RawMessage:
    """The unit of a ``UNIT_SCHEMA`` row, equal to the one shipped."""
    if row["path"] is not None:
        return Unit(os.fsdecode(row["path"]), row["kind"], row["first"], row["last"])
    return raw_from_row(row)


def result_table(columns: dict[str, pa.Array], n: int) -> pa.Table:
    """``n`` result rows from ``columns``; every other column null."""
    return pa.table({f.name: columns[f.name].cast(f.type) if f.name in columns
                     else pa.nulls(n, f.type) for f in RESULT_SCHEMA}, schema=RESULT_SCHEMA)


def pack_table(pack: Pack) -> pa.Table:
    """A spool pack as one result row."""
    return pa.Table.from_pylist([{"kind": PACK, "pack": pack.blob, "pack_shas": pack.shas,
                                  "pack_lengths": pack.lengths}], schema=RESULT_SCHEMA)


def packs_of(results: pa.Table) -> list[Pack]:
    """The spool packs among result rows."""
    rows = results.filter(pc.equal(results.column("kind"), PACK))
    return [Pack(r["pack"], r["pack_shas"], r["pack_lengths"])
            for r in rows.select(["pack", "pack_shas", "pack_lengths"]).to_pylist()]


def events_of(results: pa.Table) -> pa.Table:
    """The events (``EVENT_SCHEMA``) among result rows."""
    events = results.filter(pc.equal(results.column("kind"), EVENT))
    return events.select(EVENT_SCHEMA.names).cast(EVENT_SCHEMA)


def quarantine_of(results: pa.Table) -> list[dict]:
    """The quarantine rows (pipeline and source failures) among result rows."""
    mask = pc.is_in(results.column("kind"), pa.array([QUARANTINED, FAILURE], pa.int8()))
    return results.filter(mask).column("quarantine").to_pylist()
