"""A bounded SMTP load client for benchmarks and crash tests of a local trap.

``run_load(host, port, count, ...)`` sends ``count`` generated messages over ``conns``
concurrent connections (``per_conn`` messages each, optionally pipelining MAIL/RCPT/DATA)
and returns which message numbers were acknowledged with 250. It stops by itself: after
``count`` messages, after ``deadline`` seconds, or when the server goes away.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


def make_message(n: int, size: int) -> bytes:
    """Message number ``n``: headers naming ``n`` and a body padded to about ``size`` bytes."""
    head = (f"From: load <load@sender.example>\r\nTo: <t{n}@trap.example>\r\n"
            f"Subject: load {n}\r\nMessage-ID: <load-{n}@sender.example>\r\n\r\n").encode()
    line = b"The quick brown fox jumps over the lazy dog 0123456789 abcdefghij.\r\n"
    body = line * max(1, (size - len(head)) // len(line))
    return head + body


@dataclass
class LoadResult:
    """What the load run saw."""

    acked: list[int] = field(default_factory=list)
    refused: int = 0
    errors: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Acknowledged messages per second."""
        return len(self.acked) / self.seconds if self.seconds else 0.0


async def _reply(reader: asyncio.StreamReader) -> bytes:
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("server closed")
        if line[3:4] != b"-":
            return line


async def _send_one(reader, writer, n: int, data: bytes, pipelining: bool) -> bool:
    cmds = [b"MAIL FROM:<load@sender.example>\r\n", f"RCPT TO:<t{n}@trap.example>\r\n".encode(),
            b"DATA\r\n"]
    if pipelining:
        writer.write(b"".join(cmds))
        codes = [await _reply(reader) for _ in cmds]
    else:
        codes = []
        for cmd in cmds:
            writer.write(cmd)
            codes.append(await _reply(reader))
    if not codes[-1].startswith(b"354"):
        return False
    writer.write(data + b".\r\n")
    return (await _reply(reader)).startswith(b"250")


async def _connection(host, port, todo: list[int], per_conn: int, size: int, pipelining: bool,
                      deadline: float, result: LoadResult) -> None:
    while todo and time.monotonic() < deadline:
        batch = [todo.pop() for _ in range(min(per_conn, len(todo)))]
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            result.errors += 1
            return
        try:
            if not (await _reply(reader)).startswith(b"220"):
                result.refused += 1
                continue
            writer.write(b"EHLO load.example\r\n")
            await _reply(reader)
            for n in batch:
                if time.monotonic() >= deadline:
                    break
                if await _send_one(reader, writer, n, make_message(n, size), pipelining):
                    result.acked.append(n)
            writer.write(b"QUIT\r\n")
            await _reply(reader)
        except (OSError, ConnectionError):
            result.errors += 1
            return
        finally:
            writer.close()


async def run_load_async(host: str, port: int, count: int, conns: int = 32, per_conn: int = 10,
                         size: int = 10_240, pipelining: bool = False,
                         deadline_s: float = 120.0, first: int = 0) -> LoadResult:
    """Send messages ``first .. first+count-1``; see the module docstring."""
    todo = list(range(first + count - 1, first - 1, -1))
    result = LoadResult()
    deadline = time.monotonic() + deadline_s
    t0 = time.perf_counter()
    await asyncio.gather(*(_connection(host, port, todo, per_conn, size, pipelining, deadline,
                                       result) for _ in range(conns)))
    result.seconds = time.perf_counter() - t0
    return result


def run_load(*args, **kwargs) -> LoadResult:
    """Blocking ``run_load_async`` (uses uvloop when installed)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(run_load_async(*args, **kwargs))
    return uvloop.run(run_load_async(*args, **kwargs))
