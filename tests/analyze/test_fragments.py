"""A takedown that is the end of a fragment of a class whose software switched."""

from datetime import date, timedelta

import numpy as np

from spamintel.analyze.changes import SeriesSet
from spamintel.analyze.fragments import without_fragment_ends

DAYS = [date(2011, 6, 1) + timedelta(days=i) for i in range(40)]
SWITCH = 20
OLD, NEW, OTHER = "from:to:subject:date", "date:from:to:message-id:subject", "to:from:subject"


def _series(b_before: dict[str, int], b_after: dict[str, int], a_template: str) -> SeriesSet:
    templates = {
        "big": [b_before if i < SWITCH else b_after for i in range(len(DAYS))],
        "small": [{a_template: 2} if i < SWITCH else {} for i in range(len(DAYS))],
    }
    zeros = np.zeros(len(DAYS))
    return SeriesSet(days=DAYS, daily={"big": zeros, "small": zeros}, global_daily=zeros,
                     hourly={}, categories={}, unit="messages", templates=templates)


def _events() -> list[dict]:
    day = DAYS[SWITCH]
    return [{"type": "software_switch", "botnet": "big", "date": day, "detail": "switched"},
            {"type": "takedown", "botnet": "small", "date": day + timedelta(days=1),
             "detail": "silent"}]


def test_the_end_of_a_class_in_the_template_another_class_dropped_is_no_takedown():
    s = _series({OLD: 50, NEW: 0, OTHER: 50}, {NEW: 100}, OLD)
    kept = without_fragment_ends(s, _events(), 7)
    assert [e["type"] for e in kept] == ["software_switch"]
    assert "the mail of small, written in the dropped template, ended with it" in kept[0]["detail"]


def test_a_takedown_stays_when_the_switch_dropped_another_template():
    s = _series({OLD: 50, OTHER: 50}, {OLD: 50, NEW: 50}, OLD)
    assert [e["type"] for e in without_fragment_ends(s, _events(), 7)] == [
        "software_switch", "takedown"]


def test_a_takedown_stays_when_its_template_was_never_the_switching_classs():
    s = _series({OLD: 100}, {NEW: 100}, OTHER)
    assert [e["type"] for e in without_fragment_ends(s, _events(), 7)] == [
        "software_switch", "takedown"]
