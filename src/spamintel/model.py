"""The records every stage shares: ``RawMessage`` in, ``Event`` out, and the Arrow schema.

Stages never import each other's internals; they exchange these types only. The event
schema is declared once, as documented data (``EVENT_COLUMNS``), and the Arrow schema,
the store and the docs are all derived from it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter
from typing import Any

import pyarrow as pa

VERDICTS = ("ham", "spam", "phish", "malware")
# The ``traits`` JSON of a sender cluster (``botnet_clusters``): per trait, the shares of
# its most common values, at most TRAIT_TOP_VALUES of them; an absent value is TRAIT_NULL.
TRAIT_TOP_VALUES = 8
TRAIT_NULL = "(null)"


def session_recipients(session: dict[str, Any]) -> tuple[str, ...]:
    """The envelope recipients of a session record (``rcpt_to``, see
    ``spamintel.sources.sessions``), read as found: a lone string is one recipient, and
    anything but a list of strings (a record from another writer) gives none of it."""
    value = session.get("rcpt_to")
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list | tuple):
        return tuple(r for r in value if isinstance(r, str))
    return ()


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message as a source delivered it, before any parsing.

    ``received_at`` is set by sources that witnessed the delivery (the trap); archive
    sources leave it ``None`` and the parser derives it from the Received chain.
    ``session`` is the SMTP session record a trap captured (JSON-compatible), if any.
    """

    data: bytes
    source: str
    sensor: str = "default"
    source_kind: str = "archive"
    received_at: datetime | None = None
    envelope_from: str | None = None
    envelope_rcpts: tuple[str, ...] = ()
    client_ip: str | None = None
    client_helo: str | None = None
    session: dict[str, Any] | None = None
    label: str | None = None
    # sha256, then event_id: each computed once (ingest reads the id, then the parser).
    _sha: list[str] = field(default_factory=list, init=False, repr=False, compare=False)

    @property
    def sha256(self) -> str:
        """Hex sha256 of the message bytes: the content address in the spool (computed once)."""
        if not self._sha:
            self._sha.append(hashlib.sha256(self.data).hexdigest())
        return self._sha[0]

    @property
    def event_id(self) -> str:
        """Exactly-once key: message sha256 + sensor + witnessed receive time.

        For archive sources the receive time is a pure function of the bytes (it comes
        from the Received chain), so the bytes' hash already stands for it.
        """
        if len(self._sha) < 2:
            sha = self.sha256
            when = self.received_at.isoformat() if self.received_at else ""
            self._sha.append(hashlib.sha256(f"{sha}|{self.sensor}|{when}".encode()).hexdigest()[:32])
        return self._sha[1]


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """A piece of input a source could not turn into a message (corrupt archive member,
    over-size entry, zip bomb...). The ingest runner stores it in the quarantine table."""

    source: str
    reason: str
    sensor: str = "default"
    data: bytes = b""


@dataclass(frozen=True, slots=True)
class Column:
    """One documented column of the event record."""

    name: str
    type: pa.DataType
    description: str


ATTACHMENT_TYPE = pa.struct(
    [
        ("filename", pa.string()),
        ("ext", pa.string()),
        ("declared_type", pa.string()),
        ("sniffed_type", pa.string()),
        ("size", pa.int64()),
        ("sha256", pa.string()),
    ]
)

_S, _L = pa.string(), pa.list_(pa.string())

EVENT_COLUMNS: tuple[Column, ...] = (
    Column("event_id", _S, "Exactly-once key: the first 32 hex digits of "
           "sha256(msg_sha256|sensor|witnessed receive time)."),
    Column("msg_sha256", _S, "sha256 of the raw bytes; the spool address of the message."),
    Column("observed_at", pa.timestamp("us", tz="UTC"), "Receive time at the sensor boundary."),
    Column("day", pa.date32(), "UTC day of observed_at; the store's partition key."),
    Column("time_source", _S, "Where observed_at came from: session|received|date|none"
           " (header times after the moment of parsing are passed over: defect"
           " time_in_future; times before 1971, such as the Unix epoch or 1900"
           " placeholders: time_in_past)."),
    Column("sensor", _S, "Sensor (trap, feed or archive) that saw the message."),
    Column("source_kind", _S, "trap|archive|feed|report."),
    Column("source", _S, "Absolute path of the file, or archive!member, the message came from."),
    Column("label", _S, "Label the source supplied (e.g. a corpus index: spam|ham), or null."),
    Column("client_ip", _S, "Sending client: the first hop outside the receiving organisation."),
    Column("client_helo", _S, "HELO/EHLO name the sending client gave."),
    Column("client_rdns", _S, "Reverse DNS of the client as the receiving MTA recorded it."),
    Column("client_asn", pa.int64(), "AS number of client_ip (offline data), or null."),
    Column("client_as_org", _S, "Organisation of client_asn."),
    Column("client_cc", _S, "Country code of client_ip when the IP data has one."),
    Column("received_hops", pa.int16(), "Number of Received headers."),
    Column("internal_hops", pa.int16(), "Received hops added inside the receiving organisation."),
    Column("mail_from", _S, "Envelope sender (trap) or Return-Path (archives)."),
    Column("rcpt_count", pa.int32(), "Recipients in the envelope (trap) or To+Cc count."),
    Column("size_bytes", pa.int64(), "Size of the raw message in bytes."),
    Column("header_count", pa.int32(), "Number of header fields."),
    Column("header_order", _S, "Header names in order, lower-case, ':'-joined, after hops;"
           " a name repeated on the next line once."),
    Column("header_order_fp", _S, "Short hash of header_order."),
    Column("message_id_shape", _S, "Message-ID reduced to a shape, e.g. <D.D@H>."),
    Column("date_shape", _S, "Date header reduced to a shape, e.g. 'Www, N Mmm D4 N:N:N +D4'."),
    Column("date_header", pa.timestamp("us", tz="UTC"), "Date: header as UTC (forgeable)."),
    Column("x_mailer", _S, "X-Mailer (or User-Agent) header."),
    Column("from_addr", _S, "Address in From:."),
    Column("from_display", _S, "Display name in From:."),
    Column("reply_to", _S, "Address in Reply-To:."),
    Column("subject", _S, "Decoded Subject."),
    Column("subject_shape", _S, "Subject with digits/tokens masked, for campaign grouping."),
    Column("content_type", _S, "Top-level MIME type."),
    Column("boundary_shape", _S, "Shape of the top-level MIME boundary."),
    Column("charsets", _L, "Charsets declared by the text parts."),
    Column("mime_parts", pa.int32(), "Number of MIME leaf parts."),
    Column("mime_depth", pa.int16(), "Deepest multipart nesting."),
    Column("text_chars", pa.int32(), "Length of the extracted plain text."),
    Column("body_excerpt", _S, "First 1,000 characters of the normalised text."),
    Column("body_minhash", pa.list_(pa.uint32()), "MinHash of the normalised body shingles."),
    Column("urls", _L, "URLs found in text and HTML (first 50)."),
    Column("n_urls", pa.int32(), "Number of URLs found."),
    Column("url_domains", _L, "Registered domains of the URLs (Public Suffix List)."),
    Column("attachments", pa.list_(ATTACHMENT_TYPE), "Attachments with type, size, sha256."),
    Column("n_attachments", pa.int16(), "Number of attachments."),
    Column("parse_path", _S, "Parser that produced the event: single (a one-part text "
           "message read directly), fast, stdlib, or none."),
    Column("parse_defects", _L, "Defects found while parsing; empty when clean "
           "(`too_many_parts`; `long_encoded_header`: only the first 4,096 characters of a "
           "header decoded; `fast_parser_refused:<why>`: read by the standard library parser "
           "instead)."),
    Column("smtp_dialect_fp", _S, "Short hash of the SMTP dialect features (trap only)."),
    Column("smtp_dialect", _S, "SMTP dialect features as JSON (trap only)."),
    Column("verdict", _S, "ham|spam|phish|malware, or null before classification."),
    Column("spam_score", pa.float32(), "0..1, higher = more likely spam."),
    Column("category", _S, "Spam category (pharma, replica, ...) or null."),
    Column("is_virus", pa.bool_(), "Carries malware (EICAR, AV/YARA hit, risky executable)."),
    Column("is_phish", pa.bool_(), "Phishing verdict."),
    Column("has_malicious_link", pa.bool_(), "A URL matched a feed or link heuristic."),
    Column("classify_reasons", _L, "Reasons behind the verdict."),
    Column("model_version", _S, "Version of the classifier model that gave the verdict."),
)

EVENT_SCHEMA: pa.Schema = pa.schema([pa.field(c.name, c.type) for c in EVENT_COLUMNS])
EVENT_FIELDS: tuple[str, ...] = tuple(c.name for c in EVENT_COLUMNS)
_EVENT_GETTERS = tuple(map(attrgetter, EVENT_FIELDS))


@dataclass(slots=True)
class Event:
    """One observed message after the per-message stages: a row of the event store.

    Fields mirror ``EVENT_COLUMNS``; only the identity fields are required.
    """

    event_id: str
    msg_sha256: str
    observed_at: datetime | None = None
    day: date | None = None
    time_source: str = "none"
    sensor: str = "default"
    source_kind: str = "archive"
    source: str = ""
    label: str | None = None
    client_ip: str | None = None
    client_helo: str | None = None
    client_rdns: str | None = None
    client_asn: int | None = None
    client_as_org: str | None = None
    client_cc: str | None = None
    received_hops: int = 0
    internal_hops: int = 0
    mail_from: str | None = None
    rcpt_count: int = 0
    size_bytes: int = 0
    header_count: int = 0
    header_order: str = ""
    header_order_fp: str = ""
    message_id_shape: str | None = None
    date_shape: str | None = None
    date_header: datetime | None = None
    x_mailer: str | None = None
    from_addr: str | None = None
    from_display: str | None = None
    reply_to: str | None = None
    subject: str | None = None
    subject_shape: str | None = None
    content_type: str | None = None
    boundary_shape: str | None = None
    charsets: list[str] = field(default_factory=list)
    mime_parts: int = 0
    mime_depth: int = 0
    text_chars: int = 0
    body_excerpt: str = ""
    body_minhash: list[int] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    n_urls: int = 0
    url_domains: list[str] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    n_attachments: int = 0
    parse_path: str = "fast"
    parse_defects: list[str] = field(default_factory=list)
    smtp_dialect_fp: str | None = None
    smtp_dialect: str | None = None
    verdict: str | None = None
    spam_score: float | None = None
    category: str | None = None
    is_virus: bool | None = None
    is_phish: bool | None = None
    has_malicious_link: bool | None = None
    classify_reasons: list[str] = field(default_factory=list)
    model_version: str | None = None


QUARANTINE_SCHEMA: pa.Schema = pa.schema(
    [
        pa.field("event_id", pa.string()),
        pa.field("msg_sha256", pa.string()),
        pa.field("sensor", pa.string()),
        pa.field("source", pa.string()),
        pa.field("size_bytes", pa.int64()),
        pa.field("reason", pa.string()),
        pa.field("quarantined_at", pa.timestamp("us", tz="UTC")),
    ]
)


@dataclass(slots=True)
class ParsedMessage:
    """What the parse stage hands to fingerprint and classify: the event under
    construction plus the decoded material they need and the store does not keep."""

    raw: RawMessage
    event: Event
    headers: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    html: str = ""
    attachment_data: list[bytes] = field(default_factory=list)
    _first: dict[str, str] | None = field(default=None, init=False, repr=False)

    def header(self, name: str) -> str | None:
        """Value of the first header called ``name`` (case-insensitive), or None."""
        if self._first is None:  # built on first use; later duplicates never override
            self._first = dict(reversed(self.headers))
        return self._first.get(name.lower())


def events_to_batch(events: list[Event]) -> pa.RecordBatch:
    """Turn events into one Arrow record batch with ``EVENT_SCHEMA``."""
    if not events:
        return pa.RecordBatch.from_pylist([], schema=EVENT_SCHEMA)
    # One C-level pass per column: no tuple per event and no transpose of them.
    return pa.RecordBatch.from_arrays(
        [pa.array(list(map(get, events)), type=f.type)
         for get, f in zip(_EVENT_GETTERS, EVENT_SCHEMA, strict=True)], schema=EVENT_SCHEMA)
