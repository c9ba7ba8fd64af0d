"""The report's methodology and confidence section, stated from what was actually used."""

from __future__ import annotations

from typing import Any


def methodology(f: dict[str, Any]) -> list[str]:
    """Paragraphs: how each figure was obtained and how far to trust it."""
    g = f["headline"]["global_spam_per_day"]
    unit = (g.get("unit") or "messages").replace(" observed", "")
    if g.get("basis") == "estimated":
        volume = (f"World volumes are estimates in {unit}: each day's count at the sensors, "
                  "scaled by the calibration given in the configuration (the sensors' known "
                  "share of all targeted mailboxes, or a reference world total for one "
                  "period). Days of one level share their counts. Intervals are exact 95% "
                  "Poisson intervals on those counts, widened by the calibration's own "
                  "uncertainty and by how far the days' counts stray from their level "
                  "beyond Poisson noise; they do not cover errors in the calibration "
                  "itself, in attribution, or in where one level ends and the next begins, "
                  "so the true figure lies outside them more often than one day in twenty.")
    else:
        volume = ("No calibration covers this month (none was configured, or it names no "
                  "sensor that saw mail then), so volumes are what the sensors observed, "
                  f"in {unit}, not world totals.")
    return [
        volume,
        _rates(f["rates"]),
        "Botnet names come from analyst-readable signatures and from unsupervised sender "
        "clustering; clusters without a matching signature are reported as unknown-<n>. "
        "The share of spam from botnets counts spam attributed to any of them.",
        "Bot populations count distinct sending hosts over the month (an IPv4 address, "
        "or the /64 of an IPv6 address); the bots "
        "never seen are estimated from how many were seen on exactly one and on exactly "
        "two of its days (Chao's incidence estimator). Bots that send more are likelier "
        "to be seen, and the light senders never seen leave no trace, so the figures are "
        "lower bounds; NAT and dynamic addresses blur IPs and bots. Spam per bot per "
        "minute is the world's spam over the month's estimated bots, and so an upper "
        "bound.",
        "Events are found on each botnet's daily series: silences (takedown when silent to "
        "the end of the data for at least a week, pause and resume otherwise, new botnet "
        "when a series starts mid-period), sustained level shifts between 7-day windows "
        "(so weekday cycles cancel), changes of the category mix (content switch), and "
        "changes of the mix of SMTP dialects or header templates its bots send with "
        "(software switch). Times come from the "
        "hourly series. Displacement compares other botnets' output in the week after a "
        "stop with the week before.",
    ]


def _rates(rates: list[dict[str, Any]]) -> str:
    """How the spam, virus and phishing rates were measured, and on which sensors."""
    spam_rate = next((r for r in rates if r["metric"] == "spam_rate"), None)
    links = " Malicious links are counted over spam from all sensors."
    if spam_rate is not None and spam_rate["value"] is None and spam_rate["denominator"]:
        seen = next((r["basis"] for r in rates if r["metric"] == "virus_rate_1_in"),
                    "all observed mail")
        return ("No sensor sees all mail (there is no mixed feed), so no spam rate is "
                "measured, and the virus and phishing rates, with 95% intervals, are shares "
                f"of the mail the sensors saw ({seen}), mostly spam: they are "
                "not rates of all mail and read higher than a mail provider's would." + links)
    basis = spam_rate["basis"] if spam_rate else "no data"
    return (f"Spam, virus and phishing rates are measured on mail of the sensors that see all "
            f"mail ({basis}), with 95% intervals; virus and phishing rates are shares of spam "
            f"times the spam rate. {_spam_rate_bias(rates)}" + links)


def _spam_rate_bias(rates: list[dict[str, Any]]) -> str:
    """What the spam rate's interval leaves out, for the way it was measured: by
    corroboration when the month has a corroborated rate, else by the classifier."""
    if any(r["metric"] == "spam_rate_corroborated" for r in rates):
        return ("Spam there is the mail of campaigns the trap sensors also received, scaled "
                "up by the share of spam the traps' campaigns cover; wanted mail the "
                "classifier flags is left out, but spam aimed only at the feed's own users, "
                "which traps never receive, would be missed, and the intervals cover "
                "sampling only.")
    return ("Spam there is what the classifier flags (corrected for the spam it misses at "
            "the traps, where measured); the intervals cover sampling only, and wanted mail "
            "the classifier calls spam raises the spam rate beyond them, and with it the "
            "virus and phishing rates.")
