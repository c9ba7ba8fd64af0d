"""Input units: the pieces of file input a reader opens on its own, in reading order.

A unit is a file (an .eml, an mbox, a Maildir message, a .gz/.bz2/.tar/.zip archive), a
trap spool, a missing path (read as its ``not_found`` failure), or a run of a zip's
members. ``iter_sources`` reads the units of its paths one after another; the Spark engine
lists them on the driver and reads them on executors (``read_unit``), so both read the
same items. Only a zip splits cheaply: its central directory lists the members, each
readable alone. A compressed stream (.gz, .tar.gz) has no index, and an mbox's message
numbers (``path#N``) count from its start, so those stay one unit each.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from spamintel.sources.sessions import SIDECAR_SUFFIX
from spamintel.sources.spool import is_spool

SKIP_NAMES = frozenset({"cmds", "index", ".DS_Store"})
FILE, SPOOL, MISSING, ZIP_PART = "file", "spool", "missing", "zip_part"
_ZIP_MAGIC = b"PK\x03\x04"
_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISDIR, "a directory"))


class NotAFile(OSError):
    """A path that is no regular file (a named pipe, a socket, a device): never read."""


def _check_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "no regular file")
        raise NotAFile(kind)


def open_regular(path: str | Path) -> BinaryIO:
    """``path`` opened for reading when it is a regular file, else ``NotAFile``: a named
    pipe would block the reader until a writer comes, a device may never end. It is
    opened without waiting, and checked again once open (it may have been replaced)."""
    _check_regular(os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        _check_regular(os.fstat(fd).st_mode)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


@dataclass(frozen=True, slots=True)
class Unit:
    """One piece of input: ``kind`` is file, spool, missing or zip_part (members
    ``first`` to ``last``, end excluded, of the zip at ``path``)."""

    path: str
    kind: str = FILE
    first: int = 0
    last: int = 0


def safe_name(name: str) -> str:
    """``name`` as text every writer takes (UTF-8, Parquet, Arrow): the bytes of a file or
    member name that were no UTF-8, which ``os.walk`` and ``tarfile`` hand over as
    surrogate escapes, shown as ``\\xNN``; any other lone surrogate as ``\\uXXXX``."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return name


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new"))


def _is_sidecar(name: str) -> bool:
    return name.endswith((SIDECAR_SUFFIX, SIDECAR_SUFFIX + ".gz"))


def _maildir(path: Path) -> Iterator[Path]:
    """A Maildir's messages (``new``, then ``cur``; ``tmp`` holds deliveries in progress),
    then those of its Maildir++ folders (``.Junk/``, ``.Lists.sub/``: Maildirs named with
    a leading dot beside ``cur``, one level, symbolic links not followed), in name order.
    Anything in ``new`` and ``cur`` that is no folder goes to the reader, which refuses
    what is no regular file."""
    folders = [path] + sorted(p for p in path.iterdir() if p.name.startswith(".")
                              and not p.is_symlink() and p.is_dir() and _is_maildir(p))
    for folder in folders:
        for sub in ("new", "cur"):
            yield from sorted(p for p in (folder / sub).iterdir() if not p.is_dir())


def _walk(path: Path) -> Iterator[Path]:
    if _is_maildir(path):
        yield from _maildir(path)
        return
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            if not name.startswith(".") and name not in SKIP_NAMES and not _is_sidecar(name):
                yield Path(root) / name


def _zip_parts(path: Path, members: int) -> list[Unit]:
    """A zip as runs of ``members`` members, from its central directory; the whole file
    as one unit when it is not a readable zip (its reader then says why)."""
    try:
        with open_regular(path) as fh:
            if fh.read(4) != _ZIP_MAGIC:
                return [Unit(str(path))]
            count = len(zipfile.ZipFile(fh).infolist())
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return [Unit(str(path))]
    return [Unit(str(path), ZIP_PART, i, min(i + members, count))
            for i in range(0, count, members)] or [Unit(str(path))]


def list_units(paths: Iterable[str | Path], zip_members: int = 0) -> Iterator[Unit]:
    """The units under ``paths`` in reading order; zips split into runs of
    ``zip_members`` members when it is positive. Paths are made absolute, so one file
    named two ways (``a.eml``, ``./dir/../a.eml``) is one source."""
    for top in (Path(os.path.abspath(p)) for p in paths):
        if not os.path.exists(top):  # False for a name too long to be looked up
            yield Unit(str(top), MISSING)
        elif is_spool(top):
            yield Unit(str(top), SPOOL)
        else:
            for path in _walk(top) if top.is_dir() else [top]:
                if zip_members > 0 and path.suffix.lower() == ".zip":
                    yield from _zip_parts(path, zip_members)
                else:
                    yield Unit(str(path))
