"""Bogofilter driver for the accuracy benchmark: train and score on the same messages
as spamintel, through temporary files (the corpora are never copied into the repo)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from mailfiles import write_messages


def available() -> bool:
    """Whether the ``bogofilter`` binary is installed."""
    return shutil.which("bogofilter") is not None


def _run(db: Path, flag: str, names: list[str]) -> str:
    out = subprocess.run(["bogofilter", "-d", str(db), flag, "-b"], input="\n".join(names) + "\n",
                         capture_output=True, text=True, check=False)
    return out.stdout


def train_and_score(train: Sequence[tuple[bytes, bool]], test: Sequence[bytes]) -> list[float]:
    """Register ``train`` (bytes, is_spam) in a fresh wordlist, return the spamicity
    of each ``test`` message (0..1, higher = spam)."""
    with tempfile.TemporaryDirectory(prefix="bench-bogo-") as tmp:
        root = Path(tmp)
        db = root / "db"
        db.mkdir()
        spam = write_messages(root / "spam", [d for d, s in train if s])
        ham = write_messages(root / "ham", [d for d, s in train if not s])
        _run(db, "-s", spam)
        _run(db, "-n", ham)
        names = write_messages(root / "test", test)
        scores = {}
        for line in _run(db, "-T", names).splitlines():
            parts = line.split()
            if len(parts) >= 3:
                scores[parts[0]] = float(parts[2])
        return [scores.get(n, 0.5) for n in names]
