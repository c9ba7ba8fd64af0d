"""Charts as self-contained SVG text (no external assets, no JavaScript)."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

_COLORS = {"spam": "#c0392b", "ham": "#27ae60", "phish": "#8e44ad", "malware": "#2c3e50",
           "unknown": "#95a5a6"}


def daily_volume_svg(daily: list[dict[str, Any]], title: str) -> str:
    """Stacked bars of messages per day and class, as an SVG document string."""
    by_class: dict[str, dict] = defaultdict(dict)
    days = sorted({row["day"] for row in daily})
    for row in daily:
        by_class[row["class"]][row["day"]] = row["messages"]
    fig, ax = plt.subplots(figsize=(9, 3.2), dpi=100)
    bottom = [0] * len(days)
    for cls in sorted(by_class):
        values = [by_class[cls].get(d, 0) for d in days]
        ax.bar(days, values, bottom=bottom, label=cls, color=_COLORS.get(cls), width=0.9)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title(title)
    ax.set_ylabel("messages / day")
    if by_class:
        ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]
