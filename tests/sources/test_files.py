import bz2
import gzip
import io
import random
import tarfile
import zipfile

from spamintel.config import SourcesConfig
from spamintel.model import RawMessage, SourceFailure
from spamintel.sources import iter_sources
from spamintel.testing import make_message, zip_bomb


def _msgs(items):
    return [i for i in items if isinstance(i, RawMessage)]


def _mbox(*messages: bytes) -> bytes:
    return b"".join(b"From sender@example.com Sun Apr  8 13:07:21 2007\n" + m + b"\n"
                    for m in messages)


def test_single_eml_and_folder(tmp_path):
    (tmp_path / "a.eml").write_bytes(make_message(subject="one"))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.eml").write_bytes(make_message(subject="two"))
    got = _msgs(iter_sources([tmp_path]))
    assert [m.source.rsplit("/", 1)[-1] for m in got] == ["a.eml", "b.eml"]
    assert got[0].data == make_message(subject="one")


def test_mboxrd_splits_and_unquotes(tmp_path):
    body = make_message(body="line\n>From the start\nend")
    (tmp_path / "box.mbox").write_bytes(_mbox(make_message(), body.replace(b">From", b">>From")))
    got = _msgs(iter_sources([tmp_path / "box.mbox"]))
    assert len(got) == 2
    assert b"\n>From the start" in got[1].data
    assert got[1].source.endswith("box.mbox#1")


def test_maildir_reads_new_and_cur(tmp_path):
    for sub in ("cur", "new", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "new" / "1.host").write_bytes(make_message(subject="n"))
    (tmp_path / "cur" / "2.host:2,S").write_bytes(make_message(subject="c"))
    assert len(_msgs(iter_sources([tmp_path]))) == 2


def test_archives_stream_without_extracting(tmp_path):
    msg = make_message()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for i in range(3):
            info = tarfile.TarInfo(f"data/m{i}")
            info.size = len(msg)
            tar.addfile(info, io.BytesIO(msg))
    (tmp_path / "c.tar.gz").write_bytes(buf.getvalue())
    (tmp_path / "d.eml.gz").write_bytes(gzip.compress(msg))
    (tmp_path / "e.mbox.bz2").write_bytes(bz2.compress(_mbox(msg, msg)))
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as zf:
        zf.writestr("x/one.eml", msg)
    (tmp_path / "f.zip").write_bytes(zbuf.getvalue())
    got = _msgs(iter_sources([tmp_path]))
    assert len(got) == 3 + 1 + 2 + 1
    assert all(m.data == msg for m in got)
    assert any(m.source.endswith("c.tar.gz!data/m2") for m in got)
    assert any(m.source.endswith("f.zip!x/one.eml") for m in got)


def test_zip_bomb_becomes_failure_not_memory_blowup(tmp_path):
    (tmp_path / "bomb.zip").write_bytes(zip_bomb(64 * 1024 * 1024))
    cfg = SourcesConfig(max_message_bytes=8 * 1024 * 1024)
    items = list(iter_sources([tmp_path / "bomb.zip"], cfg=cfg))
    assert len(items) == 1 and isinstance(items[0], SourceFailure)
    assert items[0].reason.startswith(("too_large", "compression_bomb"))


def test_corrupt_archive_and_missing_path_are_failures(tmp_path):
    (tmp_path / "bad.tar.gz").write_bytes(gzip.compress(b"x" * 300)[:20])
    items = list(iter_sources([tmp_path / "bad.tar.gz", tmp_path / "nope"]))
    reasons = [i.reason for i in items if isinstance(i, SourceFailure)]
    assert any(r.startswith("unreadable_container") for r in reasons)
    assert "not_found" in reasons


def test_labels_follow_member_names(tmp_path):
    from spamintel.sources import load_labels

    (tmp_path / "index").write_text("spam ../data/inmail.1\nham ../data/inmail.2\n")
    lookup = load_labels(tmp_path / "index")
    assert lookup("x.tar.gz!trec07p/data/inmail.1#0") == "spam"
    assert lookup("/a/b/inmail.2") == "ham"
    assert lookup("inmail.3") is None


def test_sessions_sidecar_is_attached_not_read_as_mail(tmp_path):
    import hashlib
    import json

    msg = make_message()
    (tmp_path / "2011-03-16.mbox").write_bytes(_mbox(msg, make_message(subject="other")))
    session = {"msg_sha256": hashlib.sha256(msg).hexdigest(), "sensor": "trap-a",
               "client_ip": "192.0.2.9", "helo": "bot", "received_at": "2011-03-16T10:00:00Z",
               "mail_from": "x@y.z", "rcpt_to": ["a@trap.example", "b@trap.example"]}
    (tmp_path / "2011-03-16.sessions.jsonl").write_text(json.dumps(session) + "\nnot json\n")
    got = _msgs(iter_sources([tmp_path]))
    assert len(got) == 2
    first, second = got
    assert (first.sensor, first.source_kind, first.client_ip, first.envelope_rcpts) == (
        "trap-a", "trap", "192.0.2.9", ("a@trap.example", "b@trap.example"))
    assert first.received_at.isoformat() == "2011-03-16T10:00:00+00:00"
    assert second.session is None and second.source_kind == "archive"


def test_a_corrupt_deflate_stream_is_a_failure_row_not_an_exception(tmp_path):
    # an mbox.gz whose deflate data goes bad (zlib's "invalid distance too far back"):
    # one failure row for the rest of the archive, and the ingest goes on
    rng = random.Random(0)
    words = (b"cheap", b"meds", b"now", b"buy", b"http://x.example/", b"offer")
    mbox = b"".join(b"From x@y Mon Jan  1 00:00:00 2007\nSubject: m%d\n\n%s\n\n"
                    % (i, b" ".join(rng.choice(words) for _ in range(500))) for i in range(40))
    packed = bytearray(gzip.compress(mbox))
    packed[200:264] = bytes(64)
    (tmp_path / "a.mbox.gz").write_bytes(bytes(packed))
    (tmp_path / "b.eml").write_bytes(make_message())
    items = list(iter_sources([tmp_path / "a.mbox.gz", tmp_path / "b.eml"]))
    failures = [i.reason for i in items if isinstance(i, SourceFailure)]
    assert len(failures) == 1 and failures[0].startswith("unreadable_container: error")
    assert items[-1].source.endswith("b.eml") and isinstance(items[-1], RawMessage)


def _tar_gz(members: list[bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for i, data in enumerate(members):
            info = tarfile.TarInfo(f"d/{i}.eml")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_damaged_archives_give_messages_and_failure_rows_only(tmp_path):
    # seeded damage (flipped, cut, padded bytes) to every kind of container: reading never
    # raises, whatever the damage
    mails = [make_message(subject=f"m{i}") for i in range(12)]
    bases = {"a.mbox.gz": gzip.compress(_mbox(*mails)), "a.mbox.bz2": bz2.compress(_mbox(*mails)),
             "a.tar.gz": _tar_gz(mails), "n.tar.gz": _tar_gz([_tar_gz(mails[:4])])}
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, m in enumerate(mails):
            zf.writestr(f"{i}.eml", m)
    bases["a.zip"] = zbuf.getvalue()
    rng = random.Random(7)
    for k in range(200):
        name, data = rng.choice(sorted(bases.items()))
        path = tmp_path / f"{k}_{name}"
        path.write_bytes(_damaged(rng, data))
        items = list(iter_sources([path]))
        assert all(isinstance(i, RawMessage | SourceFailure) for i in items)


def _damaged(rng: random.Random, data: bytes) -> bytes:
    """``data`` with 8 bytes overwritten, cut short, or 40 random bytes inserted."""
    b, at, kind = bytearray(data), rng.randrange(len(data)), rng.randrange(3)
    if kind == 0:
        b[at:at + 8] = rng.randbytes(8)
    elif kind == 1:
        del b[at:]
    else:
        b[at:at] = rng.randbytes(40)
    return bytes(b)


def test_what_is_no_mail_is_a_failure_row(tmp_path):
    (tmp_path / "empty.eml").write_bytes(b"")
    (tmp_path / "blank.eml").write_bytes(b"\r\n \r\n")
    (tmp_path / "README.txt").write_bytes(b"This corpus holds spam.\n\nLicence: none.\n")
    (tmp_path / "fake.mbox.gz").write_bytes(b"this is not gzip at all")
    (tmp_path / "outlook.msg").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    (tmp_path / "bom.eml").write_bytes(b"\xef\xbb\xbfX-Odd: 1\nSubject: hi\n\nbody\n")
    (tmp_path / "headers_only.eml").write_bytes(b"Subject: nothing else")
    (tmp_path / "empty.mbox").write_bytes(b"")
    items = {i.source.rsplit("/", 1)[-1]: i for i in iter_sources([tmp_path])}
    reasons = {name: i.reason for name, i in items.items() if isinstance(i, SourceFailure)}
    assert reasons == {
        "empty.eml": "empty: no bytes", "empty.mbox": "empty: no bytes",
        "blank.eml": "empty: only white space",
        "README.txt": "not_a_message: no header field before the body",
        "fake.mbox.gz": "not_a_message: no header field before the body",
        # an OLE signature and nothing an OLE reader can open (a real .msg is read as mail)
        "outlook.msg": "unreadable_outlook_msg: unreadable OLE file: NotOleFileError"}
    assert items["README.txt"].data.startswith(b"This corpus")
    assert {n for n, i in items.items() if isinstance(i, RawMessage)} == {
        "bom.eml", "headers_only.eml"}
