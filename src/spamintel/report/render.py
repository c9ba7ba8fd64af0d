"""Write a month's figures as HTML (one offline file), PDF, Markdown and JSON."""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from spamintel.report.charts import botnet_daily_svg, daily_volume_svg
from spamintel.report.figures import MIN_SENDER_SHARE
from spamintel.report.narrative import (
    amount,
    event_magnitude,
    month_name,
    negligible,
    one_in,
    pct,
    per_day,
)
from spamintel.report.rate_labels import rate_interval, rate_label, rate_value

FORMATS = ("html", "pdf", "md", "json")


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def to_json(figures: dict[str, Any]) -> str:
    """Figures as JSON text (every figure; non-finite numbers become null)."""
    return json.dumps(_clean(figures), default=_default, indent=2, sort_keys=True)


def _num(x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x:.3g}" if abs(x) < 1000 else amount(x)


def _count(x: float | None) -> str:
    """A rate's numerator or denominator: a count of messages, or a figure per day (the
    botnet share's), which keeps its decimals when small."""
    return amount(x) if x is None or float(x).is_integer() else per_day(x)


def _ratio(x: float | None) -> str:
    return "n/a" if x is None else f"x{x:.2f}"


def senders(campaign: dict[str, Any]) -> str:
    """A campaign's botnets with their shares ("Bagle 62%, Lethic 37%"), then how much of
    it no botnet or only stray senders account for."""
    shares = campaign.get("botnet_shares")
    if shares is None:  # figures from before per-month shares
        return ", ".join(b for b in campaign.get("botnets") or [] if b)
    named = set(campaign.get("botnets") or [])
    parts = [f"{s['botnet']} {pct(s['share'])}" for s in shares if s["botnet"] in named]
    none = sum(s["share"] for s in shares if s["botnet"] is None)
    stray = [s for s in shares if s["botnet"] is not None and s["botnet"] not in named]
    if none:
        parts.append(f"no botnet {pct(none) if none >= 0.0005 else 'under 0.1%'}")
    if stray:
        others = "1 other" if len(stray) == 1 else f"{len(stray)} others"
        each = "" if len(stray) == 1 else " each"
        parts.append(f"{others} under {pct(MIN_SENDER_SHARE)}{each}")
    return ", ".join(parts)


FMT = SimpleNamespace(amount=amount, per_day=per_day, count=_count, pct=pct, num=_num,
                      ratio=_ratio, senders=senders, event_magnitude=event_magnitude,
                      rate_label=rate_label, rate_value=rate_value, rate_interval=rate_interval)


def _points(x: float | None) -> str:
    return _signed(x, " points")


def _rel(x: float | None) -> str:
    return _signed(x, "%")


def _signed(x: float | None, unit: str) -> str:
    """``x`` (a fraction) in percent with its sign, "unchanged" when it rounds to 0."""
    if x is None:
        return ""
    if negligible(x):
        return "unchanged"
    return f"{'+' if x > 0 else '−'}{abs(x) * 100:.1f}{unit}"


def headline_cards(f: dict[str, Any]) -> list[dict[str, str]]:
    """Headline figures as (value, label, change vs previous month) strings. A "1 in N"
    rate is compared by naming the previous month's N: a larger N is a lower rate, which
    a bare "+12%" would not make plain."""
    h, ch, prev = f["headline"], f["headline_change"], f["previous_month"]
    hp = f.get("headline_previous") or {}
    g = h["global_spam_per_day"]

    def vs(change: str) -> str:
        return f"{change} vs {prev}" if change else ""

    cards = [
        (per_day(g["value"]), f"spam {g['unit'] or 'messages'} / day",
         vs(_rel(ch["global_spam_per_day_relative"]))),
        (pct(h["spam_rate"]), "spam rate", vs(_points(ch["spam_rate_points"]))),
        (pct(h["botnet_share"]), "spam from botnets", vs(_points(ch["botnet_share_points"]))),
        (one_in(h["virus_rate_1_in"]), "virus rate", _was(h, hp, "virus_rate_1_in", prev)),
        (one_in(h["phishing_rate_1_in"]), "phishing rate",
         _was(h, hp, "phishing_rate_1_in", prev)),
        (pct(h["malicious_link_share"]), "spam with malicious links",
         vs(_points(ch["malicious_link_share_points"]))),
    ]
    return [{"value": v, "label": lab, "change": c} for v, lab, c in cards]


def _was(h: dict[str, Any], previous: dict[str, Any], key: str, prev: str) -> str:
    """"was 1 in N in YYYY-MM" for a "1 in N" rate that both months have."""
    if not h.get(key) or not previous.get(key):
        return ""
    return f"was {one_in(previous[key])} in {prev}"


# line breaks of any kind (CR, LF, NEL, U+2028/9) and other control characters: one
# would end a table row or start a heading
_MD_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|!])")


# characters that show nothing or reorder what follows (bidi overrides and isolates, marks):
# "invoice\u202efdp.exe" would show as "invoiceexe.pdf"
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e"
                        r"\u2066-\u2069]")


def visible(value: Any) -> Any:
    """Text as a reader should see it in HTML: control, bidi-override and direction-mark
    characters written as ``\\uXXXX``; markup the templates build and non-text pass as
    they are (Jinja's ``finalize``, before escaping)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    return value


def md_escape(text: str) -> str:
    """Text safe in Markdown: HTML's ``& < >`` as entities (a renderer that passes inline
    HTML through gets no tag from a message) and the characters that make emphasis,
    code, links, images and table cells backslash-escaped, so a subject line such as
    ``[click](javascript:...)`` shows as written and links nowhere. Line breaks and other
    control characters become one space: text stays on its line, in its table cell."""
    text = _MD_CONTROL.sub(" ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_cell(value: Any) -> str:
    if isinstance(value, float):
        value = str(int(value)) if value.is_integer() else _num(value)
    elif isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value[:8] if v is not None) + (
            ", ..." if len(value) > 8 else "")
    elif value is None:
        value = ""
    return md_escape(str(value)[:300])


def _md_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "_none_\n"
    cols = list(rows[0])
    esc = [[_md_cell(r[c]) for c in cols] for r in rows]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(r) + " |" for r in esc]
    return "\n".join(lines) + "\n"


def _md_shares(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their ``share`` column as a percentage, as the HTML shows it."""
    return [{k: pct(v) if k == "share" and v is not None else v for k, v in r.items()}
            for r in rows]


def _md_rates(f: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"metric": rate_label(r["metric"]), "value": rate_value(r["metric"], r["value"]),
             "95% interval": rate_interval(r),
             "count / of": f"{_count(r['numerator'])} / {_count(r['denominator'])}",
             "basis": r["basis"]} for r in f["rates"]]


def _md_botnets(f: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"botnet": b["name"], "bots": amount(b["bots"]["value"]),
             "spam/day": per_day(b["spam_per_day"]["value"]), "share": pct(b["share"]),
             "vs previous month": _ratio(b["change_vs_previous_month"])} for b in f["botnets"]]


def _md_campaigns(f: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"campaign": c["campaign_id"], "messages": c["messages"],
             "category": c.get("category"), "botnets": senders(c),
             "first – last": f"{c['first_day']} – {c['last_day']}",
             "subject example": c.get("subject")} for c in f["campaigns"]]


def _md_events(f: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"date": e["date"], "type": e["type"], "series": e["botnet"] or "all spam",
             "magnitude": event_magnitude(e), "confidence": e["confidence"],
             "displaced to": ", ".join(d["botnet"] for d in e["displaced_to"])}
            for e in f["events"]]


def to_markdown(figures: dict[str, Any]) -> str:
    """Figures as a Markdown document."""
    f = figures
    parts = [f"# Spam and botnet intelligence — {month_name(f['month'])}\n\n"]
    if f.get("data_source"):
        parts.append(f"> **Simulated data**: every figure below comes from "
                     f"{md_escape(f['data_source'])}, not from real mail.\n\n")
    parts += [f"- **{c['value']}** {c['label']} {c['change']}\n" for c in headline_cards(f)]
    parts += ["\n## Summary\n\n"] + [md_escape(p) + "\n\n" for p in f["narrative"]]
    sections = (("Top botnets", _md_botnets(f)), ("Events", _md_events(f)),
                ("Rates", _md_rates(f)), ("Categories", _md_shares(f["categories"])),
                ("Countries", _md_shares(f["spam_countries"])),
                ("Networks (ASNs)", _md_shares(f["top_asns"])),
                ("Campaigns of the month", _md_campaigns(f)), ("Sender clusters", f["clusters"]),
                ("Top URL domains in spam", f["top_url_domains"]),
                ("Top attachment types in spam", f["top_attachment_types"]))
    for title, rows in sections:
        parts.append(f"## {title}\n\n" + _md_table(rows) + "\n")
    parts += ["## Methodology and confidence\n\n"] + [md_escape(p) + "\n\n"
                                                      for p in f["methodology"]]
    return "".join(parts)


def to_html(figures: dict[str, Any]) -> str:
    """Figures as one self-contained HTML page (inline SVG charts, autoescaped text)."""
    env = Environment(loader=PackageLoader("spamintel.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), finalize=visible)
    f = figures
    month = month_name(f["month"])
    botnet_chart = Markup(botnet_daily_svg(f["daily"], f["daily_totals"], f["events"],
                                           f"Spam per day by botnet, {month}"))
    class_chart = Markup(daily_volume_svg(f["daily_by_class"],
                                          f"Messages stored per day, {month}"))
    return env.get_template("report.html.j2").render(
        f={**f, "month_name": month}, cards=headline_cards(f), fmt=FMT,
        botnet_chart=botnet_chart, class_chart=class_chart)


def check_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """``formats`` when each is one of ``FORMATS``; ValueError naming the first that is not."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    return formats


def write_report(figures: dict[str, Any], out: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write the requested formats into ``out``; return the written paths."""
    from spamintel.report.pdf import write_pdf

    check_formats(formats)
    out.mkdir(parents=True, exist_ok=True)
    writers = {"html": to_html, "md": to_markdown, "json": to_json}
    paths = []
    for fmt in formats:
        path = out / f"report-{figures['month']}.{fmt}"
        if fmt == "pdf":
            write_pdf(figures, path, to_html)
        else:
            path.write_text(writers[fmt](figures), encoding="utf-8")
        paths.append(path)
    return paths
