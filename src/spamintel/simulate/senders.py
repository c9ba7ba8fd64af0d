"""Who a message claims to be from: HELO names, envelope and header addresses.

Bot-stable values (a bot's machine name, a legitimate server's domain) are derived from
the bot's seed with integer arithmetic, so they are the same every time the bot connects.
"""

from __future__ import annotations

import random

from spamintel.simulate.content import FIRST, LAST, WORDS
from spamintel.simulate.tokens import between, digits, lower, pick

FREEMAIL = (
    "hotmail.com",
    "yahoo.com",
    "gmail.com",
    "mail.ru",
    "yandex.ru",
    "aol.com",
    "live.com",
    "rediffmail.com",
)
_TLDS = ("com", "net", "ru", "info", "org", "biz")
_ORG_TLDS = ("com", "org", "net", "co.uk", "de", "com.au")


def org_domain(seed: int) -> str:
    """The mail domain of a legitimate sending server (stable per server)."""
    return (
        f"{WORDS[seed % len(WORDS)]}{WORDS[(seed >> 6) % len(WORDS)]}."
        f"{_ORG_TLDS[(seed >> 12) % len(_ORG_TLDS)]}"
    )


def machine_name(seed: int) -> str:
    """A Windows-style machine name (stable per bot)."""
    form = seed % 5
    tag = f"{(seed >> 3) & 0xFFFFFF:06X}"
    if form == 0:
        return f"{FIRST[(seed >> 7) % len(FIRST)].upper()}-PC"
    if form == 1:
        return f"USER-{tag}"
    if form == 2:
        return f"pc{(seed >> 5) % 9000 + 1000}"
    if form == 3:
        return f"{FIRST[(seed >> 7) % len(FIRST)].lower()}-{tag[:4].lower()}"
    return f"HOME-{tag[:5]}"


def helo_name(
    style: str,
    seed: int,
    ip: str,
    rdns: str | None,
    rcpt_domain: str,
    from_domain: str,
    rng: random.Random,
) -> str:
    """The HELO/EHLO argument a client of ``style`` gives."""
    if style == "machine":
        return machine_name(seed)
    if style == "rdns_or_ip":
        return rdns or f"[{ip}]"
    if style == "ip_literal":
        return f"[{ip}]"
    if style == "ip_bare":
        return ip
    if style == "word_domain":
        return f"{pick(rng, WORDS)}{pick(rng, WORDS)}.{pick(rng, _TLDS)}"
    if style == "rcpt_domain":
        return rcpt_domain
    if style == "localhost":
        return "localhost" if seed % 3 else "localhost.localdomain"
    if style == "fqdn":
        return f"{('mail', 'smtp', 'mx', 'out')[seed % 4]}{seed % 7 or ''}.{org_domain(seed)}"
    if style == "sender_domain":
        return from_domain
    return lower(rng, 6 + seed % 5)


def local_part(rng: random.Random) -> str:
    """A plausible mailbox name."""
    r = rng.random()
    first, last = pick(rng, FIRST).lower(), pick(rng, LAST).lower()
    if r < 0.35:
        return f"{first}.{last}"
    if r < 0.6:
        return f"{first}{digits(rng, 2)}"
    if r < 0.8:
        return f"{first[0]}{last}"
    return lower(rng, between(rng, 5, 9))


# Mailboxes organisations send automated mail from (``org_service``, ``org_news``).
_ROLE_LOCALS = {
    "org_service": ("no-reply", "noreply", "orders", "service", "customerservice", "support",
                    "account", "info"),
    "org_news": ("news", "newsletter", "info", "mailings", "marketing", "hello"),
}


def sender_address(
    style: str, rng: random.Random, rcpt_domain: str, isp_domain: str, seed: int
) -> str:
    """The envelope/header sender a group of ``style`` uses."""
    if style in _ROLE_LOCALS:
        return f"{pick(rng, _ROLE_LOCALS[style])}@{org_domain(seed)}"
    local = local_part(rng)
    if style == "rcpt_domain":
        return f"{local}@{rcpt_domain}"
    if style == "freemail":
        return f"{local}@{pick(rng, FREEMAIL)}"
    if style == "isp":
        return f"{local}@{isp_domain}"
    if style == "org":
        return f"{local}@{org_domain(seed)}"
    return f"{local}@{pick(rng, WORDS)}{pick(rng, WORDS)}.{pick(rng, _TLDS)}"


def provider_host(seed: int, domain: str) -> str:
    """An outbound server name of a webmail or hosting provider."""
    prefix = ("smtp", "out", "nm", "mta", "snt", "blu")[seed % 6]
    return f"{prefix}{seed % 97 + 1}.{domain}"
