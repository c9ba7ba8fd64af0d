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
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spamintel.sources.sessions import SIDECAR_SUFFIX
from spamintel.sources.spool import is_spool

SKIP_NAMES = frozenset({"cmds", "index", ".DS_Store"})
FILE, SPOOL, MISSING, ZIP_PART = "file", "spool", "missing", "zip_part"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class Unit:
    """One piece of input: ``kind`` is file, spool, missing or zip_part (members
    ``first`` to ``last``, end excluded, of the zip at ``path``)."""

    path: str
    kind: str = FILE
    first: int = 0
    last: int = 0


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new"))


def _is_sidecar(name: str) -> bool:
    return name.endswith((SIDECAR_SUFFIX, SIDECAR_SUFFIX + ".gz"))


def _walk(path: Path) -> Iterator[Path]:
    if _is_maildir(path):
        for sub in ("new", "cur"):
            yield from sorted(p for p in (path / sub).iterdir() if p.is_file())
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
        with open(path, "rb") as fh:
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
        if not top.exists():
            yield Unit(str(top), MISSING)
        elif is_spool(top):
            yield Unit(str(top), SPOOL)
        else:
            for path in _walk(top) if top.is_dir() else [top]:
                if zip_members > 0 and path.suffix.lower() == ".zip":
                    yield from _zip_parts(path, zip_members)
                else:
                    yield Unit(str(path))
