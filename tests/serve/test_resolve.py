"""Months and botnets named by a request: latest by default, 422 malformed, 404 unknown."""

from __future__ import annotations

import pytest
from fastapi import HTTPException

from spamintel.serve import resolve
from spamintel.serve.snapshot import SnapshotCache
from spamintel.store import Store


@pytest.fixture(scope="module")
def snap(store):
    return SnapshotCache(store).current()


def test_month(snap):
    assert resolve.month(snap, None) == "2011-03"
    assert resolve.month(snap, " ") == "2011-03"
    assert resolve.month(snap, "2011-2") == "2011-02"


@pytest.mark.parametrize(("value", "status"), [("2011-00", 422), ("x", 422),
                                               ("2010-12", 404)])
def test_bad_month(snap, value, status):
    with pytest.raises(HTTPException) as info:
        resolve.month(snap, value)
    assert info.value.status_code == status


def test_botnet(snap, hostile):
    assert resolve.botnet(snap, None) is None
    assert resolve.botnet(snap, "") is None and resolve.botnet(snap, " ") is None  # as month=
    assert resolve.botnet(snap, hostile.botnet) == hostile.botnet
    with pytest.raises(HTTPException) as info:
        resolve.botnet(snap, "rustock")
    assert info.value.status_code == 404 and "'rustock'" in info.value.detail


def test_empty_store_has_no_latest_month(tmp_path):
    with pytest.raises(HTTPException) as info:
        resolve.month(SnapshotCache(Store(tmp_path / "s")).current(), None)
    assert info.value.status_code == 404
