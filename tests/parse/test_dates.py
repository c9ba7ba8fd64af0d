import pytest

from spamintel.parse.dates import to_utc


@pytest.mark.parametrize("text, iso", [
    ("Sun, 8 Apr 2007 13:21:30 -0400 (EDT)", "2007-04-08T17:21:30+00:00"),
    ("8 Apr 2007 13:21:30", "2007-04-08T13:21:30+00:00"),
])
def test_dates_to_utc(text, iso):
    assert to_utc(text).isoformat() == iso


@pytest.mark.parametrize("text", [None, "", "(comment only)", "not a date", "Sun, 99 Foo 0 x"])
def test_unreadable_dates_are_none(text):
    assert to_utc(text) is None
