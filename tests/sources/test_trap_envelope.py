"""Lenient MAIL/RCPT argument parsing."""

import pytest

from spamintel.sources.trap.envelope import domain_of, parse_path


@pytest.mark.parametrize("verb,arg,want", [
    ("MAIL", "FROM:<a@b.example>", ("a@b.example", [])),
    ("MAIL", "FROM: <a@b.example> SIZE=10 BODY=8BITMIME",
     ("a@b.example", ["SIZE=10", "BODY=8BITMIME"])),
    ("MAIL", "from:a@b.example", ("a@b.example", [])),
    ("MAIL", "FROM : <>", ("", [])),
    ("MAIL", "FROM:<a@b.example", ("a@b.example", [])),
    ("RCPT", "TO:<@relay.example:x@trap.test>", ("x@trap.test", [])),
    ("RCPT", "to: x@trap.test", ("x@trap.test", [])),
])
def test_sloppy_forms_are_accepted(verb, arg, want):
    assert parse_path(verb, arg) == want


@pytest.mark.parametrize("verb,arg", [("MAIL", None), ("MAIL", "<a@b>"), ("RCPT", "FROM:<a@b>")])
def test_missing_keyword_is_refused(verb, arg):
    assert parse_path(verb, arg) is None


def test_domain_of():
    assert domain_of("X@Trap.Test.") == "trap.test"
    assert domain_of("postmaster") == ""
