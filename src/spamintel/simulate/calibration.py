"""Check a world's truth against the calibration figures its scenario declares.

Metrics (all over the days ``from``..``to`` inclusive): ``spam_bn`` mean spam bn/day;
``group_bn`` a group's mean bn/day; ``group_share`` its share of spam; ``botnet_share``
share of spam sent by botnets; ``spam_rate`` spam share of all mail; ``virus_1_in`` and
``phish_1_in`` all mail per malware / phishing message; ``pharma_share`` pharma share of spam;
``country_share`` the share of spam sent from the country named in ``group``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from spamintel.simulate.scenario import Scenario, Target


@dataclass(frozen=True)
class Check:
    """One calibration figure: declared value, value in the truth, relative error."""

    target: Target
    actual: float

    @property
    def ok(self) -> bool:
        """True when the truth is within the target's tolerance."""
        return self.rel_error <= self.target.tolerance

    @property
    def rel_error(self) -> float:
        """``|actual - declared| / declared``."""
        return (
            abs(self.actual - self.target.value) / self.target.value if self.target.value else 0.0
        )


def _window(rows: list[dict], start: date, end: date) -> list[dict]:
    return [r for r in rows if start <= r["day"] <= end]


def metric(rows: list[dict], t: Target) -> float:
    """The value of ``t.metric`` over ``rows`` (daily truth rows in the target's window)."""
    days = len({r["day"] for r in rows}) or 1
    spam = sum(r["messages"] for r in rows if r["kind"] != "legit")
    total = sum(r["messages"] for r in rows)
    if t.metric == "spam_bn":
        return spam / days / 1e9
    if t.metric == "group_bn":
        return sum(r["messages"] for r in rows if r["botnet"] == t.group) / days / 1e9
    if t.metric == "group_share":
        return sum(r["messages"] for r in rows if r["botnet"] == t.group) / spam
    if t.metric == "botnet_share":
        return sum(r["messages"] for r in rows if r["kind"] == "botnet") / spam
    if t.metric == "spam_rate":
        return spam / total
    if t.metric == "virus_1_in":
        return total / sum(r["messages"] for r in rows if r["category"] == "malware")
    if t.metric == "phish_1_in":
        return total / sum(r["messages"] for r in rows if r["category"] == "phishing")
    if t.metric == "pharma_share":
        return sum(r["messages"] for r in rows if r["category"] == "pharma") / spam
    raise ValueError(f"unknown calibration metric {t.metric!r}")


def check(scen: Scenario, daily: pa.Table, countries: pa.Table | None = None) -> list[Check]:
    """Every calibration target of the scenario with its value in the truth tables
    (``country_share`` targets need ``countries``; without it they are skipped)."""
    rows = daily.to_pylist()
    by_cc = countries.to_pylist() if countries is not None else None
    out = []
    for t in scen.targets:
        if t.metric == "country_share":
            if by_cc is not None:
                out.append(Check(t, country_share(_window(by_cc, t.start, t.end), t.group)))
            continue
        out.append(Check(t, metric(_window(rows, t.start, t.end), t)))
    return out


def country_share(rows: list[dict], country: str) -> float:
    """Share of spam sent from ``country`` over country-table rows."""
    total = sum(r["messages"] for r in rows)
    return sum(r["messages"] for r in rows if r["country"] == country) / total if total else 0.0


def table_markdown(checks: list[Check]) -> str:
    """The checks as a Markdown table."""
    lines = [
        "| metric | group | window | declared | simulated | error | tolerance | source |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for c in checks:
        t = c.target
        lines.append(
            f"| {t.metric} | {t.group} | {t.start}..{t.end} | {t.value:g} | "
            f"{c.actual:.4g} | {c.rel_error:.2%} | {t.tolerance:.0%} | {t.source} |"
        )
    return "\n".join(lines)
