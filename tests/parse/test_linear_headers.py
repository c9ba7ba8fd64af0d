"""Hostile header values take time linear in their length, and read as they did.

Each reference pattern below is the one the parser used before (a regex search that
was quadratic on these inputs): on short random values the linear code must find
exactly what it found.
"""

from __future__ import annotations

import random
import re

import pytest

from spamintel.config import ParseConfig
from spamintel.model import RawMessage
from spamintel.parse import parse_message
from spamintel.parse.addresses import count_addresses, split_address
from spamintel.parse.dates import _without_trailing_comment, to_utc
from spamintel.parse.headers import decode_value
from spamintel.parse.received import _FROM, _comment, _helo_name, parse_hop

_BARE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w.-]+")
_ANGLE = re.compile(r"<\s*([^<>\s]*@[^<>\s]*)\s*>")
_TRAILING_COMMENT = re.compile(r"\s*\([^)]*\)\s*$")
_PAREN = re.compile(r"^\s*from\s+\S+\s*\(([^)]*)\)", re.I)
_HELO_EQ = re.compile(r"\(\s*helo\s*[=\s]\s*([^)\s]+)\s*\)", re.I)


def _values(pieces: list[str], count: int = 3000, most: int = 12) -> list[str]:
    rng = random.Random(7)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, most)))
            for _ in range(count)]


def _group(m: re.Match[str] | None, group: int = 1) -> str | None:
    return m.group(group) if m else None


def test_addresses_are_found_as_the_backtracking_patterns_found_them():
    for value in _values(["a", "@", "b.c", " ", "+", "<", ">", "\t", '"', "(", "é", "-"]):
        assert count_addresses(value) == (len(_BARE.findall(value)) if "@" in value else 0)
        display, addr = split_address(value)
        angle, bare = _ANGLE.search(value.strip()), _BARE.search(value.strip())
        if angle:
            assert addr == (angle.group(1).lower() or None)
        elif bare:
            assert addr == bare.group(0).lower()
        else:
            assert addr is None
    # a match may begin where the last one ended, inside a run of local-part characters
    assert count_addresses("a@b+c@d, x@y@z") == 3


def test_date_comments_and_received_comments_are_read_as_before():
    for value in _values(["a", "(", ")", " ", "\t", "\u00a0", "1"]):
        assert _without_trailing_comment(value.strip()) == \
            _TRAILING_COMMENT.sub("", value.strip())
    for value in _values(["(", ")", " ", "x", "=", "helo", "HELO", "a(", "=)", "\t"]):
        assert _helo_name(value) == _group(_HELO_EQ.search(value))
        text = "from " + value
        word = _FROM.match(text)
        if word:
            assert _comment(text, word) == _group(_PAREN.match(text))
    # a comment opened inside the HELO word; a name that is just "="
    assert parse_hop("from a(b c) by mx.example").rdns == "b"
    assert parse_hop("from x (helo = ) by mx.example").helo == "="


@pytest.mark.parametrize("work, make, n", [
    (split_address, lambda n: "a" * n, 5_000),
    (count_addresses, lambda n: "a" * n + " @", 5_000),
    (split_address, lambda n: "<" + "a@" * (n // 2), 5_000),
    (to_utc, lambda n: "(" * n, 10_000),
    (to_utc, lambda n: "a" + " " * n + "b", 5_000),
    (parse_hop, lambda n: "from " + "(" * n, 5_000),
    (parse_hop, lambda n: "from x " + "(helo=" * (n // 6), 10_000),
    (parse_hop, lambda n: "from x (helo" + " " * n + "x", 3_000),
], ids=["from-no-at", "to-no-at", "angle-many-at", "date-parens", "date-blanks",
        "received-parens", "received-helo-runs", "received-helo-blanks"])
def test_hostile_address_date_and_received_values_take_linear_time(assert_linear, work,
                                                                   make, n):
    assert_linear(work, make, n)


@pytest.mark.parametrize("make, n", [
    (lambda n: "=?utf-8?B?QQ==?= " * n, 10_000),  # n encoded words
    (lambda n: "=?a?q?x" * (n // 7), 10_000),     # n characters of unfinished words
], ids=["many-words", "unfinished-words"])
def test_encoded_words_take_linear_time(assert_linear, make, n):
    assert_linear(lambda value: decode_value(value, []), make, n)


def test_encoded_words_are_decoded_in_the_first_4096_characters_only():
    defects: list[str] = []
    assert decode_value("=?utf-8?B?w6k=?= <a@b.example>", defects) == "é <a@b.example>"
    assert defects == []
    value = "=?utf-8?q?caf=C3=A9?= " * 200 + "=?utf-8?q?tail?="  # 4,400 characters
    decoded = decode_value(value, defects)
    assert decoded.startswith("café" * 186) and decoded.endswith(" =?utf-8?q?tail?=")
    assert defects == ["long_encoded_header"]


_BASE = (b"From: a@b.example\nTo: c@d.example\nSubject: s\n"
         b"Date: Mon, 1 Jan 2024 00:00:00 +0000\n")


@pytest.mark.parametrize("field, make, n", [
    ("From", lambda n: "a" * n, 5_000),
    ("To", lambda n: "a" * n + " @", 5_000),
    ("Reply-To", lambda n: "a" * n, 5_000),
    ("Date", lambda n: "(" * n, 10_000),
    ("Received", lambda n: "from " + "(" * n, 5_000),
    ("Subject", lambda n: "=?utf-8?B?QQ==?= " * (n // 17), 170_000),
])
def test_a_message_with_one_hostile_header_parses_in_linear_time(assert_linear, field,
                                                                 make, n):
    """The tester's messages: one long header each (the first field of that name)."""
    def message(n: int) -> RawMessage:
        head = f"{field}: {make(n)}\n".encode()
        return RawMessage(data=head + _BASE + b"\nbody\n", source="hostile")
    assert_linear(lambda raw: parse_message(raw, ParseConfig()), message, n)
