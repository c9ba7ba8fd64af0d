"""Shared fixtures: the real corpora folder (tests skip when it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spamintel.config import default_corpora_dir


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The shared real corpora; skip the test when they are not on this machine."""
    path = default_corpora_dir()
    if not path.is_dir():
        pytest.skip(f"real corpora not found at {path}")
    return path
