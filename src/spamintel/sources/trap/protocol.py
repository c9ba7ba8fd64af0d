"""``TrapSMTP``: aiosmtpd's SMTP protocol, recording the client's exact dialect.

What it changes in ``aiosmtpd.smtp.SMTP``:

- every command line is read through a tapping reader, so the transcript holds the
  client's exact bytes (case, spacing, bare LF) in wire order (``stream``, ``capture``);
- ``MAIL``/``RCPT`` parse leniently (``envelope``) and need no HELO first: a trap records
  bots that skip it instead of refusing them (RFC 5321 §4.1.4 lets a server accept this);
- ``DATA`` reads the message straight from the stream buffer up to a dot line ending in
  CRLF or bare LF (bots send both), with the size limit enforced while reading: over it
  the data is discarded as it arrives and the answer is 552 (RFC 5321 §4.5.3.1.10);
- connection limits, a total session timeout and a clean drain on shutdown; when the
  trap cuts a client (timeouts, shutdown) a client that reads no replies is aborted, and
  every session, even one cut during a STARTTLS handshake, frees its slot and leaves its
  summary (``ending``: quit, drop, idle_timeout, session_timeout, shutdown, or
  trap_closed after too many unknown commands);
- the end of the client's stream ends the session where it is read, not at once: a bot
  that sends everything (or its message) and closes its side is still answered;
- ``XCLIENT ADDR= PORT= NAME= TIME=`` (Postfix-style, only from ``xclient_from`` IPs)
  lets a replay tool state the original client and receive time of the next message;
  those clients' XCLIENT lines and replies stay out of the transcript (anyone else's
  XCLIENT is recorded, with its 550, like any command).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from aiosmtpd.smtp import SMTP

from spamintel.ipaddr import canonical_ip, ip_or_none
from spamintel.sources.trap.capture import Capture
from spamintel.sources.trap.envelope import parse_path
from spamintel.sources.trap.stream import TapReader, find_data_end, unstuff

_FLUSH_CODES = ("220", "221", "354", "421", "502")  # never held: a close may follow
_GOODBYE = "502 5.5.1 Too many unrecognized commands"  # aiosmtpd closes after this reply


@runtime_checkable
class _Writable(Protocol):
    """A transport that can be written to and aborted (asyncio's, uvloop's, the TLS one)."""

    def write(self, data: bytes, /) -> None: ...

    def abort(self) -> None: ...

    def get_write_buffer_size(self) -> int: ...


class TrapSMTP(SMTP):
    """One SMTP connection to the trap; ``handler`` is the shared ``TrapHandler``."""

    _reader: TapReader

    def __init__(self, handler, **kwargs) -> None:
        cfg = handler.cfg
        self.line_length_limit = cfg.max_command_line
        self.command_size_limit = cfg.max_command_line
        super().__init__(handler, hostname=cfg.trap_host, ident="ESMTP",
                         data_size_limit=cfg.max_message_bytes, timeout=cfg.idle_timeout,
                         **kwargs)
        reader = TapReader(limit=self.line_length_limit, loop=self.loop)
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
        self._client_closed = asyncio.Event()
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
        """The client closed its side. Bots send everything and close at once, or close
        right after their dot line: what they sent is still processed and answered while
        the socket takes replies (a message being committed gets its 250), and the
        session ends when the reader reaches the end of the stream."""
        if self._refused:
            return False
        self._client_closed.set()
        if self._tls_protocol is not None:
            return super().eof_received()
        self._reader.feed_eof()
        return True

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
        self._cut()

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
        self._cut()

    def _cut(self) -> None:
        """Close the connection now. A close waits for unsent replies to drain, which never
        happens with a client that reads none: then the socket is aborted."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()
        raw = self._original_transport or self.transport  # the socket's, under TLS
        if isinstance(raw, _Writable) and raw.get_write_buffer_size():
            raw.abort()

    # -- capture ---------------------------------------------------------------------
    def _tap(self, line: bytes) -> None:
        if self._xclient_allowed() and line[:7].upper() == b"XCLIENT":
            return
        self.cap.client(line, self.cap.rx - len(self._reader._buffer))

    async def push(self, status) -> None:
        """Send a reply; while pipelined commands wait in the buffer, hold it to send with
        the next one (RFC 2920 §3.2 lets a server batch replies; Postfix does the same)."""
        if self._greeting and self.cfg.greeting_delay > 0:
            await self._hold_greeting()
        self._greeting = False
        text = status if isinstance(status, str) else status.decode("latin-1")
        if not self._silent:
            self.cap.server(text)
        if text.startswith(_GOODBYE):
            self.ending = "trap_closed"
            self.reject("unknown_commands")
        self._out.append(text.encode("latin-1", "replace") + b"\r\n")
        if text[:3] in _FLUSH_CODES or b"\n" not in self._reader._buffer:
            await self.flush()

    async def _hold_greeting(self) -> None:
        """Wait ``greeting_delay`` s before the banner, less if the client closes its side."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.cfg.greeting_delay):
                await self._client_closed.wait()

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

    async def smtp_STARTTLS(self, arg) -> None:
        """aiosmtpd's STARTTLS. When the trap cuts a client before its TLS handshake is
        done (timeout, shutdown), asyncio's TLS layer closes without telling this protocol:
        the session is ended here instead."""
        await super().smtp_STARTTLS(arg)
        assert self.session is not None
        if self._tls_protocol is not None and self.session.ssl is None and self._slot is not None:
            self.connection_lost(None)

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
        if not self._xclient_allowed():
            await self.push("550 5.7.0 Error: insufficient authorization")
            return
        self._silent = True
        try:
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
