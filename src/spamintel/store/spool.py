"""Content-addressed raw-message spool: append-only compressed packs plus an index.

Each ingest batch writes one pack (``packs/<id>.pack.zst``: the batch's messages
concatenated, one zstd frame, so ``zstd -dc`` prints them) and one index
(``index/<id>.parquet``: sha256, pack, offset, length, pack_size). One file pair per batch
instead of one file per message, and zstd instead of gzip, make the spool about 20 times
cheaper per message; the index makes every message addressable by its sha256. A pack can
be made where the messages are (``make_pack``, on a Spark executor) and written here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Container, Iterable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

_TMP = ".tmp-"
INDEX_SCHEMA = pa.schema([("msg_sha256", pa.string()), ("pack", pa.string()),
                          ("offset", pa.int64()), ("length", pa.int64()),
                          ("pack_size", pa.int64())])
_CODEC = pa.Codec("zstd", compression_level=1)


@dataclass(frozen=True)
class Pack:
    """Messages concatenated and compressed as one pack, and their sha256 and lengths."""

    blob: bytes
    shas: list[str]
    lengths: list[int]

    @property
    def size(self) -> int:
        """Bytes of the messages, uncompressed."""
        return sum(self.lengths)

    def only(self, keep: Container[str]) -> Pack | None:
        """This pack with only the messages whose sha256 is in ``keep``; None if none."""
        data = _CODEC.decompress(self.blob, decompressed_size=self.size, asbytes=True)
        offsets = list(accumulate(self.lengths, initial=0))[:-1]
        return make_pack((sha, data[at:at + n]) for sha, at, n
                         in zip(self.shas, offsets, self.lengths, strict=True) if sha in keep)


def make_pack(items: Iterable[tuple[str, bytes]], skip: Container[str] = ()) -> Pack | None:
    """The messages as one pack, each sha once and none in ``skip``; None when empty."""
    shas: list[str] = []
    chunks: list[bytes] = []
    taken: set[str] = set()
    for sha, data in items:
        if sha in skip or sha in taken:
            continue
        taken.add(sha)
        shas.append(sha)
        chunks.append(data)
    if not chunks:
        return None
    blob = _CODEC.compress(b"".join(chunks), asbytes=True)
    return Pack(blob, shas, [len(c) for c in chunks])


class Spool:
    """Raw bytes by sha256 under one folder."""

    def __init__(self, path: Path) -> None:
        self.packs, self.index = path / "packs", path / "index"
        self.packs.mkdir(parents=True, exist_ok=True)
        self.index.mkdir(parents=True, exist_ok=True)
        self._where: dict[str, tuple[str, int, int, int]] | None = None
        self._cached: tuple[str, bytes] = ("", b"")

    def _index_files(self) -> list[Path]:
        return sorted(p for p in self.index.glob("*.parquet") if not p.name.startswith(_TMP))

    def _load(self) -> dict[str, tuple[str, int, int, int]]:
        if self._where is None:
            where: dict[str, tuple[str, int, int, int]] = {}
            for f in self._index_files():
                t = pq.read_table(f).to_pydict()
                for sha, pack, off, n, size in zip(t["msg_sha256"], t["pack"], t["offset"],
                                                   t["length"], t["pack_size"], strict=True):
                    where[sha] = (pack, off, n, size)
            self._where = where
        return self._where

    def __contains__(self, sha: str) -> bool:
        return sha in self._load()

    def put(self, items: Iterable[tuple[str, bytes]]) -> int:
        """Append new messages as one pack; return how many were new."""
        pack = make_pack(items, skip=self._load())
        return self.put_pack(pack) if pack else 0

    def put_pack(self, pack: Pack) -> int:
        """Write a pack made by ``make_pack`` (here or elsewhere), then its index."""
        where, size = self._load(), pack.size
        name = uuid.uuid4().hex[:16]
        path = self.packs / f"{name}.pack.zst"
        tmp = path.with_name(_TMP + path.name)
        tmp.write_bytes(pack.blob)
        os.replace(tmp, path)
        offsets = list(accumulate(pack.lengths, initial=0))[:-1]
        rows = {"msg_sha256": pack.shas, "pack": [name] * len(pack.shas), "offset": offsets,
                "length": pack.lengths, "pack_size": [size] * len(pack.shas)}
        index = self.index / f"{name}.parquet"
        tmp = index.with_name(_TMP + index.name)
        pq.write_table(pa.table(rows, schema=INDEX_SCHEMA), tmp)
        os.replace(tmp, index)  # the index names the pack only once the pack is whole
        for sha, off, n in zip(pack.shas, offsets, pack.lengths, strict=True):
            where[sha] = (name, off, n, size)
        return len(pack.shas)

    def get(self, sha: str) -> bytes:
        """The bytes of message ``sha`` (KeyError when unknown). The index is read again
        once when ``sha`` is not in it: other processes (ingest workers) add packs."""
        if sha not in self._load():
            self._where = None
        pack, offset, length, size = self._load()[sha]
        if self._cached[0] != pack:
            blob = (self.packs / f"{pack}.pack.zst").read_bytes()
            self._cached = (pack, _CODEC.decompress(blob, decompressed_size=size, asbytes=True))
        return self._cached[1][offset : offset + length]
