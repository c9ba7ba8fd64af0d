"""Messages as one file each in a folder: how the peer filters of the accuracy
benchmark (bogofilter, SpamAssassin, Rspamd) read the training and test mail."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def write_messages(folder: Path, messages: Sequence[bytes]) -> list[str]:
    """Write ``messages`` to ``folder/0``, ``folder/1``, …; return the paths in order."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i, data in enumerate(messages):
        path = folder / str(i)
        path.write_bytes(data)
        names.append(str(path))
    return names
