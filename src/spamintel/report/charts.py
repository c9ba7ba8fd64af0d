"""Charts as matplotlib figures, and as self-contained SVG text (no external assets)."""

from __future__ import annotations

import functools
import io
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any, ParamSpec

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

_COLORS = {"spam": "#c0392b", "ham": "#27ae60", "phish": "#8e44ad", "malware": "#2c3e50",
           "unknown": "#95a5a6"}
_EVENT_COLORS = {"takedown": "#c0392b", "pause": "#e67e22", "resume": "#27ae60",
                 "new_botnet": "#2980b9", "surge": "#8e44ad", "content_switch": "#7f8c8d",
                 "software_switch": "#16a085"}
MAX_STACKED = 8
_MARKED = ("takedown", "pause", "resume", "new_botnet")
P = ParamSpec("P")


def _plain_text(build: Callable[P, Figure]) -> Callable[P, Figure]:
    """``build`` with every text of its figure taken as written: a botnet or campaign name
    such as ``Spam $\\alpha^$`` is no TeX (matplotlib would parse it, and fail)."""
    @functools.wraps(build)
    def plain(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with plt.rc_context({"text.parse_math": False}):
            return build(*args, **kwargs)
    return plain


def to_svg(fig: Figure) -> str:
    """An SVG document string of ``fig`` (and close it)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


@_plain_text
def daily_volume_figure(daily: list[dict[str, Any]], title: str) -> Figure:
    """Stacked bars of messages per day and class."""
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
    return fig


def daily_volume_svg(daily: list[dict[str, Any]], title: str) -> str:
    """Stacked bars of messages per day and class, as an SVG document string."""
    return to_svg(daily_volume_figure(daily, title))


def _stack(daily: list[dict[str, Any]], others: list[dict[str, Any]]):
    """Days, per-botnet value lists (largest first, the tail merged) and the label."""
    key = "estimated" if any(r["estimated"] is not None for r in daily + others) else "observed"
    days = sorted({r["day"] for r in daily + others})
    per: dict[str, dict[str, float]] = defaultdict(dict)
    for r in daily:
        per[r["botnet"]][r["day"]] = r[key] or 0.0
    for r in others:
        if r.get("series") == "nonbotnet":
            per["(not a botnet)"][r["day"]] = r[key] or 0.0
    names = sorted(per, key=lambda n: -sum(per[n].values()))
    if len(names) > MAX_STACKED:
        rest = names[MAX_STACKED - 1:]
        per["(other botnets)"] = {d: sum(per[n].get(d, 0.0) for n in rest) for d in days}
        names = names[:MAX_STACKED - 1] + ["(other botnets)"]
    return days, [(n, [per[n].get(d, 0.0) for d in days]) for n in names], key


@_plain_text
def botnet_daily_figure(daily: list[dict[str, Any]], others: list[dict[str, Any]],
                        events: list[dict[str, Any]], title: str) -> Figure:
    """Stacked daily spam by botnet, events marked by vertical lines."""
    days, stack, key = _stack(daily, others)
    x = np.array([date.fromisoformat(d) for d in days])
    unit = next((r["unit"] for r in daily + others), "messages")
    top = max((max(v) for _, v in stack), default=0.0)
    div, prefix = (1e9, "bn ") if top >= 1e9 else ((1e6, "m ") if top >= 1e6 else (1, ""))
    fig, ax = plt.subplots(figsize=(10, 4.2), dpi=100)
    if stack:
        ax.stackplot(x, [[y / div for y in v] for _, v in stack],
                     labels=[n for n, _ in stack], alpha=0.85)
        ax.legend(loc="upper left", fontsize=7, ncol=1, bbox_to_anchor=(1.0, 1.0))
    shown = {n for n, _ in stack}
    for e in events:
        if (e["scope"] == "botnet" and e["type"] in _MARKED and e["botnet"] in shown):
            day = date.fromisoformat(e["date"])
            ax.axvline(mdates.date2num(day), color=_EVENT_COLORS[e["type"]], linestyle="--",
                       linewidth=1)
            ax.annotate(f"{e['type']}: {e['botnet']}", (day, 0),
                        xytext=(2, 4), textcoords="offset points", rotation=90, fontsize=7)
    ax.set_title(title)
    ax.set_ylabel(f"{prefix}{unit} / day ({key})")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def botnet_daily_svg(daily, others, events, title: str) -> str:
    """``botnet_daily_figure`` as an SVG document string."""
    return to_svg(botnet_daily_figure(daily, others, events, title))
