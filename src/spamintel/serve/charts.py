"""Chart.js configurations of the dashboard's charts, built as plain data.

A page carries each one as JSON in a ``<script type="application/json">`` element and
``static/dashboard.js`` draws it, so no script is written into a page and every label
(a botnet's name is stored text) reaches the browser as data, never as markup.
"""

from __future__ import annotations

from typing import Any

from spamintel.serve.queries import Row

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac", "#1b9e77", "#d95f02", "#7570b3", "#e7298a",
           "#66a61e", "#e6ab02")
BAND = "rgba(78, 121, 167, 0.18)"
Config = dict[str, Any]
# A dataset with ``hiddenInLegend`` (the lower edge of an interval band) gets no legend
# entry: dashboard.js filters it out, as a function cannot travel in JSON.


def color(i: int) -> str:
    """The ``i``-th series colour (the palette repeats after 16)."""
    return PALETTE[i % len(PALETTE)]


def _options(y_title: str, stacked: bool = False, y1_title: str | None = None) -> Config:
    scales: Config = {
        "x": {"stacked": stacked, "ticks": {"maxRotation": 0, "autoSkipPadding": 12}},
        "y": {"stacked": stacked, "beginAtZero": True,
              "title": {"display": True, "text": y_title}},
    }
    if y1_title:
        scales["y1"] = {"position": "right", "beginAtZero": True,
                        "grid": {"drawOnChartArea": False},
                        "title": {"display": True, "text": y1_title}}
    return {"responsive": True, "maintainAspectRatio": False, "animation": False,
            "interaction": {"mode": "index", "intersect": False},
            "plugins": {"legend": {"position": "bottom"}}, "scales": scales}


def stacked_daily(rows: list[Row], botnets: list[str], unit: str) -> Config:
    """Spam per day stacked by botnet (``botnets`` in this order), the estimate where
    there is one, else what the sensors observed."""
    days = sorted({str(r["day"]) for r in rows})
    at = {d: i for i, d in enumerate(days)}
    datasets = []
    for i, name in enumerate(botnets):
        data: list[float | None] = [None] * len(days)
        for r in rows:
            if r["botnet"] == name:
                value = r["estimated"] if r["estimated"] is not None else r["observed"]
                data[at[str(r["day"])]] = value
        datasets.append({"label": name, "data": data, "backgroundColor": color(i),
                         "borderWidth": 0, "stack": "spam"})
    return {"type": "bar", "data": {"labels": days, "datasets": datasets},
            "options": _options(f"spam {unit} / day", stacked=True)}


def _band(rows: list[Row], keys: tuple[str, str, str], label: str) -> list[Config]:
    """A line (``keys[0]``) with its interval (``keys[1]``..``keys[2]``) as a band."""
    value, low, high = ([r[k] for r in rows] for k in keys)
    line = {"label": label, "data": value, "borderColor": color(0), "backgroundColor":
            color(0), "pointRadius": 0, "borderWidth": 2, "yAxisID": "y", "order": 0}
    if all(v is None for v in low + high):
        return [line]
    return [line,
            {"label": "95% interval (low)", "data": low, "borderWidth": 0, "pointRadius": 0,
             "fill": False, "yAxisID": "y", "order": 2, "hiddenInLegend": True},
            {"label": "95% interval", "data": high, "borderWidth": 0, "pointRadius": 0,
             "backgroundColor": BAND, "fill": "-1", "yAxisID": "y", "order": 1}]


def botnet_series(rows: list[Row]) -> Config:
    """One botnet's spam per day: the estimate with its interval (when calibrated) and
    the messages observed, on an axis of their own."""
    days = [str(r["day"]) for r in rows]
    unit = next((r["unit"] for r in rows if r.get("unit")), "messages")
    observed = {"type": "bar", "label": "observed", "data": [r["observed"] for r in rows],
                "backgroundColor": color(9), "yAxisID": "y1", "order": 3}
    if all(r["estimated"] is None for r in rows):
        observed["yAxisID"] = "y"
        return {"type": "line", "data": {"labels": days, "datasets": [observed]},
                "options": _options(f"{unit} observed / day")}
    lines = _band(rows, ("estimated", "low", "high"), f"estimated {unit} / day")
    return {"type": "line", "data": {"labels": days, "datasets": [*lines, observed]},
            "options": _options(f"estimated {unit} / day",
                                y1_title=f"{unit} observed / day")}


def bots_series(rows: list[Row]) -> Config:
    """Bots per day: the population estimate with its interval and the IPs seen (on an
    axis of their own: a day's sample sees a small part of the population)."""
    days = [str(r["day"]) for r in rows]
    lines = _band(rows, ("estimate", "low", "high"), "bots (estimate)")
    seen = {"label": "IPs observed", "data": [r["ips_observed"] for r in rows],
            "borderColor": color(1), "backgroundColor": color(1), "pointRadius": 0,
            "borderWidth": 1.5, "yAxisID": "y1", "order": 0}
    return {"type": "line", "data": {"labels": days, "datasets": [*lines, seen]},
            "options": _options("bots (estimate)", y1_title="IPs observed")}
