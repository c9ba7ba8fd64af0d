"""Hostile names: a file or tar member name that is no UTF-8 becomes a source shown with
``\\xNN`` for its odd bytes (stored like any other), and a legal name too long to have a
sessions sidecar beside it is read without one."""

from __future__ import annotations

import io
import os
import tarfile

from spamintel.engine import ingest
from spamintel.model import RawMessage, SourceFailure
from spamintel.sources import iter_sources
from spamintel.sources.units import safe_name
from spamintel.store import Store
from spamintel.testing import make_message


def _stored_sources(tmp_path, items) -> tuple[set[str], set[str]]:
    store = Store(tmp_path / "store")
    ingest(items, store)
    con = store.connect()
    return ({r[0] for r in con.execute("SELECT source FROM events").fetchall()},
            {r[0] for r in con.execute("SELECT source FROM quarantine").fetchall()})


def test_names_that_are_no_utf8_are_shown_escaped_and_stored(tmp_path):
    root = os.fsencode(tmp_path / "in")
    os.mkdir(root)
    with open(root + b"/caf\xe9.eml", "wb") as fh:
        fh.write(make_message())
    with open(root + b"/empty\xff.eml", "wb"):
        pass
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT,
                      encoding="latin-1") as tar:
        info = tarfile.TarInfo("t\xe9.eml")
        data = make_message(subject="in a tar")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with open(root + b"/names.tar", "wb") as fh:
        fh.write(buf.getvalue())
    items = list(iter_sources([tmp_path / "in"]))
    names = sorted(i.source.rsplit("/", 1)[-1] for i in items)
    assert names == ["caf\\xe9.eml", "empty\\xff.eml", "names.tar!t\\xe9.eml"]
    events, quarantine = _stored_sources(tmp_path, iter(items))
    assert {s.rsplit("/", 1)[-1] for s in events} == {"caf\\xe9.eml", "names.tar!t\\xe9.eml"}
    assert {s.rsplit("/", 1)[-1] for s in quarantine} == {"empty\\xff.eml"}


def test_safe_name_leaves_text_and_escapes_only_odd_bytes():
    assert safe_name("caf\u00e9 \u4e2d.eml") == "caf\u00e9 \u4e2d.eml"
    assert safe_name("caf\udce9.eml") == "caf\\xe9.eml"
    assert safe_name("lone\ud800") == "lone\\ud800"  # a surrogate no byte stands for


def test_a_name_too_long_for_a_sidecar_is_read_without_one(tmp_path):
    path = tmp_path / ("x" * 245 + ".eml")  # 249 bytes: the sidecar's name would be too long
    path.write_bytes(make_message())
    items = list(iter_sources([tmp_path]))
    assert len(items) == 1 and isinstance(items[0], RawMessage)
    assert items[0].session is None and not isinstance(items[0], SourceFailure)


def test_a_path_too_long_to_look_up_is_not_found(tmp_path):
    items = list(iter_sources([tmp_path / ("x" * 300)]))
    assert [i.reason for i in items] == ["not_found"]
