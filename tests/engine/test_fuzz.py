"""Mutated real mail through every per-message stage: each message ends as a stored event,
none is quarantined, whatever the mutation (seeded, so a failure reproduces)."""

from __future__ import annotations

import random
import re
import tarfile
from pathlib import Path

from spamintel.config import Config
from spamintel.engine.pipeline import Pipeline
from spamintel.model import RawMessage
from spamintel.testing import hostile_messages, sample_corpus

JUNK = (b"\x00", b"\r", b"\n", b"\xff\xfe", b"=?", b"?=", b"--", b'"', b";", b"\\", b"<",
        b">", b"=\r\n", b"\t", b"\xc3", b"\xed\xa0\x80", b"&#", b"&#x110000;", b"&#xd800;",
        b"=?utf-8?b?", b"=?x-bogus?q?=ZZ?=", b"=?utf-7?Q?+3g8-?=", b"+3g8-")
FIELDS = (b"Content-Type: multipart/mixed; boundary=", b"Content-Type: text/html; charset=utf-7",
          b'Content-Type: text/plain; charset="utf-16"', b"Content-Transfer-Encoding: base64",
          b"Content-Transfer-Encoding: quoted-printable", b"Content-Transfer-Encoding: x-uue",
          b"Content-Disposition: attachment; filename*=utf-8''%ff%fe.exe",
          b"Received: from [999.1.1.1] (helo=x) by y with SMTP; Mon, 99 Foo 2011 99:99:99 +9999",
          b"Date: Thu, 31 Feb 2011 25:61:61 -2500", b"From: =?utf-8?q?=E2=80?= <@@@>",
          b"Message-ID: <<<>>>", b"Content-Type: message/rfc822",
          b'Content-Type: application/zip; name="a.zip"', b"Subject: =?utf-8?B?" + b"A" * 5000)


def _flip(rng: random.Random, b: bytearray) -> bytearray:
    for _ in range(rng.randint(1, 30)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return b


def _insert(rng: random.Random, b: bytearray) -> bytearray:
    for _ in range(rng.randint(1, 20)):
        p = rng.randrange(len(b) + 1)
        b[p:p] = rng.choice(JUNK)
    return b


def _field(rng: random.Random, b: bytearray) -> bytearray:
    p = max(b.find(b"\n\n"), b.find(b"\r\n\r\n"), 0)
    b[p:p] = b"\n" + rng.choice(FIELDS) + bytes(rng.choice(b"abc-=_\"") for _ in range(9))
    return b


def _repeat_line(rng: random.Random, b: bytearray) -> bytearray:
    lines = bytes(b).split(b"\n")
    i = rng.randrange(len(lines))
    lines[i:i] = [lines[i]] * rng.choice((2, 50, 2000))
    return bytearray(b"\n".join(lines))


def _wrap(rng: random.Random, b: bytearray) -> bytearray:
    return bytearray(b"From: a@b.c\nContent-Type: message/rfc822\n\n" * rng.choice((3, 300))) + b


def _boundaries(rng: random.Random, b: bytearray) -> bytearray:
    return bytearray(re.sub(rb'boundary="?([^";\r\n]+)"?', lambda m: b'boundary="%s"' % bytes(
        rng.choice(b"xyz-") for _ in range(rng.randint(0, 5))), bytes(b)))


def _noise(rng: random.Random, b: bytearray) -> bytearray:
    p = rng.randrange(len(b) + 1)
    b[p:p] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4000)))
    return b


def _cut(rng: random.Random, b: bytearray) -> bytearray:
    return b[:rng.randrange(len(b) + 1)]


MUTATIONS = (_flip, _insert, _field, _repeat_line, _wrap, _boundaries, _noise, _cut)


def mutate(rng: random.Random, data: bytes) -> bytes:
    """``data`` after one to three random mutations."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        b = rng.choice(MUTATIONS)(rng, b) if b else _insert(rng, b)
    return bytes(b)


def _real_mail(corpora: Path, limit: int) -> list[bytes]:
    out = [p.read_bytes() for p in sorted((corpora / "mailparser_fixtures").glob("mail_*"))]
    with tarfile.open(corpora / "spamassassin" / "20030228_spam_2.tar.bz2") as tar:
        for member in tar:
            if member.isfile() and len(out) < limit:
                out.append(tar.extractfile(member).read())
    return out


def test_mutated_mail_always_becomes_an_event(corpora):
    seeds = _real_mail(corpora, 150) + [d for _, d in sample_corpus(20)]
    seeds += [d for d in hostile_messages(big_bytes=1000).values() if d]
    rng = random.Random(2011)
    raws = [RawMessage(data=mutate(rng, rng.choice(seeds)), source=f"m{i}") for i in range(3000)]
    pipe = Pipeline(Config())
    for i in range(0, len(raws), 500):
        batch, quarantine = pipe.process_batch(raws[i:i + 500])
        assert [q["reason"] for q in quarantine] == []
        assert batch.num_rows == len(raws[i:i + 500])
