"""A part's file name, read by the standard library's MIME parser, in linear time."""

from __future__ import annotations

from spamintel.config import ParseConfig
from spamintel.model import RawMessage
from spamintel.parse import parse_message


def _message(disposition: str) -> RawMessage:
    """A two-part message whose attachment's broken base64 makes the fast parser refuse
    it: the standard library's parser reads it (path ``stdlib``)."""
    data = ("From: a@b.example\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
            "boundary=XX\n\n--XX\nContent-Type: text/plain\n\nhi\n--XX\n"
            "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
            f"Content-Disposition: {disposition}\n\nQUFB!!!=\n--XX--\n").encode()
    return RawMessage(data=data, source="hostile")


def test_file_names_with_semicolons_inside_quotes_read_as_before():
    event = parse_message(_message('attachment; filename="a;b;c.exe"'), ParseConfig()).event
    assert event.parse_path == "stdlib"
    assert [a["filename"] for a in event.attachments] == ["a;b;c.exe"]
    # a value of more than 4,096 characters: the name is read from its first 4,096
    long_value = 'attachment; filename="a;b;c.exe"' + "; x=y" * 1000
    event = parse_message(_message(long_value), ParseConfig()).event
    assert [a["filename"] for a in event.attachments] == ["a;b;c.exe"]


def test_a_file_name_of_many_semicolons_inside_quotes_takes_linear_time(assert_linear):
    assert_linear(lambda raw: parse_message(raw, ParseConfig()),
                  lambda n: _message('attachment; filename="' + ";" * n + '"'), 10_000)


def _flood(n: int) -> RawMessage:
    """A part whose Content-Type line holds n/3 encoded-word starts ("=? ")."""
    data = (b"From: a@b.example\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\n"
            b"Content-Type: text/plain; name=\"" + b"=? " * (n // 3) + b"\"\n\nhi\n--XX--\n")
    return RawMessage(data=data, source="hostile")


def test_a_flood_of_encoded_word_starts_is_read_by_the_stdlib_in_linear_time(assert_linear):
    # fast-mail-parser took 0.2 s for 40,000 characters of "=? " on one line, 3.5 s for
    # 160,000: such a message goes to the standard library's parser
    event = parse_message(_flood(40_000), ParseConfig()).event
    assert event.parse_path == "stdlib"
    assert "fast_parser_refused:EncodedWordFlood" in event.parse_defects
    assert parse_message(_flood(3_000), ParseConfig()).event.parse_path == "fast"
    assert_linear(lambda raw: parse_message(raw, ParseConfig()), _flood, 40_000)
