"""``TrapSMTP``: aiosmtpd's SMTP protocol, recording the client's exact dialect.

What it changes in ``aiosmtpd.smtp.SMTP``:

- every command line is read through a tapping reader, so the transcript holds the
  client's exact bytes (case, spacing, bare LF) in wire order (``capture``);
- ``MAIL``/``RCPT`` parse leniently (``envelope``) and need no HELO first: a trap records
  bots that skip it instead of refusing them (RFC 5321 §4.1.4 lets a server accept this);
- ``DATA`` reads the message straight from the stream buffer up to a dot line ending in
  CRLF or bare LF (bots send both), with the size limit enforced while reading: over it
  the data is discarded as it arrives and the answer is 552 (RFC 5321 §4.5.3.1.10);
- connection limits, a total session timeout and a clean drain on shutdown;
- ``XCLIENT ADDR= PORT= NAME= TIME=`` (Postfix-style, only from ``xclient_from`` IPs)
  lets a replay tool state the original client and receive time of the next message;
  XCLIENT lines and their replies stay out of the transcript.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from aiosmtpd.smtp import SMTP

from spamintel.ipaddr import canonical_ip, ip_or_none
from spamintel.sources.trap.capture import Capture
from spamintel.sources.trap.envelope import parse_path

if TYPE_CHECKING:
    from asyncio.streams import _ReaduntilBuffer

_DOT_LINE = re.compile(rb"(^|\n)\.")
_FLUSH_CODES = ("220", "221", "354", "421")


@runtime_checkable
class _Writable(Protocol):
    """A transport that can be written to (asyncio's, uvloop's and the TLS one all can)."""

    def write(self, data: bytes, /) -> None: ...


class _TapReader(asyncio.StreamReader):
    """A StreamReader that hands every command line it returns to ``tap``; at the end of
    the client's stream it ends the session quietly (as a cancellation)."""

    tap: Callable[[bytes], None] | None = None

    if TYPE_CHECKING:  # private StreamReader members, absent from typeshed, read by TrapSMTP
        _buffer: bytearray
        _eof: bool

        async def _wait_for_data(self, func_name: str) -> None: ...

        def _maybe_resume_transport(self) -> None: ...

    async def readuntil(self, separator: _ReaduntilBuffer = b"\n") -> bytes:
        try:
            line = await super().readuntil(separator)
        except asyncio.IncompleteReadError:
            raise asyncio.CancelledError("client closed its side") from None
        if self.tap is not None:
            self.tap(line)
        return line


def find_data_end(buf: bytearray, pos: int, at_line_start: bool) -> tuple[int, int, int]:
    """Find the terminating dot line in ``buf`` from ``pos``.

    Returns ``(end, term_len, resume)``: ``end`` is the length of the message data (the
    dot line starts there) or -1, ``term_len`` the dot line's length (3 for CRLF, 2 for
    bare LF), ``resume`` where to scan next when not found yet.
    """
    if at_line_start and pos == 0 and buf[:1] == b".":
        if buf[1:3] == b"\r\n":
            return 0, 3, 0
        if buf[1:2] == b"\n":
            return 0, 2, 0
        if len(buf) < 3:
            return -1, 0, 0
    while True:
        i = buf.find(b"\n.", pos)
        if i < 0:
            return -1, 0, max(0, len(buf) - 1)
        nxt = buf[i + 2:i + 4]
        if nxt[:2] == b"\r\n":
            return i + 1, 3, 0
        if nxt[:1] == b"\n":
            return i + 1, 2, 0
        if len(nxt) < 2 and (not nxt or nxt == b"\r"):
            return -1, 0, i
        pos = i + 1


def unstuff(data: bytes) -> bytes:
    """Remove the leading dot a sender added to lines starting with one (RFC 5321 §4.5.2)."""
    if data.startswith(b".") or b"\n." in data:
        return _DOT_LINE.sub(rb"\1", data)
    return data


class TrapSMTP(SMTP):
    """One SMTP connection to the trap; ``handler`` is the shared ``TrapHandler``."""

    _reader: _TapReader

    def __init__(self, handler, **kwargs) -> None:
        cfg = handler.cfg
        self.line_length_limit = cfg.max_command_line
        self.command_size_limit = cfg.max_command_line
        super().__init__(handler, hostname=cfg.trap_host, ident="ESMTP",
                         data_size_limit=cfg.max_message_bytes, timeout=cfg.idle_timeout,
                         **kwargs)
        reader = _TapReader(limit=self.line_length_limit, loop=self.loop)
        reader.tap = self._tap
        asyncio.StreamReaderProtocol.__init__(self, reader, loop=self.loop,
                                              client_connected_cb=self._cb_client_connected)
        self.command_size_limits = _Limits(cfg.max_command_line)
        self.cfg = cfg
        self.cap = Capture(cfg.max_transcript)
        self.conn_id = uuid.uuid4().hex[:12]
        self.connected_at = datetime.now(UTC)
        self.client_ip, self.client_port = "", 0
        self.rdns: str | None = None
        self.next_time: datetime | None = None
        self.messages = 0
        self.rejects: list[str] = []
        self.ending = "drop"
        self.busy = self.committing = self._silent = False
        self._refused: str | None = None
        self._xclient_ok = False
        self._greeting = True
        self._last_active = 0.0
        self._out: list[bytes] = []
        self._slot: str | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self.data_cmd_ms: int | None = None
        self.data_seconds = 0.0

    # -- connection life -------------------------------------------------------------
    def connection_made(self, transport) -> None:
        if self.transport is None and self._original_transport is None:
            peer = transport.get_extra_info("peername") or ("", 0)
            self.client_ip, self.client_port = canonical_ip(str(peer[0])) or "", int(peer[1])
            self._refused = self.event_handler.open(self)
            if self._refused:
                transport.write(b"421 4.7.0 Too many connections, try again later\r\n")
                transport.close()
                return
            self._slot = self.client_ip
            self._xclient_ok = self.client_ip in self.cfg.xclient_from
            self._deadline = self.loop.call_later(self.cfg.session_timeout, self._expire)
        super().connection_made(transport)

    def connection_lost(self, error) -> None:
        if self._refused:
            return
        if self._deadline is not None:
            self._deadline.cancel()
        if self._slot is not None:
            self.event_handler.close(self)
            self._slot = None
        super().connection_lost(error)

    def eof_received(self) -> bool | None:
        """A client that sends everything and closes at once (bots do) still has its
        buffered commands and message processed: half-close, and let the reader drain."""
        if self._refused:
            return False
        if self._reader._buffer and self._tls_protocol is None and self.transport is not None:
            self._reader.feed_eof()
            return True
        return super().eof_received()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self.cap.received(len(data))
        super().data_received(data)

    def _reset_timeout(self, duration: float | None = None) -> None:
        """Note activity; the idle timer is re-armed lazily when it fires (cheaper than a
        new timer for every command)."""
        self._last_active = self.loop.time()
        if self._timeout_handle is None or duration is not None:
            if self._timeout_handle is not None:
                self._timeout_handle.cancel()
            self._timeout_handle = self.loop.call_later(duration or self._timeout_duration,
                                                        self._timeout_cb)

    def _timeout_cb(self) -> None:
        idle = self.loop.time() - self._last_active
        if idle < self._timeout_duration:
            self._timeout_handle = self.loop.call_later(self._timeout_duration - idle,
                                                        self._timeout_cb)
            return
        self.ending = "idle_timeout"
        super()._timeout_cb()

    def _expire(self) -> None:
        if self.committing:
            self._deadline = self.loop.call_later(1.0, self._expire)
            return
        self.ending = "session_timeout"
        self.shut("421 4.4.2 Session time limit exceeded")

    def shut(self, reply: str) -> None:
        """Send a last reply and close, without waiting for the client."""
        if isinstance(self.transport, _Writable) and not self.transport.is_closing():
            self.cap.server(reply)
            self.transport.write(b"".join(self._out) + reply.encode() + b"\r\n")
            self._out.clear()
            self.transport.close()

    # -- capture ---------------------------------------------------------------------
    def _tap(self, line: bytes) -> None:
        if self._xclient_allowed() and line[:7].upper() == b"XCLIENT":
            return
        self.cap.client(line, self.cap.rx - len(self._reader._buffer))

    async def push(self, status) -> None:
        """Send a reply; while pipelined commands wait in the buffer, hold it to send with
        the next one (RFC 2920 §3.2 lets a server batch replies; Postfix does the same)."""
        if self._greeting and self.cfg.greeting_delay > 0:
            await asyncio.sleep(self.cfg.greeting_delay)
        self._greeting = False
        text = status if isinstance(status, str) else status.decode("latin-1")
        if not self._silent:
            self.cap.server(text)
        self._out.append(text.encode("latin-1", "replace") + b"\r\n")
        if text[:3] in _FLUSH_CODES or b"\n" not in self._reader._buffer:
            await self.flush()

    async def flush(self) -> None:
        """Write the replies held back so far."""
        if self._out and self.transport is not None and not self.transport.is_closing():
            self._writer.write(b"".join(self._out))
            self._out.clear()
            await self._writer.drain()

    # -- commands --------------------------------------------------------------------
    async def smtp_QUIT(self, arg) -> None:
        self.ending = "quit"
        await super().smtp_QUIT(arg)

    async def smtp_MAIL(self, arg) -> None:
        assert self.envelope is not None
        parsed = parse_path("MAIL", arg)
        if parsed is None:
            await self.push("501 5.5.4 Syntax: MAIL FROM:<address>")
            return
        if self.envelope.mail_from is not None:
            await self.push("503 5.5.1 Error: nested MAIL command")
            return
        address, params = parsed
        size = next((p[5:] for p in params if p[:5].upper() == "SIZE="), "")
        if size.isdigit() and int(size) > self.cfg.max_message_bytes:
            self.reject("size_declared")
            await self.push("552 5.3.4 Message size exceeds fixed limit")
            return
        self.envelope.mail_from = address
        self.envelope.mail_options.extend(params)
        await self.push("250 2.1.0 Ok")

    async def smtp_RCPT(self, arg) -> None:
        assert self.envelope is not None
        if self.envelope.mail_from is None:
            await self.push("503 5.5.1 Error: need MAIL command")
            return
        parsed = parse_path("RCPT", arg)
        if parsed is None or not parsed[0]:
            await self.push("501 5.5.4 Syntax: RCPT TO:<address>")
            return
        status = await self._call_handler_hook("RCPT", parsed[0], parsed[1])
        await self.push(status)

    async def smtp_DATA(self, arg) -> None:
        assert self.envelope is not None
        if self.envelope.mail_from is None:
            await self.push("503 5.5.1 Error: need MAIL command")
            return
        if not self.envelope.rcpt_tos:
            await self.push("503 5.5.1 Error: need RCPT command")
            return
        if arg:
            await self.push("501 5.5.4 Syntax: DATA")
            return
        self.data_cmd_ms = self.cap.ms()
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        self.busy = True
        try:
            await self._receive_message()
        finally:
            self.busy = False
        if self.event_handler.draining:
            self.ending = "shutdown"
            self.shut("421 4.3.2 Service shutting down")

    async def _receive_message(self) -> None:
        start = self.loop.time()
        data = await self._read_data()
        self.data_seconds = self.loop.time() - start
        if data is None:
            self.reject("oversize")
            self._set_post_data_state()
            await self.push("552 5.3.4 Error: message size exceeds fixed limit")
            return
        assert self.envelope is not None
        self.envelope.original_content = self.envelope.content = unstuff(data)
        self.committing = True
        try:
            status = await self._call_handler_hook("DATA")
        finally:
            self.committing = False
        self._set_post_data_state()
        await self.push(status)

    async def _read_data(self) -> bytes | None:
        """Message data up to the dot line (recorded), or None when over the size limit."""
        reader, limit = self._reader, self.cfg.max_message_bytes
        buf: bytearray = reader._buffer
        pos, line_start, too_big = 0, True, False
        while True:
            end, term, pos = find_data_end(buf, pos, line_start)
            if end >= 0:
                break
            if len(buf) > limit or too_big:
                too_big = True
                cut = max(0, len(buf) - 3)
                del buf[:cut]
                pos, line_start = 0, False
            if reader._eof or reader.exception() is not None:
                raise asyncio.CancelledError("connection closed during DATA")
            self._reset_timeout()
            await self.flush()
            await reader._wait_for_data("smtp_DATA")
        data = None if too_big or end > limit else bytes(buf[:end])
        dot = bytes(buf[end:end + term])
        del buf[:end + term]
        reader._maybe_resume_transport()
        self.cap.client(dot, self.cap.rx - len(buf))
        return data

    def reject(self, reason: str) -> None:
        """Count a refusal of this connection's client."""
        self.rejects.append(reason)
        self.event_handler.metrics.rejects.labels(reason).inc()

    # -- replay ----------------------------------------------------------------------
    def _xclient_allowed(self) -> bool:
        return self._xclient_ok

    async def smtp_XCLIENT(self, arg) -> None:
        self._silent = True
        try:
            if not self._xclient_allowed():
                await self.push("550 5.7.0 Error: insufficient authorization")
                return
            if not self._apply_xclient(arg or ""):
                await self.push("501 5.5.4 Syntax: XCLIENT attribute=value ...")
                return
            await self.push("250 2.0.0 Ok")
        finally:
            self._silent = False

    def _apply_xclient(self, arg: str) -> bool:
        try:
            attrs = dict(item.split("=", 1) for item in arg.split())
            if "ADDR" in attrs:
                # "[UNAVAILABLE]": the proxy does not know it, the connection's peer stays
                self.client_ip = ip_or_none(attrs["ADDR"]) or self.client_ip
            if "PORT" in attrs:
                self.client_port = int(attrs["PORT"])
            if "NAME" in attrs:
                self.rdns = None if attrs["NAME"] == "[UNAVAILABLE]" else attrs["NAME"]
            if "TIME" in attrs:
                when = datetime.fromisoformat(attrs["TIME"].replace("Z", "+00:00"))
                self.next_time = when if when.tzinfo else when.replace(tzinfo=UTC)
        except ValueError:
            return False
        return True


class _Limits(dict):
    """Command length limit for every verb (aiosmtpd keeps a per-verb table)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, key: str) -> int:
        return self.limit
