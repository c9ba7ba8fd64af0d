import io
import zipfile

from spamintel.classify.run import classify_sources
from spamintel.testing import make_message


def test_records_for_files_and_archive_members(tmp_path):
    (tmp_path / "a.eml").write_bytes(make_message(subject="hello"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("b.eml", make_message(subject="Cheap meds"))
    (tmp_path / "box.zip").write_bytes(buf.getvalue())
    rows = list(classify_sources([tmp_path, tmp_path / "missing.eml"]))
    assert [list(r) for r in rows] == [["source", "verdict", "spam_score", "category",
                                       "reasons"]] * 3
    sources = [r["source"] for r in rows]
    assert sources[0].endswith("a.eml") and sources[1].endswith("box.zip!b.eml")
    assert all(r["verdict"] in ("ham", "spam", "phish", "malware") for r in rows[:2])
    assert rows[2]["verdict"] is None and rows[2]["reasons"][0].startswith("unreadable:")
