"""Shared fixtures: a store of synthetic events with known botnets and campaigns."""

from __future__ import annotations

import pytest

from spamintel.attribute._synthetic import synthetic_events
from spamintel.store import Store


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    """(store, table, truth) for 6,000 synthetic events over 10 days."""
    table, truth = synthetic_events(6000, families=4, bots=600, campaigns=30, days=10)
    store = Store(tmp_path_factory.mktemp("synthetic"))
    store.write_events(table)
    return store, table, truth
