"""Monthly rates: spam rate of mixed feeds, virus and phishing as "1 in N", the share of
spam carrying a malicious link, the share of spam sent by botnets, and category shares.

Rates "of all mail" (spam, virus, phishing) need sensors that see all mail: the mixed
sensors named in the calibration, or else those where the classifier calls at least
``store.spam.HAM_MIN_SHARE`` of the mail ham.
The spam rate of a mixed feed is measured two ways, each with its own bias:

- by corroboration (``spam_rate_corroborated``, ``analyze/corroboration.py``): the feed's
  mail in campaigns the traps also received, over the share of spam those campaigns
  cover. Wanted mail the classifier flags stays out; spam aimed at the feed's users that
  traps never receive would be missed.
- by the classifier (``spam_rate_recall``): the flagged share divided by the classifier's
  spam recall, measured the same month at the traps (every message a trap receives is
  spam) on mail it was not tuned on. Wanted mail the classifier flags counts as spam.

``spam_rate`` is the corroborated rate where the month's traps received at least
``MIN_RECALL_SAMPLE`` messages covering at least ``MIN_COVERAGE`` of spam, else the
recall-corrected one (else the flagged share, ``spam_rate_flagged``). Virus and phishing
rates combine the spam rate with the share of spam carrying malware or phishing over all
sensors (see ``monthly_rates``). Without mixed sensors, virus and phishing rates are
computed over all observed mail and say so in ``basis``, and the spam rate is left empty.
Intervals are Wilson 95% score intervals, and for products and ratios 95% intervals of the
log (delta method).
"""

from __future__ import annotations

import math

from spamintel.analyze.corroboration import Corroboration, trap_corroboration
from spamintel.analyze.estimate import Z95
from spamintel.store.spam import VERDICT_SPAM_SQL, spam_sql, trap_sql

# Trap messages a month needs before its classifier recall corrects the spam rate, or its
# campaigns corroborate a mixed feed's spam.
MIN_RECALL_SAMPLE = 200
# Share of spam the traps' campaigns must cover before corroboration measures the rate.
MIN_COVERAGE = 0.5
# Phishing: the phishing verdict, or unwanted mail the category rules call phishing (the
# same messages the category table counts as phishing), that leads to someone else: an
# attachment (a form), a link flagged malicious (feed, look-alike or homoglyph host), or a
# link to a domain other than the From address's. A letter that only asks for a reply
# (advance-fee fraud, its own category "419" as in the reference rates) and a notice whose
# links all stay on its sender's own domain (a shop's password notice) are not phishing
# attacks; about 1% of real phishing (phishing_pot, Nazario) links only to its From
# domain unflagged. Events without parse data (no URL count) keep the verdict alone.
_OWN_DOMAIN = "(lower(from_addr) LIKE ('%@' || d) OR lower(from_addr) LIKE ('%.' || d))"
_LEADS_ELSEWHERE = (
    "(n_urls IS NULL OR coalesce(n_attachments, 0) > 0 OR coalesce(has_malicious_link, FALSE)"
    " OR (n_urls > 0 AND (from_addr IS NULL OR len(coalesce(url_domains, [])) = 0 OR"
    f" list_bool_or(list_transform(url_domains, lambda d: NOT {_OWN_DOMAIN})))))")
PHISH_SQL = ("((is_phish OR verdict = 'phish' OR (verdict <> 'ham' AND category = 'phishing'))"
             f" AND {_LEADS_ELSEWHERE})")


def wilson(k: int, n: int) -> tuple[float | None, float | None, float | None]:
    """Proportion ``k/n`` with its Wilson 95% interval (Nones when ``n`` is 0)."""
    if n <= 0:
        return None, None, None
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return p, max(0.0, centre - half), min(1.0, centre + half)


def _row(month, metric, value, low, high, k, n, basis):
    return {"month": month, "metric": metric, "value": value, "low": low, "high": high,
            "numerator": k, "denominator": n, "basis": basis}


def _one_in(month, metric, k, n, basis):
    p, lo, hi = wilson(k, n)
    if not p:
        return _row(month, metric, None, None, None, k, n, basis)
    return _row(month, metric, 1 / p, 1 / hi if hi else None, 1 / lo if lo else None, k, n,
                basis)


def _log_interval(value: float, rel_vars: list[float]) -> tuple[float, float]:
    """95% interval of a product or ratio of proportions from the variances of their logs."""
    half = Z95 * math.sqrt(sum(rel_vars))
    return value * math.exp(-half), value * math.exp(half)


def _log_var(k: int, n: int) -> float:
    """Variance of log(k/n) for a binomial proportion (delta method)."""
    return (1 - k / n) / k


def corrected_spam_rate(flagged: int, n: int, recall: tuple[int, int] | None
                        ) -> tuple[float | None, float | None, float | None, float]:
    """Spam rate of a mixed feed from ``flagged`` of ``n`` messages and the classifier's
    spam recall (``(flagged, all)`` trap messages): ``(rate, low, high, var of log)``.
    Without a usable recall (fewer than ``MIN_RECALL_SAMPLE`` trap messages) it is the
    flagged share itself."""
    if n <= 0:
        return None, None, None, 0.0
    if not flagged:
        p, lo, hi = wilson(flagged, n)
        return p, lo, hi, 0.0
    if recall is None or recall[1] < MIN_RECALL_SAMPLE or not recall[0]:
        p, lo, hi = wilson(flagged, n)
        return p, lo, hi, _log_var(flagged, n)
    k, m = recall
    value = min(1.0, (flagged / n) / (k / m))
    var = _log_var(flagged, n) + _log_var(k, m)
    lo, hi = _log_interval(value, [var])
    return value, lo, min(1.0, hi), var


def corroborated_spam_rate(c: Corroboration | None
                           ) -> tuple[float, float, float, float] | None:
    """Spam rate of a mixed feed from its mail in campaigns the traps received, over the
    traps' coverage of spam (``analyze/corroboration.py``): ``(rate, low, high, var of
    log)``. None when the month's traps received fewer than ``MIN_RECALL_SAMPLE``
    messages, covered less than ``MIN_COVERAGE`` of spam, or corroborated nothing."""
    if (c is None or c.trap_messages < MIN_RECALL_SAMPLE or c.coverage < MIN_COVERAGE
            or not c.corroborated):
        return None
    value = min(1.0, c.corroborated / c.feed_messages / c.coverage)
    var = _log_var(c.corroborated, c.feed_messages) + c.coverage_log_var
    lo, hi = _log_interval(value, [var])
    return value, lo, min(1.0, hi), var


def _via_spam(month, metric, k_spam, spam_all, rate, basis):
    """1 in N of all mail as (share of spam, all sensors) x (spam rate, mixed feeds)."""
    value_rate, _, _, rate_var = rate
    if not k_spam or not spam_all or not value_rate:
        return _row(month, metric, None, None, None, k_spam, spam_all, basis)
    value = k_spam / spam_all * value_rate
    lo, hi = _log_interval(value, [_log_var(k_spam, spam_all), rate_var])
    return _row(month, metric, 1 / value, 1 / hi, 1 / lo, k_spam, spam_all, basis)


def trap_recall(con, mixed: list[str]) -> dict[str, tuple[int, int]]:
    """Month -> (trap messages the classifier calls spam, all trap messages), over the
    traps that are not mixed feeds: the classifier's spam recall on that month's spam."""
    return {m: (int(k), int(n)) for m, k, n in con.execute(f"""
        SELECT strftime(day, '%Y-%m'), count(*) FILTER (WHERE {VERDICT_SPAM_SQL}), count(*)
        FROM events WHERE day IS NOT NULL AND {trap_sql(mixed)} GROUP BY 1""").fetchall()}


def monthly_rates(con, mixed: list[str], botnet_share: dict[str, tuple[float, float]]
                  ) -> list[dict]:
    """Rate rows per month; ``botnet_share`` maps month to (botnet spam, all spam).

    With mixed feeds, the spam rate is measured by corroboration or corrected for the
    classifier's spam recall at the traps (module docstring), and virus and phishing rates
    of all mail are the share of spam carrying them (over every sensor: a far larger
    sample) times that spam rate, on the premise that such mail arrives as spam; the
    direct count on the mixed feeds alone is kept as ``*_direct``.
    """
    if not mixed:
        return _unmixed_rates(con) + _common_rows(con, mixed, botnet_share)
    basis = "mixed feeds: " + ", ".join(mixed)
    phish_sql = PHISH_SQL
    spam_all = {m: (n, v, ph) for m, n, v, ph in con.execute(f"""
            SELECT strftime(day, '%Y-%m'), count(*), count(*) FILTER (WHERE is_virus),
                   count(*) FILTER (WHERE {phish_sql})
            FROM events WHERE day IS NOT NULL AND {spam_sql(mixed)} GROUP BY 1""").fetchall()}
    recall = trap_recall(con, mixed)
    corroboration = trap_corroboration(con, mixed)
    rows = []
    for month, n, spam, virus, phish in con.execute(f"""
            SELECT strftime(day, '%Y-%m'), count(*), count(*) FILTER (WHERE {spam_sql(mixed)}),
                   count(*) FILTER (WHERE is_virus), count(*) FILTER (WHERE {phish_sql})
            FROM events WHERE day IS NOT NULL AND sensor IN (SELECT unnest(?))
            GROUP BY 1 ORDER BY 1""", [mixed]).fetchall():
        measures = (recall.get(month), corroboration.get(month))
        rows += _mixed_month(month, n, spam, virus, phish, spam_all.get(month), measures,
                             basis)
    return rows + _common_rows(con, mixed, botnet_share)


def _mixed_month(month: str, n: int, spam: int, virus: int, phish: int,
                 spam_all: tuple[int, int, int] | None,
                 measures: tuple[tuple[int, int] | None, Corroboration | None],
                 basis: str) -> list[dict]:
    """The spam, virus and phishing rows of one month at the mixed feeds; ``measures`` is
    the month's trap recall and corroboration (either may be None)."""
    rows, rate = _spam_rate_rows(month, n, spam, *measures, basis)
    if spam_all:
        sn, sv, sp = spam_all
        via = f"share of spam (all sensors) x spam rate ({basis})"
        rows.append(_via_spam(month, "virus_rate_1_in", sv, sn, rate, via))
        rows.append(_via_spam(month, "phishing_rate_1_in", sp, sn, rate, via))
    rows.append(_one_in(month, "virus_rate_1_in_direct", virus, n, basis))
    rows.append(_one_in(month, "phishing_rate_1_in_direct", phish, n, basis))
    return rows


def _spam_rate_rows(month: str, n: int, spam: int, recall: tuple[int, int] | None,
                    corroboration: Corroboration | None, basis: str
                    ) -> tuple[list[dict], tuple]:
    """The spam rate rows of one month, and the rate the virus and phishing rates use."""
    rows = [_row(month, "spam_rate_flagged", *wilson(spam, n), spam, n, basis)]
    by_recall = corrected_spam_rate(spam, n, recall)
    if recall:
        rows.append(_row(month, "classifier_recall_traps", *wilson(*recall), *recall,
                         "trap mail called spam by the classifier"))
    recall_basis = basis
    if recall is not None and recall[1] >= MIN_RECALL_SAMPLE and spam > 0:
        recall_basis += " / classifier spam recall at the traps"
        rows.append(_row(month, "spam_rate_recall", *by_recall[:3], spam, n, recall_basis))
    c = corroboration
    if c is not None and c.trap_messages:
        rows.append(_row(month, "trap_coverage", c.coverage, None, None,
                         c.trap_messages - c.trap_singletons, c.trap_messages,
                         "trap mail in campaigns the traps received more than once"))
    rate, k, rate_basis = by_recall, spam, recall_basis
    if c is not None and (corroborated := corroborated_spam_rate(c)) is not None:
        rate, k = corroborated, c.corroborated
        rate_basis = basis + " / mail of campaigns the traps received, over the traps' coverage"
        rows.append(_row(month, "spam_rate_corroborated", *rate[:3], k, n, rate_basis))
    return [_row(month, "spam_rate", *rate[:3], k, n, rate_basis)] + rows, rate


def _unmixed_rates(con) -> list[dict]:
    """Virus and phishing over all observed mail when no sensor sees all mail."""
    rows = []
    for month, n, spam, virus, phish in con.execute(f"""
            SELECT strftime(day, '%Y-%m'), count(*), count(*) FILTER (WHERE {spam_sql()}),
                   count(*) FILTER (WHERE is_virus),
                   count(*) FILTER (WHERE {PHISH_SQL})
            FROM events WHERE day IS NOT NULL GROUP BY 1 ORDER BY 1""").fetchall():
        basis = "all observed mail"
        rows.append(_row(month, "spam_rate", None, None, None, spam, n,
                         "not measured: no mixed feed, so no sensor saw a sample of all mail"))
        rows.append(_one_in(month, "virus_rate_1_in", virus, n, basis))
        rows.append(_one_in(month, "phishing_rate_1_in", phish, n, basis))
    return rows


def _common_rows(con, mixed: list[str], botnet_share: dict[str, tuple[float, float]]
                 ) -> list[dict]:
    """Malicious-link share, botnet share and category shares (any sensors)."""
    rows = []
    for month, spam, bad in con.execute(f"""
            SELECT strftime(day, '%Y-%m'), count(*), count(*) FILTER (WHERE has_malicious_link)
            FROM events WHERE day IS NOT NULL AND {spam_sql(mixed)} GROUP BY 1 ORDER BY 1"""
            ).fetchall():
        rows.append(_row(month, "malicious_link_share", *wilson(bad, spam), bad, spam,
                         "spam, all sensors"))
    for month, (bot, total) in sorted(botnet_share.items()):
        share = bot / total if total else None
        rows.append(_row(month, "botnet_share", share, None, None, bot, total,
                         "estimated world spam" if total else "no spam"))
    return rows + category_shares(con, mixed)


def category_shares(con, mixed: list[str]) -> list[dict]:
    """Share of spam per category and month (metric ``category:<name>``)."""
    rows = []
    for month, cat, k, n in con.execute(f"""
            SELECT m, c, k, sum(k) OVER (PARTITION BY m) FROM (
              SELECT strftime(day, '%Y-%m') m, coalesce(category, 'other') c, count(*) k
              FROM events WHERE day IS NOT NULL AND {spam_sql(mixed)} GROUP BY ALL)
            ORDER BY m, k DESC, c""").fetchall():
        p, lo, hi = wilson(int(k), int(n))
        rows.append(_row(month, f"category:{cat}", p, lo, hi, int(k), int(n), "spam, all sensors"))
    return rows
