"""Labels a corpus ships beside its messages (TREC-style ``index`` files)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def load_labels(path: str | Path) -> Callable[[str], str | None]:
    """Read an index of ``<label> <path>`` lines; return a lookup by message file name.

    The lookup takes a source string (``archive!member`` or a path) and matches the
    last path component, so ``trec07p.tar.gz!trec07p/data/inmail.7`` finds ``inmail.7``.
    """
    table: dict[str, str] = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2:
                table[parts[1].rsplit("/", 1)[-1]] = parts[0].lower()

    def lookup(source: str) -> str | None:
        name = source.rsplit("!", 1)[-1].rsplit("/", 1)[-1].split("#", 1)[0]
        return table.get(name)

    return lookup
