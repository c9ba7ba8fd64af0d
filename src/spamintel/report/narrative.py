"""The report's prose, written from the figures: dates, magnitudes and names.

Plain text only; the HTML template escapes it like any other value.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

UNKNOWN_COUNTRY_NOTE = 0.05  # say how much spam has no known source country above this
BRIEF_CONFIDENCE = 0.5  # a takedown below this confidence ended a sender seen only briefly


def amount(x: float | None, unit: str = "") -> str:
    """A count in words-friendly form: 13.82bn, 4.1m, 12.3k."""
    if x is None:
        return "n/a"
    for div, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:.2f}{suffix}{unit}"
    return f"{x:.0f}{unit}"


def per_day(x: float | None) -> str:
    """A daily figure: ``amount``, with a decimal below ten (1.2 messages a day, not 1)
    and two significant digits below 0.1 (a message a month reads 0.032, not 0)."""
    if x is None or abs(x) >= 10:
        return amount(x)
    return f"{x:.2g}" if 0 < abs(x) < 0.1 else f"{x:.1f}"


def event_magnitude(e: dict) -> str:
    """An event's magnitude as the events table shows it: the change of level per day, or
    for a content or software switch the share of the mix that moved."""
    if e["type"] in ("content_switch", "software_switch"):
        return f"{pct(e['magnitude'], 0)} of mix"
    return f"{per_day(e['magnitude'])}/day"


def one_in(x: float | None) -> str:
    """A rate as "1 in N": one decimal below a thousand (1 in 208.9), whole numbers with
    thousands separators above (1 in 25,635)."""
    if x is None:
        return "n/a"
    return f"1 in {x:,.0f}" if x >= 1000 else f"1 in {x:.1f}"


def pct(x: float | None, digits: int = 1) -> str:
    """A share as a percentage."""
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"


def month_name(month: str) -> str:
    """``2011-03`` -> ``March 2011``."""
    year, mon = (int(x) for x in month.split("-"))
    return f"{calendar.month_name[mon]} {year}"


def day_name(iso: str) -> str:
    """``2011-03-16`` -> ``16 March``."""
    d = date.fromisoformat(iso)
    return f"{d.day} {calendar.month_name[d.month]}"


def negligible(change: float) -> bool:
    """Whether a change (a fraction, or points as a fraction) shows as 0.0 at one decimal
    in percent: it then reads "unchanged", not "up 0.0%"."""
    return round(abs(change) * 100, 1) == 0


def _change(rel: float | None, previous: str = "") -> str:
    """", up 3.2% on February 2011"; ", unchanged from ..." when it rounds to nothing."""
    if rel is None:
        return ""
    if negligible(rel):
        return ", unchanged" + (f" from {previous}" if previous else "")
    direction = "up" if rel > 0 else "down"
    return f", {direction} {abs(rel) * 100:.1f}%" + (f" on {previous}" if previous else "")


def _points(pts: float | None, signed: bool = False) -> str:
    """" (up 2.5 points)" (or " (+2.5 points)"), " (unchanged)" when it rounds to
    nothing, "" for none."""
    if pts is None:
        return ""
    if negligible(pts):
        return " (unchanged)"
    direction = ("+" if pts > 0 else "−") if signed else ("up " if pts > 0 else "down ")
    return f" ({direction}{abs(pts) * 100:.1f} points)"


# A day whose sensors were up for less than this part of the usual mail is told of.
PART_DAY_COVERAGE = 0.95


def _blind_days(f: dict[str, Any]) -> str:
    """Sentences naming the days of the month no sensor saw (all down), and those the
    sensors saw for part of only, if any."""
    days = [d for d in f["daily_totals"] if d["series"] == "global"]
    blind = [d["day"] for d in days if d["estimated"] is None]
    part = [d["day"] for d in days if d["estimated"] is not None
            and (d.get("coverage") or 1.0) < PART_DAY_COVERAGE]
    out = ""
    if blind:
        out += (f" No sensor saw any mail on {len(blind)} of its days ({_days(blind)}): the "
                "figures per day are means over the days the sensors saw.")
    if part:
        out += (f" On {len(part)} of its days ({_days(part)}) the sensors were down for part "
                "of the day, and their counts are scaled to the hours they were up.")
    return out


def _span(f: dict[str, Any]) -> str:
    """A sentence naming the part of the month the data cover, when it is not all of it."""
    if not f["totals"].get("first_day") or not f["totals"].get("last_day"):
        return ""
    first, last = (date.fromisoformat(f["totals"][k]) for k in ("first_day", "last_day"))
    days_in_month = calendar.monthrange(first.year, first.month)[1]
    if first.day == 1 and last.day == days_in_month:
        return ""
    return (f" The data cover only {day_name(first.isoformat())} to "
            f"{day_name(last.isoformat())} ({(last - first).days + 1} of the month's "
            f"{days_in_month} days): the figures per day are means over those days.")


def _days(isos: list[str]) -> str:
    """Up to five days by name, listed as a reader would."""
    return _listed([day_name(d) for d in isos[:5]] + (["others"] if len(isos) > 5 else []))


def _listed(names: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _volume(f: dict[str, Any]) -> str:
    h, ch = f["headline"], f["headline_change"]
    g = h["global_spam_per_day"]
    prev = month_name(f["previous_month"])
    if g.get("basis") == "estimated":
        return (f"In {month_name(f['month'])} the sensors' sample implies "
                f"{amount(g['value'])} spam {g['unit']} per day worldwide (95% interval "
                f"{amount(g['low'])}–{amount(g['high'])})"
                f"{_change(ch['global_spam_per_day_relative'], prev)}."
                f"{_span(f)}{_blind_days(f)}")
    if not g.get("value"):
        if g.get("value") is None and f["totals"].get("spam"):  # ingested since the analysis
            return (f"No analysis covers {month_name(f['month'])}: its "
                    f"{f['totals']['spam']:,} spam messages came after the last one.")
        return f"In {month_name(f['month'])} the sensors saw no spam."
    return (f"In {month_name(f['month'])} the sensors saw {per_day(g['value'])} spam messages "
            f"per day{_change(ch['global_spam_per_day_relative'], prev)}; no "
            f"calibration covers this month, so no world total is estimated.{_span(f)}")


def _rates(f: dict[str, Any]) -> str:
    h, ch = f["headline"], f["headline_change"]
    parts = []
    if h["spam_rate"] is not None:
        pts = ch["spam_rate_points"]
        trend = _points(pts, signed=True)
        parts.append(f"The spam rate of mixed mail feeds was {pct(h['spam_rate'])}{trend}.")
    if h["virus_rate_1_in"]:
        if h["spam_rate"] is None:
            parts.append("No sensor sees all mail, so these rates are of the mail the sensors "
                         "saw, mostly spam, not of all mail:")
        parts.append(f"{one_in(h['virus_rate_1_in']).capitalize()} messages carried malware")
        if h["phishing_rate_1_in"]:
            parts[-1] += f" and {one_in(h['phishing_rate_1_in'])} was phishing"
        parts[-1] += "."
    if h["malicious_link_share"] is not None:
        parts.append(f"{pct(h['malicious_link_share'])} of spam linked to a known malicious "
                     "site.")
    return " ".join(parts)


def _botnets(f: dict[str, Any]) -> str:
    h, ch, bots = f["headline"], f["headline_change"], f["botnets"]
    if not bots:
        return "No spam was attributed to a botnet this month."
    pts = ch["botnet_share_points"]
    trend = _points(pts)
    top = ", ".join(f"{b['name']} ({per_day(b['spam_per_day']['value'])}/day, "
                    f"{pct(b['share'])})" for b in bots[:4])
    return f"Botnets sent {pct(h['botnet_share'])} of spam{trend}. The largest were {top}."


def _taker(d: dict[str, Any]) -> str:
    text = d["botnet"]
    if d.get("share_before") is not None:
        text += f" (share of spam {pct(d['share_before'])} → {pct(d['share_after'])}"
        if d.get("increase", 0) > 0 and d.get("ratio"):
            text += f", output +{per_day(d['increase'])}/day"
        return text + ")"
    return text + f" (+{per_day(d.get('increase'))}/day)"


def _when(e: dict[str, Any]) -> str:
    when = day_name(e["date"])
    return when + (f" (about {e['time'][11:16]} UTC)" if e["time"] else "")


def _takedown(group: list[dict[str, Any]], unit: str) -> str:
    """One sentence for the botnets taken down together (same day and hour), largest
    first: their loss together in ``unit`` (messages, ...), and who took over (the same
    takers for all of them)."""
    group = sorted(group, key=lambda e: e["magnitude"] or 0)
    names = [e["botnet"] or "All spam" for e in group]
    lost = sum(abs(e["magnitude"] or 0) for e in group)
    who = _listed(names)
    brief = max(e["confidence"] or 0 for e in group) < BRIEF_CONFIDENCE
    short = (" after a short time in the data (perhaps a campaign's end, not a botnet's)"
             if brief else "")
    s = (f"On {_when(group[0])} {who} stopped sending and stayed silent{short}: a loss of about "
         f"{per_day(lost)} {unit} per day")
    if len(group) > 1:
        s += " (" + ", ".join(f"{n} {per_day(abs(e['magnitude'] or 0))}"
                              for n, e in zip(names, group, strict=True)) + ")"
    if group[0]["global_change"] is not None:
        s += f"; all spam {_change(group[0]['global_change'])[2:]} week on week"
    moved = [_taker(d) for d in group[0]["displaced_to"]]
    return s + (". Taking over: " + "; ".join(moved) + "." if moved else ".")


def _event(e: dict[str, Any], unit: str) -> str:
    when, name = _when(e), e["botnet"] or "All spam"
    lvl = f"{per_day(abs(e['magnitude'] or 0))} {unit}"
    texts = {
        "pause": f"On {when} {name} paused (about {lvl} per day before).",
        "resume": f"On {when} {name} resumed sending (about {lvl} per day).",
        "new_botnet": f"On {when} a new botnet, {name}, appeared (about {lvl} per day).",
        "surge": f"From {when} {name} rose{_change(e['magnitude_relative'])} ({e['detail']}).",
        "drop": f"From {when} {name} fell{_change(e['magnitude_relative'])} ({e['detail']}).",
        "content_switch": f"On {when} {name} switched content: {e['detail']}.",
        "software_switch": f"On {when} {name}'s bots changed the software they send with "
                           f"(signatures written for the old one stop matching): {e['detail']}.",
    }
    return texts.get(e["type"], f"{when}: {e['type']} of {name}.")


def _categories(f: dict[str, Any]) -> str:
    cats = f["categories"][:4]
    if not cats:
        return ""
    return "By content, spam was " + ", ".join(
        f"{c['category']} {pct(c['share'])}" for c in cats) + "."


def _geography(f: dict[str, Any]) -> str:
    cc = f.get("spam_countries") or []
    if not cc:
        return ""
    text = "The most spam came from " + ", ".join(
        f"{c['country']} ({pct(c['share'])})" for c in cc[:5]) + "."
    unknown = f.get("spam_country_unknown_share") or 0.0
    if unknown >= UNKNOWN_COUNTRY_NOTE:
        text += f" The source country of {pct(unknown)} of spam is not known."
    return text


def _unit(f: dict[str, Any]) -> str:
    """What the month's daily figures count: the calibration's unit, else messages."""
    return f["headline"]["global_spam_per_day"].get("unit") or "messages"


def _source(f: dict[str, Any]) -> str:
    """Where the figures come from, when not from real sensors."""
    source = f.get("data_source")
    return f"Simulated data: these figures come from {source}, not from real mail." if source \
        else ""


def narrative(f: dict[str, Any]) -> list[str]:
    """Paragraphs of the month's story."""
    paras = [_source(f), _volume(f), _rates(f), _botnets(f)]
    events = [e for e in f["events"] if e["scope"] == "botnet"]
    order = {"takedown": 0, "new_botnet": 1, "pause": 2, "resume": 3, "surge": 4,
             "content_switch": 5, "software_switch": 6}
    events.sort(key=lambda e: (order.get(e["type"], 9), e["date"]))
    together: dict[tuple, list[dict[str, Any]]] = {}
    for e in events:
        if e["type"] == "takedown":
            together.setdefault((e["date"], e["time"]), []).append(e)
    unit = _unit(f)
    told = [_takedown(g, unit) for g in together.values()]
    told += [_event(e, unit) for e in events if e["type"] != "takedown"]
    if told:
        paras.append(" ".join(told))
    paras += [_categories(f), _geography(f)]
    return [p for p in paras if p]
