"""``parse_message``: RawMessage → ParsedMessage, a pure function that never raises on
hostile input; what goes wrong becomes ``parse_defects``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from spamintel.config import ParseConfig
from spamintel.domains import registered_domain
from spamintel.ipaddr import canonical_ip
from spamintel.memo import Memo
from spamintel.model import Event, ParsedMessage, RawMessage
from spamintel.parse.addresses import count_addresses, split_address
from spamintel.parse.attachments import describe
from spamintel.parse.dates import to_utc
from spamintel.parse.headers import all_values, decode_value, parse_fields, split_message
from spamintel.parse.mime import Structure, mime_trees, parse_structure, single_part, structure_of
from spamintel.parse.received import Boundary, Hop, Hops, find_client
from spamintel.parse.text import decode_bytes, html_to_text
from spamintel.parse.urls import find_urls, url_domains

_TEXT_TYPES = ("text/plain", "text/html")
_CLOCK_SLACK = timedelta(days=1)  # header times beyond now + this cannot be true
_EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)  # nor times before e-mail (the Unix epoch, 1900)
_RECIPIENTS = frozenset({"to", "cc"})


def _observed(raw: RawMessage, hop: Hop | None, hops: Hops, date: datetime | None,
              defects: list[str]) -> tuple[datetime | None, str]:
    """When the mail arrived: the trap's session, else the client hop's Received time,
    else the first Received time, else the Date header. A header time after the moment
    of parsing, or before 1971, is a lie (or a placeholder) and is passed over, with a
    defect."""
    session = raw.received_at
    if session is not None:
        aware = session if session.tzinfo else session.replace(tzinfo=UTC)
        return aware.astimezone(UTC), "session"
    latest = datetime.now(UTC) + _CLOCK_SLACK
    candidates = [(hop.when if hop is not None else None, "received")]
    candidates += [(h.when, "received") for h in hops] + [(date, "date")]
    found: tuple[datetime | None, str] = (None, "none")
    for when, source in candidates:
        if when is not None and (when > latest or when < _EARLIEST):
            defect = "time_in_future" if when > latest else "time_in_past"
            if defect not in defects:
                defects.append(defect)
        elif when is not None:
            found = (when, source)
            break
    return found


def _client(raw: RawMessage, ev: Event, hops: Hops, boundary: Boundary) -> Hop | None:
    hop, internal = find_client(hops, boundary)
    ev.received_hops, ev.internal_hops = len(hops), internal
    hop_ip = canonical_ip(hop.ip) if hop else None
    if raw.client_ip:  # the trap (or a report) witnessed the connection: that beats headers
        ev.client_ip = canonical_ip(raw.client_ip)
        named = hop if hop and hop_ip == ev.client_ip else None
        ev.client_rdns = named.rdns if named else None
        # a report's witness gives no HELO: the hop naming that client tells it
        ev.client_helo = raw.client_helo or (named.helo if named else None)
    elif hop is not None:
        ev.client_ip, ev.client_helo, ev.client_rdns = hop_ip, hop.helo, hop.rdns
    return hop


def _body(parsed: ParsedMessage, structure: Structure, cfg: ParseConfig) -> None:
    ev, defects = parsed.event, parsed.event.parse_defects
    texts: list[str] = []
    htmls: list[str] = []
    charsets: list[str] = []
    for leaf in structure.leaves:
        is_attachment = leaf.disposition == "attachment" or leaf.filename
        if leaf.content_type in _TEXT_TYPES and not is_attachment:
            charset = leaf.params.get("charset")
            if charset:
                charsets.append(charset.lower()[:40])
            body = decode_bytes(leaf.content[: cfg.max_text_chars * 4], charset, defects)
            (htmls if leaf.content_type == "text/html" else texts).append(body)
        elif leaf.content_type.startswith("multipart/"):
            continue
        else:
            ev.attachments.append(describe(leaf.filename, leaf.content_type, leaf.content))
            parsed.attachment_data.append(leaf.content)
    key = ("\n".join(texts), "\n".join(htmls), cfg.max_text_chars, cfg.max_urls)
    parsed.text, parsed.html, ev.n_urls, urls, domains = _TEXT_AND_LINKS[key]
    ev.urls, ev.url_domains = list(urls), list(domains)
    ev.charsets = sorted(set(charsets))
    ev.mime_parts, ev.mime_depth = len(structure.leaves), structure.depth
    ev.n_attachments, ev.text_chars = len(ev.attachments), len(parsed.text)


def _text_and_links(key: tuple[str, str, int, int]
                    ) -> tuple[str, str, int, tuple[str, ...], tuple[str, ...]]:
    """``(text, html, n_urls, urls, url_domains)`` of a body's joined plain and HTML parts,
    given the limits on characters and kept URLs."""
    plain, html, max_chars, max_urls = key
    html = html[:max_chars]
    if html and (not plain or plain.isspace()):  # as "not plain.strip()", no copy
        plain = html_to_text(html)
    text = plain[:max_chars]
    urls = find_urls(text, html, 10_000)
    kept = urls[:max_urls]
    return text, html, len(urls), tuple(kept), tuple(url_domains(kept))


# Bulk mail repeats bodies word for word (a fifth of TREC's bodies are seen again within
# the last thousand): their text and links are remembered. Only bodies up to 8,192
# characters are kept, at most the memo's size of them.
_TEXT_AND_LINKS = Memo(_text_and_links, 1024,
                       keep=lambda key: len(key[0]) + len(key[1]) <= 8192)


def _addresses(ev: Event, parsed: ParsedMessage, raw: RawMessage) -> None:
    header, headers = parsed.header, parsed.headers
    display, addr = split_address(decode_value(header("from") or "", ev.parse_defects))
    ev.from_display, ev.from_addr = display, addr
    ev.reply_to = split_address(header("reply-to") or "")[1]
    if raw.envelope_from is not None or raw.envelope_rcpts:
        ev.mail_from, ev.rcpt_count = raw.envelope_from, len(raw.envelope_rcpts)
        return
    ev.mail_from = split_address(header("return-path") or "")[1]
    # One count over every To and Cc value: no address spans the line break between two.
    ev.rcpt_count = count_addresses("\n".join([v for k, v in headers if k in _RECIPIENTS]))


def parse_message(raw: RawMessage, cfg: ParseConfig, boundary: Boundary | None = None
                  ) -> ParsedMessage:
    """Parse raw bytes into a ParsedMessage whose ``event`` holds the parse fields."""
    parsed, body_offset, clean = _head(raw, cfg, boundary)
    structure = parse_structure(raw.data, cfg.max_mime_depth, cfg.max_mime_parts,
                                parsed.header, body_offset, clean_header=clean)
    return _tail(parsed, structure, cfg)


def parse_messages(raws: Sequence[RawMessage], cfg: ParseConfig, boundary: Boundary
                   ) -> list[ParsedMessage | Exception]:
    """``parse_message`` of each message, or the exception it raised.

    The work runs in three passes over all the messages: headers, Received chain, dates
    and addresses; then the MIME trees one after another (``mime_trees``); then leaves,
    text and links. Each pass's code and tables stay in the CPU caches: inside the
    pipeline the parse stage takes about a tenth less time than message after message.
    """
    heads = [_attempt(_head_and_single, raw, cfg, boundary) for raw in raws]
    trees = iter(mime_trees([(head[0].raw.data, head[1], head[2]) for head in heads
                             if not isinstance(head, Exception) and head[3] is None]))
    return [head if isinstance(head, Exception) else _attempt(_finish, head, trees, cfg)
            for head in heads]


_Head = tuple[ParsedMessage, int, bool, Structure | None]
T = TypeVar("T")


def _attempt(step: Callable[..., T], *args: Any) -> T | Exception:
    try:
        return step(*args)
    except Exception as exc:  # noqa: BLE001 - the caller quarantines the message
        return exc


def _head_and_single(raw: RawMessage, cfg: ParseConfig, boundary: Boundary) -> _Head:
    parsed, body_offset, clean = _head(raw, cfg, boundary)
    return parsed, body_offset, clean, single_part(raw.data, parsed.header, body_offset)


def _finish(head: _Head, trees: Iterator[Any], cfg: ParseConfig) -> ParsedMessage:
    parsed, _, _, single = head
    if single is None:
        single = structure_of(parsed.raw.data, next(trees), cfg.max_mime_depth,
                              cfg.max_mime_parts)
    return _tail(parsed, single, cfg)


def _head(raw: RawMessage, cfg: ParseConfig, boundary: Boundary | None
          ) -> tuple[ParsedMessage, int, bool]:
    """Headers, Received chain, dates and addresses: ``(parsed, body_offset, clean)``."""
    ev = Event(event_id=raw.event_id, msg_sha256=raw.sha256, sensor=raw.sensor,
               source_kind=raw.source_kind, source=raw.source, label=raw.label,
               size_bytes=len(raw.data))
    block, body_offset, defects = split_message(raw.data)
    headers, header_defects = parse_fields(block, cfg.max_headers)
    ev.parse_defects = defects + header_defects
    clean = not ev.parse_defects  # every header line a field: the MIME fields suffice
    parsed = ParsedMessage(raw=raw, event=ev, headers=headers)
    boundary = boundary or Boundary(cfg.trusted_relays, registered_domain)
    hops = Hops(all_values(headers, "received")[:100])
    hop = _client(raw, ev, hops, boundary)
    ev.date_header = to_utc(parsed.header("date"))
    ev.observed_at, ev.time_source = _observed(raw, hop, hops, ev.date_header,
                                               ev.parse_defects)
    ev.day = ev.observed_at.date() if ev.observed_at else None
    ev.header_count = len(headers)
    subject = parsed.header("subject")
    ev.subject = decode_value(subject, ev.parse_defects)[:998] if subject is not None else None
    ev.x_mailer = parsed.header("x-mailer") or parsed.header("user-agent") or None
    _addresses(ev, parsed, raw)
    return parsed, body_offset, clean


def _tail(parsed: ParsedMessage, structure: Structure, cfg: ParseConfig) -> ParsedMessage:
    """MIME facts, body text and links."""
    ev = parsed.event
    ev.parse_path = structure.path
    ev.parse_defects.extend(structure.defects)
    ev.content_type = (parsed.header("content-type") or "text/plain").split(";")[0].strip()
    ev.content_type = ev.content_type.lower()[:100]
    _body(parsed, structure, cfg)
    ev.parse_defects = sorted(set(ev.parse_defects))
    return parsed
