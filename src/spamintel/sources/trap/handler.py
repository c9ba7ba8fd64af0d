"""``TrapHandler``: the aiosmtpd hooks of the trap and the state its connections share.

Hooks: ``handle_EHLO``/``handle_HELO`` (capabilities; they must set ``session.host_name``),
``handle_RCPT`` (trap domains, recipient limit, greylisting; never relays) and
``handle_DATA`` (stamp, spool durably, then answer 250). ``open``/``close`` are called by
``TrapSMTP`` for connection limits, metrics and the end-of-session record.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import UTC, datetime

from spamintel.sources.trap.config import TrapConfig
from spamintel.sources.trap.envelope import domain_of
from spamintel.sources.trap.limits import ConnectionLimiter, Greylist
from spamintel.sources.trap.metrics import TrapMetrics
from spamintel.sources.trap.record import Delivery, encode_record, session_record, stamped_bytes
from spamintel.sources.trap.spool_writer import SpoolItem, SpoolWriter

log = logging.getLogger("spamintel.trap")


class TrapHandler:
    """Policy and storage for every connection of one trap."""

    def __init__(self, cfg: TrapConfig, writer: SpoolWriter, metrics: TrapMetrics,
                 tls_available: bool = False) -> None:
        self.cfg = cfg
        self.writer = writer
        self.metrics = metrics
        self.tls_available = tls_available
        self.limiter = ConnectionLimiter(cfg.max_connections, cfg.max_per_ip)
        self.greylist = Greylist(cfg.greylist_delay, cfg.greylist_max_ips)
        self.domains = frozenset(cfg.domains)
        self.active: set = set()
        self.draining = False

    # -- connections -----------------------------------------------------------------
    def open(self, conn) -> str | None:
        """Admit a new connection, or return why it is refused."""
        reason = None if not self.draining else "shutting_down"
        reason = reason or self.limiter.acquire(conn.client_ip)
        self.metrics.connections.labels("refused" if reason else "accepted").inc()
        if reason:
            self.metrics.rejects.labels(reason).inc()
            self.writer.log_session({"kind": "refused", "reason": reason,
                                     "client_ip": conn.client_ip, "sensor": self.cfg.sensor,
                                     "at": datetime.now(UTC).isoformat()})
            return reason
        self.active.add(conn)
        self.metrics.active.set(len(self.active))
        return None

    def close(self, conn) -> None:
        """Release a closed connection's slot and record how its session ended."""
        self.limiter.release(conn._slot)
        self.active.discard(conn)
        self.metrics.active.set(len(self.active))
        record = {"kind": "session", "session_id": conn.conn_id, "sensor": self.cfg.sensor,
                  "client_ip": conn.client_ip, "client_port": conn.client_port,
                  "connected_at": conn.connected_at.isoformat(),
                  "ended_at": datetime.now(UTC).isoformat(), "ending": conn.ending,
                  "messages": conn.messages, "rejects": conn.rejects,
                  "client_lines": conn.cap.client_lines, "transcript_dropped": conn.cap.dropped,
                  "transcript": conn.cap.window()}
        self.writer.log_session(record)
        log.info("session", extra={"fields": {k: v for k, v in record.items()
                                              if k != "transcript"}})

    def drain(self) -> None:
        """Stop admitting; close idle connections now and busy ones after their DATA."""
        self.draining = True
        for conn in list(self.active):
            if not conn.busy:
                conn.ending = "shutdown"
                conn.shut("421 4.3.2 Service shutting down")

    # -- hooks -----------------------------------------------------------------------
    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        return f"250 {self.cfg.trap_host}"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        caps = [f"250-{self.cfg.trap_host}", "250-PIPELINING",
                f"250-SIZE {self.cfg.max_message_bytes}", "250-8BITMIME"]
        if self.tls_available and server._tls_protocol is None:
            caps.append("250-STARTTLS")
        if server._xclient_allowed():
            caps.append("250-XCLIENT ADDR PORT NAME TIME")
        return ["\r\n".join([*caps, "250 ENHANCEDSTATUSCODES"])]  # one write for all lines

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if len(envelope.rcpt_tos) >= self.cfg.max_recipients:
            server.reject("max_recipients")
            return "452 4.5.3 Error: too many recipients"
        if self.domains and domain_of(address) not in self.domains:
            server.reject("relay")
            return "550 5.7.1 Relay access denied"
        if self.cfg.greylist and not self.greylist.passes(server.client_ip, time.monotonic()):
            server.reject("greylisted")
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        t0 = time.monotonic()
        delivery = self._delivery(server, session, envelope)
        data, qid = stamped_bytes(delivery)
        sha = hashlib.sha256(data).hexdigest()
        record = session_record(delivery, sha, qid)
        item = SpoolItem(sha, data, encode_record(record), f"{server.conn_id}-{server.messages}")
        self.metrics.spool_backlog.set(self.writer.backlog + 1)
        try:
            await self.writer.put(item)
        except OSError as exc:
            server.reject("spool_error")
            log.error("spool write failed", extra={"fields": {"error": str(exc)}})
            return "451 4.3.0 Error: local problem, try again later"
        server.messages += 1
        server.cap.message_done()
        self.metrics.messages.inc()
        self.metrics.bytes.inc(len(data))
        self.metrics.commit_seconds.observe(time.monotonic() - t0)
        self.metrics.spool_backlog.set(self.writer.backlog)
        return f"250 2.0.0 Ok: queued as {qid}"

    def _delivery(self, server, session, envelope) -> Delivery:
        body = envelope.original_content or b""
        when = server.next_time or datetime.now(UTC)
        server.next_time = None
        secs = max(server.data_seconds, 1e-6)
        return Delivery(
            data=body, sensor=self.cfg.sensor, trap_host=self.cfg.trap_host,
            session_id=server.conn_id, client_ip=server.client_ip,
            client_port=server.client_port, helo=session.host_name or "",
            esmtp=bool(session.extended_smtp), tls=server._tls_protocol is not None,
            connected_at=server.connected_at, received_at=when,
            mail_from=envelope.mail_from or "", rcpt_to=tuple(envelope.rcpt_tos),
            index_in_session=server.messages, transcript=server.cap.window(), rdns=server.rdns,
            extra={"connect_to_data_ms": server.data_cmd_ms, "data_bytes": len(body),
                   "data_ms": int(secs * 1000), "bytes_per_s": int(len(body) / secs),
                   "mail_options": list(envelope.mail_options),
                   "transcript_dropped": server.cap.dropped})
