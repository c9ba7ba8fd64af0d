"""Write what the sensors saw: daily mboxrd files (or .eml trees) with session sidecars,
and the ground truth as Parquet.

Layout under the output directory::

    mail/<sensor>/<YYYY-MM-DD>.mbox             messages, mboxrd ("From " lines, >From quoting)
    mail/<sensor>/<YYYY-MM-DD>.sessions.jsonl   one session record per message (msg_sha256)
    mail/<sensor>/<YYYY-MM-DD>/<NNNNNN>.eml      with --format eml, instead of the mbox, each
    mail/<sensor>/<YYYY-MM-DD>/<NNNNNN>.sessions.jsonl   with its own one-line sidecar
    truth/messages.parquet  truth/daily.parquet  truth/populations.parquet
    truth/countries.parquet  truth/scenario.json

Messages end with CRLF and are written back to back with no blank separator line, so the
bytes a reader gets back for each message are exactly the bytes that were hashed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from spamintel.simulate.daygen import Message

_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode
_FROM_QUOTE = re.compile(rb"(?m)^(>*From )")
_ASCTIME_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

TRUTH_SCHEMA = pa.schema(
    [
        ("msg_sha256", pa.string()),
        ("sensor", pa.string()),
        ("botnet", pa.string()),
        ("bot_ip", pa.string()),
        ("campaign", pa.string()),
        ("category", pa.string()),
        ("is_phish", pa.bool_()),
        ("is_malware", pa.bool_()),
        ("is_spam", pa.bool_()),
        ("day", pa.date32()),
        ("observed_at", pa.timestamp("us", tz="UTC")),
        ("bot_cc", pa.string()),
    ]
)


def mboxrd_escape(data: bytes) -> bytes:
    """Quote ``From `` lines (and already quoted ones) with one more ``>`` (mboxrd)."""
    return _FROM_QUOTE.sub(rb">\1", data) if b"From " in data else data


def _from_line(msg: Message) -> bytes:
    t = msg.observed_at
    sender = msg.session.get("mail_from") or "MAILER-DAEMON"
    return (
        f"From {sender} {_ASCTIME_DAYS[t.weekday()]} {_MONTHS[t.month - 1]} {t.day:2d} "
        f"{t:%H:%M:%S} {t.year}\n"
    ).encode("ascii", "replace")


def write_day(root: Path, sensor: str, day: str, msgs: Sequence[Message], fmt: str) -> None:
    """Write one sensor-day of messages and its session sidecar."""
    folder = root / "mail" / sensor
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "eml":
        eml_dir = folder / day
        eml_dir.mkdir(exist_ok=True)
        for i, m in enumerate(msgs):
            (eml_dir / f"{i:06d}.eml").write_bytes(m.data)
            (eml_dir / f"{i:06d}.sessions.jsonl").write_text(_ENCODE(m.session) + "\n")
        return
    with open(folder / f"{day}.mbox", "wb") as fh:
        for m in msgs:
            fh.write(_from_line(m))
            fh.write(mboxrd_escape(m.data))
    with open(folder / f"{day}.sessions.jsonl", "w", encoding="utf-8") as fh:
        for m in msgs:
            fh.write(_ENCODE(m.session))
            fh.write("\n")


class TruthRows:
    """Accumulates the per-message truth rows in columns."""

    def __init__(self) -> None:
        self.cols: list[list] = [[] for _ in TRUTH_SCHEMA]

    def add(self, msgs: Sequence[Message]) -> None:
        """Append the truth tuple of each message."""
        for m in msgs:
            for col, value in zip(self.cols, m.truth, strict=True):
                col.append(value)

    def table(self) -> pa.Table:
        """The rows as an Arrow table with ``TRUTH_SCHEMA``."""
        return pa.Table.from_arrays(
            [pa.array(c, type=f.type) for c, f in zip(self.cols, TRUTH_SCHEMA, strict=True)],
            schema=TRUTH_SCHEMA,
        )


def write_truth(root: Path, messages: pa.Table, daily: pa.Table, populations: pa.Table,
                countries: pa.Table, scenario: dict) -> None:
    """Write the ground-truth tables and the resolved scenario."""
    folder = root / "truth"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(messages, folder / "messages.parquet")
    pq.write_table(daily, folder / "daily.parquet")
    pq.write_table(populations, folder / "populations.parquet")
    pq.write_table(countries, folder / "countries.parquet")
    (folder / "scenario.json").write_text(
        json.dumps(scenario, indent=1, default=str) + "\n", encoding="utf-8"
    )
