"""Input units: a zip read in parts gives what the whole zip gives, and what cannot be
split (a broken zip, a missing path) is one unit whose reader says why."""

from __future__ import annotations

import io
import zipfile

from spamintel.sources import iter_sources
from spamintel.sources.files import read_unit
from spamintel.sources.units import FILE, MISSING, ZIP_PART, Unit, list_units
from spamintel.testing import sample_corpus


def _zip(tmp_path, n: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sample_corpus(n):
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_zip_read_in_parts_gives_what_it_gives_whole(tmp_path):
    (tmp_path / "a.zip").write_bytes(_zip(tmp_path, 7))
    (tmp_path / "b.eml").write_bytes(sample_corpus(1)[0][1])
    units = list(list_units([tmp_path], zip_members=3))
    assert [(u.kind, u.first, u.last) for u in units] == [
        (ZIP_PART, 0, 3), (ZIP_PART, 3, 6), (ZIP_PART, 6, 7), (FILE, 0, 0)]
    in_parts = [item for unit in units for item in read_unit(unit, sensor="s")]
    assert in_parts == list(iter_sources([tmp_path], sensor="s"))
    assert list(list_units([tmp_path])) == [Unit(str(tmp_path / "a.zip")),
                                            Unit(str(tmp_path / "b.eml"))]


def test_what_cannot_be_split_is_one_unit_read_as_its_failure(tmp_path):
    data = _zip(tmp_path, 4)
    (tmp_path / "cut.zip").write_bytes(data[: len(data) // 2])
    units = list(list_units([tmp_path / "cut.zip", tmp_path / "nope"], zip_members=2))
    assert units == [Unit(str(tmp_path / "cut.zip")), Unit(str(tmp_path / "nope"), MISSING)]
    reasons = [item.reason for unit in units for item in read_unit(unit)]
    assert reasons[0].startswith("unreadable_container: BadZipFile") and reasons[1] == "not_found"


def test_one_file_named_two_ways_is_one_source(tmp_path, monkeypatch):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.eml").write_bytes(b"Subject: x\n\nbody\n")
    monkeypatch.chdir(tmp_path)
    named = [list(list_units([p])) for p in ("d/a.eml", "./d/../d/a.eml",
                                               tmp_path / "d" / "a.eml")]
    assert named[0] == named[1] == named[2] == [Unit(str(tmp_path / "d" / "a.eml"))]


def test_maildir_plus_plus_folders_are_read_after_the_inbox(tmp_path):
    # Dovecot and Courier keep folders as .Name/ (with their own cur/ and new/) inside the
    # Maildir; their mail is mail like the inbox's (a .Junk folder is often all spam)
    for sub in ("cur", "new", "tmp", ".Junk/cur", ".Junk/new", ".Junk/tmp", ".A.B/new",
                ".A.B/cur", ".notes"):
        (tmp_path / sub).mkdir(parents=True)
    for i, name in enumerate(["new/1.host", "cur/2.host:2,S", ".Junk/new/3.host",
                              ".Junk/cur/4.host:2,S", ".Junk/tmp/5.host", ".A.B/new/6.host",
                              ".notes/7.txt"]):
        (tmp_path / name).write_bytes(sample_corpus(1)[0][1] + b"%d" % i)
    got = [u.path.removeprefix(str(tmp_path) + "/") for u in list_units([tmp_path])]
    assert got == ["new/1.host", "cur/2.host:2,S", ".A.B/new/6.host", ".Junk/new/3.host",
                   ".Junk/cur/4.host:2,S"]
