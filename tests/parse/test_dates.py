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


@pytest.mark.parametrize("text, iso", [
    ("Mon, 16 Apr 2007 09:55:18 +0530", "2007-04-16T04:25:18+00:00"),
    ("Mon, 16 Apr 2007 09:55:18 -0930", "2007-04-16T19:25:18+00:00"),
    ("1 Jan 2007 00:10 +0100", "2006-12-31T23:10:00+00:00"),
    ("31 Dec 9999 23:00:00 -0200", None),  # past the last representable day
    ("1 Jan 0001 00:00:00 +0100", None),
])
def test_zone_offsets_both_ways(text, iso):
    when = to_utc(text)
    assert (when.isoformat() if when else None) == iso


def test_a_date_is_read_the_same_each_time_and_in_any_digits():
    text = "Sun, 8 Apr 2007 13:21:30 -0400"
    assert to_utc(text) == to_utc(text) == to_utc("Sun, \u0668 Apr 2007 13:21:30 -0400")
    assert to_utc("Sun, 8 Apr 2007 24:21:30 -0400") is None  # hour out of range
