"""Header value shapes: Message-ID, Date, MIME boundary, To forms (all invented but
modelled on the mailers bots forged in 2010-2011).

Each shape is a small function of ``(rng, ctx)``; a header template names the shapes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from spamintel.simulate.received import _DAYS, _MONTHS
from spamintel.simulate.tokens import alnum, digits, hexs, lower, lower_digits, upper_hex


@dataclass(slots=True)
class Ctx:
    """What a message's header values may draw on."""

    when: datetime
    tz_minutes: int
    helo: str
    ip: str
    from_domain: str
    rcpt_domain: str


def _stamp(ctx: Ctx) -> datetime:
    return ctx.when + timedelta(minutes=ctx.tz_minutes)


def _hms(t: datetime) -> str:
    return f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"


def _tz(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    m = abs(minutes)
    return f"{sign}{m // 60:02d}{m % 60:02d}"


MESSAGE_ID = {
    "oe": lambda r, c: f"<{hexs(r, 4)}01cb{hexs(r, 4)}${hexs(r, 8)}${hexs(r, 8)}@{c.helo}>",
    "outlook12": lambda r, c: f"<000001cb{hexs(r, 4)}${hexs(r, 8)}${hexs(r, 8)}$@{c.from_domain}>",
    "bat": lambda r, c: f"<{digits(r, 10)}.{_stamp(c):%Y%m%d%H%M%S}@{c.from_domain}>",
    "hex32": lambda r, c: f"<{hexs(r, 32)}@{c.from_domain}>",
    "thunderbird": lambda r, c: f"<{upper_hex(r, 8)}.{digits(r, 7)}@{c.from_domain}>",
    "lower_at_rcpt": lambda r, c: f"<{lower(r, 10)}@{c.rcpt_domain}>",
    "javamail": lambda r, c: (
        f"<{digits(r, 9)}.{digits(r, 5)}.{digits(r, 13)}.JavaMail.{lower(r, 6)}@{c.helo}>"
    ),
    "gmail": lambda r, c: f"<AANLkTi{alnum(r, 32)}@mail.gmail.com>",
    "exchange": lambda r, c: (
        f"<{upper_hex(r, 32)}@{upper_hex(r, 3)}EXCH{digits(r, 2)}.{c.from_domain}>"
    ),
    "none": lambda r, c: None,
    "webmail": lambda r, c: _webmail_id(r, c),
}


def _webmail_id(r: random.Random, c: Ctx) -> str:
    """The Message-ID the sender's own webmail service writes (2011 shapes)."""
    d = c.from_domain
    if d in ("hotmail.com", "live.com"):
        return f"<SNT{digits(r, 3)}-W{digits(r, 2)}{upper_hex(r, 30)}@phx.gbl>"
    if d == "yahoo.com":
        return f"<{digits(r, 6)}.{digits(r, 5)}.qm@web{digits(r, 5)}.mail.re1.yahoo.com>"
    if d == "aol.com":
        host = f"webmail-m{digits(r, 3)}.sysops.aol.com"
        return f"<8CD{upper_hex(r, 12)}-{upper_hex(r, 4)}-{upper_hex(r, 5)}@{host}>"
    if d.endswith(".ru"):
        return f"<{digits(r, 10)}.{hexs(r, 6)}@{d}>"
    return f"<AANLkTi{alnum(r, 32)}@mail.gmail.com>"


def _date_rfc(c: Ctx) -> str:
    t = _stamp(c)
    return (
        f"{_DAYS[t.weekday()]}, {t.day:02d} {_MONTHS[t.month - 1]} {t.year} "
        f"{_hms(t)} {_tz(c.tz_minutes)}"
    )


def _date_noday0(c: Ctx) -> str:
    t = _stamp(c)
    return (
        f"{_DAYS[t.weekday()]}, {t.day} {_MONTHS[t.month - 1]} {t.year} "
        f"{_hms(t)} {_tz(c.tz_minutes)}"
    )


def _date_noweekday(c: Ctx) -> str:
    t = _stamp(c)
    return f"{t.day} {_MONTHS[t.month - 1]} {t.year} {_hms(t)} {_tz(c.tz_minutes)}"


def _date_gmt(c: Ctx) -> str:
    t = c.when
    return f"{_DAYS[t.weekday()]}, {t.day} {_MONTHS[t.month - 1]} {t.year} {_hms(t)} GMT"


def _date_twodigit(c: Ctx) -> str:
    t = _stamp(c)
    return (
        f"{_DAYS[t.weekday()]}, {t.day:02d} {_MONTHS[t.month - 1]} {t.year % 100:02d} "
        f"{_hms(t)} {_tz(c.tz_minutes)}"
    )


DATE = {
    "rfc": _date_rfc,
    "rfc_noday0": _date_noday0,
    "noweekday": _date_noweekday,
    "gmt_word": _date_gmt,
    "rfc_twodigit_year": _date_twodigit,
}

BOUNDARY = {
    "nextpart": lambda r: (
        f"----=_NextPart_000_{upper_hex(r, 4)}_01CB{upper_hex(r, 4)}.{upper_hex(r, 8)}"
    ),
    "nextpart_outlook": lambda r: (
        f"----=_NextPart_000_{upper_hex(r, 4)}_01CB{upper_hex(r, 4)}.{upper_hex(r, 8)}"
    ),
    "random_alnum": lambda r: alnum(r, 24),
    "phpmailer": lambda r: f"b1_{hexs(r, 32)}",
    "thunderbird": lambda r: f"------------{digits(r, 12)}{digits(r, 12)}",
    "equals_hex": lambda r: f"=_{hexs(r, 16)}",
    "javamail": lambda r: f"----=_Part_{digits(r, 5)}_{digits(r, 8)}.{digits(r, 13)}",
    "gmail": lambda r: f"{hexs(r, 28)}",
    "exchange": lambda r: f"_000_{upper_hex(r, 32)}EXCH{digits(r, 2)}_",
    "none": lambda r: f"{lower_digits(r, 20)}",
}

TO = {
    "angle": lambda addr, name: f"<{addr}>",
    "plain": lambda addr, name: addr,
    "named": lambda addr, name: f'"{name}" <{addr}>',
}


def message_id(style: str, rng: random.Random, ctx: Ctx) -> str | None:
    """A Message-ID of the given shape, or None when the mailer writes none."""
    return MESSAGE_ID[style](rng, ctx)


def date_value(style: str, ctx: Ctx) -> str:
    """A Date value of the given shape, in the sender's (forged) local time."""
    return DATE[style](ctx)


def boundary(style: str, rng: random.Random) -> str:
    """A MIME boundary of the given style."""
    return BOUNDARY[style](rng)
