"""The report as PDF: the HTML rendered by weasyprint, or, where weasyprint or its system
libraries (Pango) are missing, the same content laid out with matplotlib."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_pdf import PdfPages

from spamintel.report.charts import botnet_daily_figure, plt
from spamintel.report.narrative import amount, event_magnitude, month_name, pct, per_day

A4 = (8.27, 11.69)
LINES_PER_PAGE = 70


def weasyprint_available() -> bool:
    """Whether weasyprint imports (its Pango libraries load on import)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def write_pdf(figures: dict[str, Any], path: Path, to_html: Callable[[dict], str],
              renderer: str = "auto") -> str:
    """Write the PDF; return the renderer used (``weasyprint`` or ``matplotlib``)."""
    if renderer in ("auto", "weasyprint") and weasyprint_available():
        from weasyprint import HTML

        HTML(string=to_html(figures)).write_pdf(str(path))
        return "weasyprint"
    if renderer == "weasyprint":
        raise RuntimeError("weasyprint is not available")
    write_matplotlib_pdf(figures, path)
    return "matplotlib"


def _text_lines(f: dict[str, Any]) -> list[str]:
    from spamintel.report.render import headline_cards

    lines = [f"Spam and botnet intelligence — {month_name(f['month'])}", ""]
    lines += [f"  {c['value']:>14}  {c['label']}  {c['change']}" for c in headline_cards(f)]
    lines += ["", "Summary"]
    for p in f["narrative"]:
        lines += textwrap.wrap(p, 95) + [""]
    lines += ["Top botnets",
              f"  {'botnet':<16}{'bots':>10}{'spam/day':>12}{'share':>9}{'vs prev':>9}"]
    for b in f["botnets"]:
        ch = b["change_vs_previous_month"]
        lines.append(f"  {b['name'][:16]:<16}{amount(b['bots']['value']):>10}"
                     f"{per_day(b['spam_per_day']['value']):>12}{pct(b['share']):>9}"
                     f"{'n/a' if ch is None else f'x{ch:.2f}':>9}")
    lines += ["", "Events"]
    for e in f["events"]:
        moved = ", ".join(d["botnet"] for d in e["displaced_to"])
        lines.append(f"  {e['date']} {e['type']:<15}{(e['botnet'] or 'all spam')[:16]:<17}"
                     f"{event_magnitude(e):>14}  conf {e['confidence']}"
                     + (f"  -> {moved}" if moved else ""))
    lines += ["", "Categories"] + [f"  {c['category']:<16}{pct(c['share']):>8}"
                                   for c in f["categories"]]
    lines += ["", "Countries"] + [f"  {c['country']:<16}{pct(c['share']):>8}"
                                  for c in f["spam_countries"]]
    lines += ["", "Methodology and confidence"]
    for p in f["methodology"]:
        lines += textwrap.wrap(p, 95) + [""]
    return lines


def _text_page(pdf: PdfPages, lines: list[str]) -> None:
    fig = plt.figure(figsize=A4)
    fig.text(0.05, 0.97, "\n".join(lines), va="top", ha="left", family="monospace",
             fontsize=7.5)
    pdf.savefig(fig)
    plt.close(fig)


def write_matplotlib_pdf(figures: dict[str, Any], path: Path) -> None:
    """The report's content as a text-and-chart PDF made with matplotlib only."""
    lines = _text_lines(figures)
    with PdfPages(path, metadata={"Title": f"spamintel report {figures['month']}"}) as pdf:
        for i in range(0, len(lines), LINES_PER_PAGE):
            _text_page(pdf, lines[i:i + LINES_PER_PAGE])
        chart = botnet_daily_figure(figures["daily"], figures["daily_totals"],
                                    figures["events"],
                                    f"Spam per day by botnet, {month_name(figures['month'])}")
        pdf.savefig(chart)
        plt.close(chart)
