"""What the store counts as spam, one rule for every stage that reads it.

A message is spam when the classifier says spam, phish or malware, when it has no verdict
but its source labelled it spam, and whenever a trap saw it: a trap address never
receives wanted mail, so a ham verdict there is a classifier miss. Sensors that see all
mail (a mixed feed) are trusted to the verdict; they are named in the configuration or,
when none are, found as the sensors where the classifier calls at least
``HAM_MIN_SHARE`` of the mail ham. At a trap that share is the classifier's miss rate on
spam (about 3% on the simulated worlds); at a mixed feed it is one minus the spam rate,
7.8% even at the highest monthly spam rate MessageLabs published for 2010 (92.2%,
August).
"""

from __future__ import annotations

# Mail flagged as spam without the trap rule: a spam-like verdict, or a ``spam`` label
# without verdict. It is what a mixed feed's spam is.
FLAGGED_SQL = "(verdict IN ('spam', 'phish', 'malware') OR (verdict IS NULL AND label = 'spam'))"
# Flagged, or trap mail that was never classified.
VERDICT_SPAM_SQL = f"({FLAGGED_SQL} OR (verdict IS NULL AND source_kind = 'trap'))"
HAM_MIN_SHARE = 0.05


def sensor_in_sql(sensors: tuple[str, ...] | list[str]) -> str:
    """SQL condition for mail of one of ``sensors`` (names quoted; none: false)."""
    if not sensors:
        return "false"
    names = ", ".join("'" + m.replace("'", "''") + "'" for m in sensors)
    return f"(sensor IN ({names}))"


def trap_sql(mixed: tuple[str, ...] | list[str] = ()) -> str:
    """SQL condition for mail of a trap that is not one of the ``mixed`` sensors (a sensor
    may be labelled a trap and still see wanted mail)."""
    if not mixed:
        return "(source_kind = 'trap')"
    return f"(source_kind = 'trap' AND (sensor IS NULL OR NOT {sensor_in_sql(mixed)}))"


def spam_sql(mixed: tuple[str, ...] | list[str] = ()) -> str:
    """SQL condition for spam: mail ``FLAGGED_SQL`` flags, or any message a trap saw (a ham
    verdict there is a classifier miss), except on ``mixed`` sensors, which see wanted mail
    too and are trusted to the verdict."""
    return f"({FLAGGED_SQL} OR {trap_sql(mixed)})"


def not_ham_sql(mixed: tuple[str, ...] | list[str] = ()) -> str:
    """SQL condition for mail attribution works on: anything not called ham (by the
    classifier, else by its source; mail with neither counts), or spam by ``spam_sql``
    (a trap's mail whatever its verdict)."""
    return (f"(coalesce(verdict, CASE WHEN label = 'ham' THEN 'ham' END, 'spam') <> 'ham'"
            f" OR {spam_sql(mixed)})")


def mixed_sensors(con, configured: tuple[str, ...]) -> list[str]:
    """Sensors that see all mail: configured ones, or those with at least
    ``HAM_MIN_SHARE`` ham verdicts."""
    if configured:
        return list(configured)
    rows = con.execute(f"""SELECT sensor FROM events WHERE sensor IS NOT NULL GROUP BY sensor
        HAVING avg(CASE WHEN {VERDICT_SPAM_SQL} THEN 0 ELSE 1 END) >= {HAM_MIN_SHARE}
        ORDER BY sensor""").fetchall()
    return [r[0] for r in rows]
