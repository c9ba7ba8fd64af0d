"""How the report's rates read to a person: a name for each metric and its value in the
rate's own form ("1 in 208.9" for a "1 in N" rate, a percentage for a share). The JSON
keeps the metric keys and raw values; only the HTML, PDF and Markdown tables use these."""

from __future__ import annotations

from typing import Any

from spamintel.report.narrative import one_in, pct

RATE_LABELS = {
    "spam_rate": "Spam rate",
    "spam_rate_flagged": "Spam rate, mail the classifier flagged",
    "spam_rate_recall": "Spam rate, flagged mail over the classifier's recall",
    "spam_rate_corroborated": "Spam rate, corroborated by the traps' campaigns",
    "classifier_recall_traps": "Classifier recall on trap mail",
    "trap_coverage": "Trap mail in campaigns seen more than once",
    "virus_rate_1_in": "Virus rate",
    "virus_rate_1_in_direct": "Virus rate, mixed feeds alone",
    "phishing_rate_1_in": "Phishing rate",
    "phishing_rate_1_in_direct": "Phishing rate, mixed feeds alone",
    "malicious_link_share": "Spam with malicious links",
    "botnet_share": "Spam from botnets",
}


def rate_label(metric: str) -> str:
    """The metric's name for a reader; an unknown metric keeps its key."""
    return RATE_LABELS.get(metric, metric)


def _is_one_in(metric: str) -> bool:
    return "_1_in" in metric


def rate_value(metric: str, x: float | None) -> str:
    """A rate's value in its own form: "1 in N" or a percentage ("n/a" when missing)."""
    if x is None:
        return "n/a"
    if _is_one_in(metric):
        return one_in(x)
    return pct(x, 2 if abs(x) < 0.01 else 1)


def rate_interval(row: dict[str, Any]) -> str:
    """The 95% interval in the rate's form, or "" when the rate has none. A "1 in N"
    interval runs from the higher rate (smaller N) to the lower."""
    low, high = row.get("low"), row.get("high")
    if low is None or high is None:
        return ""
    metric = row["metric"]
    if _is_one_in(metric):
        return f"{one_in(low)} to {one_in(high)}"
    return f"{rate_value(metric, low)}–{rate_value(metric, high)}"
