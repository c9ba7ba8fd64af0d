"""Write a month's figures as HTML (one offline file), Markdown and JSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from spamintel.report.charts import daily_volume_svg

FORMATS = ("html", "md", "json")


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_json(figures: dict[str, Any]) -> str:
    """Figures as JSON text."""
    return json.dumps(figures, default=_default, indent=2, sort_keys=True)


def _md_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "_none_\n"
    cols = list(rows[0])
    esc = [[str(r[c]).replace("|", "\\|").replace("\n", " ") for c in cols] for r in rows]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(r) + " |" for r in esc]
    return "\n".join(lines) + "\n"


def to_markdown(figures: dict[str, Any]) -> str:
    """Figures as a Markdown document."""
    t = figures["totals"]
    parts = [f"# spamintel report — {figures['month']}\n",
             f"{t['messages']} messages ({t['spam']} spam or worse) from {t['client_ips']} "
             f"client IPs in {t['asns']} ASNs; {figures['quarantined']} quarantined.\n"]
    for key, title in (("top_asns", "Top sending ASNs"), ("top_countries", "Top countries"),
                       ("top_url_domains", "Top URL domains"),
                       ("top_attachment_types", "Top attachment types")):
        parts.append(f"\n## {title}\n\n" + _md_table(figures[key]))
    return "".join(parts)


def to_html(figures: dict[str, Any]) -> str:
    """Figures as one self-contained HTML page (inline SVG chart, autoescaped text)."""
    env = Environment(loader=PackageLoader("spamintel.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    chart = Markup(daily_volume_svg(figures["daily"], f"Messages per day, {figures['month']}"))
    return env.get_template("report.html.j2").render(f=figures, chart=chart)


def write_report(figures: dict[str, Any], out: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write the requested formats into ``out``; return the written paths."""
    out.mkdir(parents=True, exist_ok=True)
    writers = {"html": to_html, "md": to_markdown, "json": to_json}
    paths = []
    for fmt in formats:
        if fmt not in writers:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        path = out / f"report-{figures['month']}.{fmt}"
        path.write_text(writers[fmt](figures), encoding="utf-8")
        paths.append(path)
    return paths
