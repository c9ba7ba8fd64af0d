"""A named pipe, a socket or a device among the input is a ``not_a_file`` quarantine row,
never opened for a read that waits for a writer, whether it sits in a folder, in a
Maildir, is named on the command line or is named like a zip to be read in parts."""

from __future__ import annotations

import contextlib
import os
import socket
import threading

from spamintel.model import RawMessage, SourceFailure
from spamintel.sources import iter_sources
from spamintel.sources.files import read_unit
from spamintel.sources.units import list_units
from spamintel.testing import make_message


def _read_within(paths: list, fifos: list, **units) -> list:
    """What the sources yield for ``paths``; fails (instead of hanging) when reading
    blocks, and then lets the blocked reader go by opening ``fifos`` for writing."""
    got: list = []

    def run() -> None:
        units_ = list_units(paths, **units) if units else None
        got.extend(iter_sources(paths) if units_ is None
                   else (i for u in units_ for i in read_unit(u)))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(5.0)
    blocked = thread.is_alive()
    for fifo in fifos:
        with contextlib.suppress(OSError):  # no reader waits: nothing to let go
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert not blocked, "reading the input blocked"
    return got


def test_a_fifo_in_a_folder_is_a_failure_row_and_the_rest_is_read(tmp_path):
    (tmp_path / "a.eml").write_bytes(make_message())
    os.mkfifo(tmp_path / "b.eml")
    (tmp_path / "c.eml").write_bytes(make_message(subject="c"))
    items = _read_within([tmp_path], [tmp_path / "b.eml"])
    assert [(i.source.rsplit("/", 1)[-1], type(i).__name__) for i in items] == [
        ("a.eml", "RawMessage"), ("b.eml", "SourceFailure"), ("c.eml", "RawMessage")]
    assert items[1].reason == "not_a_file: a named pipe"


def test_a_fifo_named_directly_or_as_a_zip_in_parts_never_blocks(tmp_path):
    os.mkfifo(tmp_path / "p.eml")
    os.mkfifo(tmp_path / "q.zip")
    direct = _read_within([tmp_path / "p.eml"], [tmp_path / "p.eml"])
    in_parts = _read_within([tmp_path / "q.zip"], [tmp_path / "q.zip"], zip_members=10)
    assert [i.reason for i in direct + in_parts] == ["not_a_file: a named pipe"] * 2


def test_a_socket_and_a_fifo_in_a_maildir_are_failure_rows(tmp_path):
    for sub in ("cur", "new", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "new" / "1.host").write_bytes(make_message())
    os.mkfifo(tmp_path / "new" / "2.host")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "cur" / "3.host"))
        items = _read_within([tmp_path], [tmp_path / "new" / "2.host"])
    finally:
        sock.close()
    reasons = sorted(i.reason for i in items if isinstance(i, SourceFailure))
    assert reasons == ["not_a_file: a named pipe", "not_a_file: a socket"]
    assert sum(isinstance(i, RawMessage) for i in items) == 1
