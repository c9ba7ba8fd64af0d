"""The client side of one SMTP connection: which bot, how it names itself, how it speaks."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from spamintel.simulate.headers import Ctx
from spamintel.simulate.ipspace import IPSpace, Isp, ip_text
from spamintel.simulate.population import Bots
from spamintel.simulate.scenario import Group, Sensor
from spamintel.simulate.senders import helo_name, org_domain, provider_host
from spamintel.simulate.smtp import Speech, prelude, speech_for
from spamintel.simulate.templates import Dialect, HeaderTemplate
from spamintel.simulate.tokens import pick

_TZ_BY_CC = {
    "RU": 180,
    "UA": 120,
    "RO": 120,
    "BY": 120,
    "IN": 330,
    "PK": 300,
    "BR": -180,
    "AR": -180,
    "CO": -300,
    "PE": -300,
    "CL": -180,
    "MX": -360,
    "US": -300,
    "VN": 420,
    "TH": 420,
    "ID": 420,
    "PH": 480,
    "CN": 480,
    "TW": 480,
    "KR": 540,
    "JP": 540,
    "KZ": 360,
    "TR": 120,
    "SA": 180,
    "EG": 120,
    "GB": 0,
    "DE": 60,
    "FR": 60,
    "IT": 60,
    "ES": 60,
    "PL": 60,
}


@dataclass(slots=True)
class Client:
    """One connecting client for the length of its session."""

    ip: str
    port: int
    rdns: str | None
    helo: str
    isp: Isp
    seed: int
    dialect: Dialect
    speech: Speech
    rcpt_domain: str
    tz_minutes: int
    header: HeaderTemplate
    prelude: list[list]
    session_id: str

    @property
    def esmtp(self) -> bool:
        """True when the client greeted with EHLO."""
        return self.speech.greet[:4].upper() == "EHLO"

    def record(
        self,
        sha: str,
        sensor: Sensor,
        qid: str,
        connected: datetime,
        received: datetime,
        mail_from: str,
        rcpts: list[str],
        index: int,
    ) -> dict:
        """The session record of one message (``spamintel.sources.sessions`` fields, in the
        trap's order); the caller adds the transcript."""
        return {
            "msg_sha256": sha,
            "sensor": sensor.name,
            "session_id": self.session_id,
            "queue_id": qid,
            "client_ip": self.ip,
            "client_port": self.port,
            "rdns": self.rdns,
            "helo": self.helo,
            "esmtp": self.esmtp,
            "connected_at": connected.isoformat(),
            "received_at": received.isoformat(),
            "mail_from": mail_from,
            "rcpt_to": rcpts,
            "tls": False,
            "index_in_session": index,
            "trap_host": sensor.host,
        }

    def ctx(self, when: datetime, from_addr: str) -> Ctx:
        """Header context of a message this client sends at ``when``."""
        return Ctx(
            when, self.tz_minutes, self.helo, self.ip, from_addr.split("@", 1)[1], self.rcpt_domain
        )


def connect(
    g: Group,
    bots: Bots,
    k: int,
    space: IPSpace,
    dialects: dict[str, Dialect],
    dialect_names: tuple[str, ...],
    header: HeaderTemplate,
    rcpt_domain: str,
    trap_host: str,
    rng: random.Random,
) -> Client:
    """The client of session ``k``: bot ``k`` of ``bots`` speaking to ``trap_host``."""
    ip_int, asn, seed = int(bots.ips[k]), int(bots.asns[k]), int(bots.helo_seed[k])
    ip, form = ip_text(ip_int), int(bots.rdns_form[k])
    rdns = space.rdns(ip_int, asn, form) if form >= 0 and g.kind != "legit" else None
    dialect = dialects[dialect_names[int(bots.dialect[k])]]
    sp = speech_for(dialect, rng)
    isp = space.isps[asn]
    from_domain = org_domain(seed) if g.sender == "org" else rcpt_domain
    helo = helo_name(dialect.helo, seed, ip, rdns, rcpt_domain, from_domain, rng)
    if isp.cc in ("XW", "XH") and dialect.helo == "fqdn" and g.sender != "org":
        helo = provider_host(seed, isp.domain)
    if g.kind != "botnet" and dialect.helo == "fqdn":
        rdns = helo  # real mail servers have forward-confirmed reverse DNS
    skew = pick(rng, (0, 0, 0, 60, -60, 600)) if g.kind == "botnet" else 0  # bot clocks drift
    return Client(
        ip,
        1025 + int(rng.random() * 64000),
        rdns,
        helo,
        isp,
        seed,
        dialect,
        sp,
        rcpt_domain,
        _TZ_BY_CC.get(isp.cc, 0) + skew,
        header,
        prelude(sp, helo, trap_host),
        f"{rng.getrandbits(64):016x}",
    )
