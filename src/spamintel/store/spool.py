"""Content-addressed raw-message spool: append-only compressed packs plus an index.

Each ingest batch writes one pack (``packs/<id>.pack.zst``: the batch's messages
concatenated, one zstd frame, so ``zstd -dc`` prints them) and one index
(``index/<id>.parquet``: sha256, pack, offset, length, pack_size). One file pair per batch
instead of one file per message, and zstd instead of gzip, make the spool about 20 times
cheaper per message; the index makes every message addressable by its sha256.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

_TMP = ".tmp-"
INDEX_SCHEMA = pa.schema([("msg_sha256", pa.string()), ("pack", pa.string()),
                          ("offset", pa.int64()), ("length", pa.int64()),
                          ("pack_size", pa.int64())])
_CODEC = pa.Codec("zstd", compression_level=1)


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
        where = self._load()
        name = uuid.uuid4().hex[:16]
        shas, offsets, lengths, chunks, offset = [], [], [], [], 0
        for sha, data in items:
            if sha in where:
                continue
            where[sha] = (name, offset, len(data), -1)  # completed below
            shas.append(sha)
            offsets.append(offset)
            lengths.append(len(data))
            chunks.append(data)
            offset += len(data)
        if not chunks:
            return 0
        pack = self.packs / f"{name}.pack.zst"
        tmp = pack.with_name(_TMP + pack.name)
        tmp.write_bytes(_CODEC.compress(b"".join(chunks), asbytes=True))
        os.replace(tmp, pack)
        rows = {"msg_sha256": shas, "pack": [name] * len(shas), "offset": offsets,
                "length": lengths, "pack_size": [offset] * len(shas)}
        index = self.index / f"{name}.parquet"
        tmp = index.with_name(_TMP + index.name)
        pq.write_table(pa.table(rows, schema=INDEX_SCHEMA), tmp)
        os.replace(tmp, index)  # the index names the pack only once the pack is whole
        for sha, off, n in zip(shas, offsets, lengths, strict=True):
            where[sha] = (name, off, n, offset)
        return len(chunks)

    def get(self, sha: str) -> bytes:
        """The bytes of message ``sha`` (KeyError when unknown)."""
        pack, offset, length, size = self._load()[sha]
        if self._cached[0] != pack:
            blob = (self.packs / f"{pack}.pack.zst").read_bytes()
            self._cached = (pack, _CODEC.decompress(blob, decompressed_size=size, asbytes=True))
        return self._cached[1][offset : offset + length]
