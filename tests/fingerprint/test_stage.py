import json

import pytest

from spamintel.config import ParseConfig
from spamintel.fingerprint import fingerprint
from spamintel.fingerprint.stage import excerpt
from spamintel.model import RawMessage
from spamintel.parse import parse_message
from spamintel.testing import make_message


def _fp(**raw):
    cfg = ParseConfig()
    return fingerprint(parse_message(RawMessage(data=make_message(), source="t", **raw), cfg),
                       cfg)


def test_archive_message_has_no_dialect_but_has_shapes():
    ev = _fp()
    assert ev.smtp_dialect_fp is None and ev.smtp_dialect is None
    assert ev.message_id_shape == "<D8.D5@H>"
    assert ev.header_order.startswith("from:to:subject:date:message-id")
    assert len(ev.body_minhash) == 64 and ev.body_excerpt.startswith("Hello there")


def test_session_gives_a_dialect_fingerprint():
    session = {"msg_sha256": "x", "helo": "1.2.3.4", "client_ip": "1.2.3.4",
               "transcript": [[0, "S", "220 trap ESMTP"], [5, "C", "HELO 1.2.3.4\n"],
                              [6, "S", "250 ok"], [7, "C", "MAIL FROM:<a@b.c>\n"]]}
    ev = _fp(session=session, client_ip="1.2.3.4", source_kind="trap")
    assert ev.smtp_dialect_fp and isinstance(json.loads(ev.smtp_dialect), dict)
    same = _fp(session=dict(session), client_ip="5.6.7.8", source_kind="trap")
    assert same.smtp_dialect_fp == ev.smtp_dialect_fp


@pytest.mark.parametrize("text", ["", "   ", "short text", "word " * 400, " " * 1200 + "late",
                                  "a" * 1500 + " b", "x\n\n\ty " * 300])
def test_excerpt_is_the_first_1000_characters_with_whitespace_collapsed(text):
    assert excerpt(text) == " ".join(text[:2000].split())[:1000]


@pytest.mark.parametrize("body", ["Short   body\n with  spaces, 123 http://x.example/1",
                                  "Long body 42 " * 1000])
def test_a_repeated_body_gives_the_same_excerpt_and_minhash(body):
    cfg = ParseConfig()
    first, second = (fingerprint(parse_message(RawMessage(
        data=make_message(body=body, subject=s), source="t"), cfg), cfg) for s in "ab")
    assert first.body_excerpt == second.body_excerpt == excerpt(body.replace("\n", "\r\n"))
    assert first.body_minhash == second.body_minhash and len(first.body_minhash) == 64
