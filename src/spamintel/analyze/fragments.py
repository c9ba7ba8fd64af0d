"""A class's end that is another class's software switch.

Discovery may keep a small part of a botnet's mail apart as a class of its own (other
content, too few addresses to join the botnet on networks). When the botnet changes its
program, the header template that part was written in ends in both: the botnet's class
reports a ``software_switch``, and the small class falls silent for good, which reads as a
takedown. A takedown is read as the end of such a fragment when, within a day of it,
another class's software switch drops the template that carried most of the stopped
class's mail: the switching class wrote it in the weeks before and no longer does.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spamintel.analyze.changes import SeriesSet

# The stopped class's main template carries at least this share of its mail before the
# stop; the switching class wrote at least MIN_SHARE_BEFORE of its own mail in it before
# the switch and at most MAX_SHARE_AFTER after.
MAIN_SHARE = 0.5
MIN_SHARE_BEFORE = 0.1
MAX_SHARE_AFTER = 0.01


def without_fragment_ends(s: SeriesSet, events: list[dict], window: int) -> list[dict]:
    """``events`` less the takedowns that are the end of a fragment of a switching class;
    the switch's detail names the fragment."""
    switches = [e for e in events if e["type"] == "software_switch"]
    kept = []
    for e in events:
        owner = _switch_that_ended(s, e, switches, window) if e["type"] == "takedown" else None
        if owner is None:
            kept.append(e)
        else:
            owner["detail"] += (f"; the mail of {e['botnet']}, written in the dropped template, "
                                f"ended with it")
    return kept


def _switch_that_ended(s: SeriesSet, stop: dict, switches: list[dict], window: int
                       ) -> dict | None:
    main = _main_template(s, stop["botnet"], stop["date"], window)
    if main is None:
        return None
    for sw in switches:
        if sw["botnet"] == stop["botnet"] or abs(sw["date"] - stop["date"]) > timedelta(days=1):
            continue
        before = _shares(s, sw["botnet"], sw["date"], -window)
        after = _shares(s, sw["botnet"], sw["date"], window)
        if before.get(main, 0.0) >= MIN_SHARE_BEFORE and after.get(main, 0.0) <= MAX_SHARE_AFTER:
            return sw
    return None


def _main_template(s: SeriesSet, name: str, day: date, window: int) -> str | None:
    shares = _shares(s, name, day, -window)
    if not shares:
        return None
    template, share = max(shares.items(), key=lambda kv: kv[1])
    return template if share >= MAIN_SHARE else None


def _shares(s: SeriesSet, name: str, day: date, span: int) -> dict[str, float]:
    """Shares of ``name``'s mail by header template over ``span`` days after ``day``
    (from it), or before it when ``span`` is negative."""
    mixes = s.templates.get(name, [])
    if day not in s.days or not mixes:
        return {}
    i = s.days.index(day)
    lo, hi = (i + span, i) if span < 0 else (i, i + span)
    total: Counter[str] = Counter()
    for mix in mixes[max(lo, 0):hi]:
        total.update(mix)
    n = sum(total.values())
    return {k: v / n for k, v in total.items()} if n else {}
