"""One sensor's day: how many messages of each group and category it sees, grouped into
SMTP sessions from living bots, each rendered to bytes with its session record and truth.

Randomness is keyed by ``(seed, sensor, day)``, so a day's output does not depend on which
other days are generated.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from spamintel.simulate.attachments import eicar_attachment
from spamintel.simulate.client import Client, connect
from spamintel.simulate.compose import Attachment, Envelope, compose
from spamintel.simulate.content import DomainPool, Rendered, Template, render_content
from spamintel.simulate.headers import Ctx
from spamintel.simulate.ipspace import IPSpace
from spamintel.simulate.population import Bots, Population
from spamintel.simulate.received import stamped, trap_received_line
from spamintel.simulate.scenario import Campaign, Group, Scenario, Sensor
from spamintel.simulate.senders import sender_address
from spamintel.simulate.smtp import before_first_mail, transaction
from spamintel.simulate.templates import Dialect, HeaderTemplate
from spamintel.simulate.tokens import between, cum_table, pick, weighted
from spamintel.simulate.world import SLOTS, WORLD_CATEGORIES, World, effective
from spamintel.sources.trap.record import queue_id as trap_queue_id

MANGLE_SHARE = 0.03


@dataclass(slots=True)
class Message:
    """One generated message: bytes as stored, its session record, its truth row."""

    observed_at: datetime
    data: bytes
    session: dict
    truth: tuple


@dataclass(frozen=True)
class Kit:
    """Everything the day generator reads: scenario, world, IPs, populations, templates."""

    scen: Scenario
    world: World
    space: IPSpace
    pops: dict[str, Population]
    seed: int
    scale: float
    templates: dict[str, Template]
    dialects: dict[str, Dialect]
    headers: dict[str, HeaderTemplate]


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from any parts (stable across processes, unlike ``hash``)."""
    text = "|".join(str(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


class DayGenerator:
    """Generates the messages one sensor sees on one day."""

    def __init__(self, kit: Kit) -> None:
        self.kit = kit
        self.pools: dict[str, DomainPool] = {}
        self.by_group_cat: dict[tuple[str, str], list[Campaign]] = {}
        for c in kit.scen.campaigns:
            self.pools[c.id] = DomainPool(c.id, kit.templates[c.content].url, kit.seed)
            for g in c.groups:
                self.by_group_cat.setdefault((g, c.category), []).append(c)
        self.addresses = {s.name: _addresses(s, kit.seed) for s in kit.scen.sensors}
        self._live: dict[tuple[str, str, date], list[Campaign]] = {}

    def campaign(self, g: Group, cat: str, day: date, rng: random.Random) -> Campaign:
        """A campaign of ``g`` in category ``cat`` running on ``day`` (an automatic one if
        the scenario lists none)."""
        key = (g.name, cat, day)
        live = self._live.get(key)
        if live is None:
            live = [
                c
                for c in self.by_group_cat.get((g.name, cat), ())
                if (c.start is None or c.start <= day) and (c.end is None or day <= c.end)
            ]
            self._live[key] = live
        if not live:
            auto = Campaign(
                f"auto-{cat}-{stable_seed(g.name) % 10000:04d}",
                cat,
                _default_content(cat),
                (g.name,),
                None,
                None,
            )
            self.by_group_cat.setdefault((g.name, cat), []).append(auto)
            self._live[key] = [auto]
            self.pools[auto.id] = DomainPool(
                auto.id, self.kit.templates[auto.content].url, self.kit.seed
            )
            return auto
        if len(live) == 1:
            return live[0]
        return rng.choices(live, weights=[c.weight for c in live], k=1)[0]

    def run(self, sensor: Sensor, day: date) -> list[Message]:
        """All messages ``sensor`` sees on ``day``, in arrival order."""
        kit = self.kit
        d = kit.world.day_index(day)
        si = [s.name for s in kit.scen.sensors].index(sensor.name)
        nrng = np.random.default_rng([kit.seed, si, day.toordinal()])
        rng = random.Random(stable_seed(kit.seed, sensor.name, day.isoformat()))
        out: list[Message] = []
        for gi, g in enumerate(kit.scen.groups):
            if sensor.kind == "trap" and g.kind == "legit":
                continue
            lam = (
                kit.world.volumes[gi, d]
                * sensor.share
                * kit.scale
                * sensor.visibility.get(g.name, 1.0)
            )
            counts = nrng.poisson(lam)
            if counts.sum():
                out += self._group_day(sensor, day, d, gi, g, counts, nrng, rng)
        out.sort(key=lambda m: m.observed_at)
        return out

    def _group_day(
        self,
        sensor: Sensor,
        day: date,
        d: int,
        gi: int,
        g: Group,
        counts: np.ndarray,
        nrng: np.random.Generator,
        rng: random.Random,
    ) -> list[Message]:
        cats = [WORLD_CATEGORIES[c] for c in np.repeat(np.arange(len(counts)), counts)]
        rng.shuffle(cats)
        sizes = _session_sizes(len(cats), g.msgs_per_conn, nrng)
        weights = self.kit.world.slots[gi, d]
        slot = nrng.choice(SLOTS, size=len(sizes), p=weights / weights.sum())
        t = d + (slot + nrng.random(len(sizes))) / SLOTS
        conduct = effective(self.kit.scen, g, day)
        pop = self.kit.pops[g.name]
        bots = pop.updated(pop.draw(nrng, t), conduct.dialects)
        headers = cum_table(conduct.headers)
        out: list[Message] = []
        pos = 0
        for k, (n, when) in enumerate(zip(sizes, t, strict=True)):
            start = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                seconds=float(when - d) * 86400
            )
            out += self._session(sensor, day, g, bots, k, start, cats[pos : pos + n], headers, rng)
            pos += n
        return out

    def _session(
        self,
        sensor: Sensor,
        day: date,
        g: Group,
        bots: Bots,
        k: int,
        start: datetime,
        cats: list[str],
        headers,
        rng: random.Random,
    ) -> list[Message]:
        """The messages of one connection of bot ``k``."""
        kit = self.kit
        addrs = self.addresses[sensor.name]
        rcpt_domain = addrs[int(rng.random() * len(addrs))].split("@", 1)[1]
        client = connect(
            g,
            bots,
            k,
            kit.space,
            kit.dialects,
            kit.pops[g.name].dialect_names,
            kit.headers[weighted(rng, headers)],
            rcpt_domain,
            sensor.host,
            rng,
        )
        out: list[Message] = []
        ms = 10
        for index, cat in enumerate(cats):
            msg, end = self._message(sensor, day, g, client, cat, start, ms, index, rng)
            if index == 0:  # the connection's prelude is all before its first MAIL
                client.prelude = before_first_mail(msg.session["transcript"])
            if index == len(cats) - 1:
                _closing(msg.session, client, rng)
            out.append(msg)
            ms = end + 20 + int(rng.random() * 500)
        return out

    def _message(
        self,
        sensor: Sensor,
        day: date,
        g: Group,
        c: Client,
        cat: str,
        start: datetime,
        ms: int,
        index: int,
        rng: random.Random,
    ) -> tuple[Message, int]:
        """One message of a session starting at ``ms``; returns it and the end ms."""
        addrs = self.addresses[sensor.name]
        n_rcpt = min(1 + int(rng.expovariate(1.0) * max(g.rcpts - 1, 0) * 0.25), 10)
        rcpts = [addrs[int(rng.random() * len(addrs))] for _ in range(n_rcpt)]
        mail_from = sender_address(g.sender, rng, rcpts[0].split("@", 1)[1], c.isp.domain, c.seed)
        body, camp = self._body(
            g, cat, day, rng, rcpts[0], mail_from, c.header, c.ctx(start, mail_from)
        )
        trans, end = transaction(c.speech, ms, mail_from, rcpts, len(body), rng)
        received = start + timedelta(milliseconds=end)
        qid = trap_queue_id(body, received)  # the trap's own id: replay gives the same bytes
        trans[-1][2] = f"250 2.0.0 Ok: queued as {qid}"
        line = trap_received_line(
            c.helo, c.rdns, c.ip, sensor.host, c.esmtp, qid, rcpts[0], received
        )
        if sensor.stamp_share and rng.random() < sensor.stamp_share:
            body = stamped(body, sensor.stamps, sensor.host, received, qid)
        data = line.encode("ascii", "replace") + body
        sha = hashlib.sha256(data).hexdigest()
        rec = c.record(sha, sensor, qid, start, received, mail_from, rcpts, index)
        rec["transcript"] = c.prelude + trans
        return Message(received, data, rec, _truth(sha, sensor, g, c, camp, cat, received)), end

    def _body(
        self,
        g: Group,
        cat: str,
        day: date,
        rng: random.Random,
        rcpt: str,
        mail_from: str,
        hdr: HeaderTemplate,
        ctx: Ctx,
    ) -> tuple[bytes, str | None]:
        """The message (without the trap's Received line) and its campaign id."""
        camp = self.campaign(g, cat, day, rng) if cat != "ham" else None
        tpl = self.kit.templates[camp.content if camp else _legit_content(g, rng)]
        pool = self.pools[camp.id] if camp else None
        url = (
            pool.url(rng, day)
            if pool
            else f"http://www.{mail_from.split('@', 1)[1]}/{between(rng, 1, 999)}"
        )
        local = rcpt.split("@", 1)[0]
        content = render_content(tpl, rng, url, pool.brand if pool else "", local, day)
        att = _attachment(content, day, rng)
        env = Envelope(mail_from, rcpt, local.replace(".", " ").title())
        data = compose(
            hdr,
            content,
            ctx,
            env,
            rng,
            broken=rng.random() < g.broken_mime,
            attachment=att,
            mangle=rng.random() < MANGLE_SHARE,
        )
        return data, camp.id if camp else None


def _truth(sha: str, sensor: Sensor, g: Group, c: Client, camp: str | None, cat: str,
           received: datetime) -> tuple:
    """The truth row of one message (in ``writer.TRUTH_SCHEMA`` order)."""
    return (
        sha,
        sensor.name,
        g.label,
        c.ip,
        camp,
        None if cat == "ham" else cat,
        cat == "phishing",
        cat == "malware",
        g.kind != "legit",
        received.date(),  # the UTC day it was observed (a session may cross midnight)
        received,
        c.isp.cc,
    )


def _attachment(content: Rendered, day: date, rng: random.Random) -> Attachment | None:
    """The content's attachment, if it has one (an EICAR test file in its carrier)."""
    if content.attachment == "none":
        return None
    name, ctype, blob = eicar_attachment(
        content.attachment, content.attachment_name or "document", day, int(rng.random() * 4)
    )
    return Attachment(name, ctype, blob)


def _closing(rec: dict, c: Client, rng: random.Random) -> None:
    """Mark how the connection ended (QUIT or dropped) on its last message's record."""
    if rng.random() < c.dialect.quit_p:
        rec["closing"], rec["quit_line"] = "quit", c.speech.quit + c.speech.eol
    else:
        rec["closing"] = "drop"


def _session_sizes(n: int, mean: float, nrng: np.random.Generator) -> list[int]:
    sizes = []
    extra = nrng.poisson(max(mean - 1.0, 0.0), size=n)
    i = 0
    while n > 0:
        k = min(1 + int(extra[i]), n)
        sizes.append(k)
        n -= k
        i += 1
    return sizes


def _addresses(s: Sensor, seed: int) -> list[str]:
    from spamintel.simulate.senders import local_part

    rng = random.Random(stable_seed(seed, s.name, "addresses"))
    return sorted({f"{local_part(rng)}@{pick(rng, s.domains)}" for _ in range(s.addresses)})


_DEFAULT_CONTENT = {
    "pharma": "pharma_express",
    "replica": "replica_watches",
    "dating": "dating",
    "casino": "casino",
    "stock": "stock_pump",
    "419": "scam_419",
    "software": "software_oem",
    "malware": "malware_ups",
    "phishing": "phish_bank",
    "diploma": "diploma",
    "weightloss": "weightloss",
    "jobs": "jobs_mule",
    "other": "other_misc",
}


def _default_content(cat: str) -> str:
    return _DEFAULT_CONTENT[cat]


def _legit_content(g: Group, rng: random.Random) -> str:
    """Legitimate groups name content templates in their ``mix``."""
    keys = list(g.mix)
    return rng.choices(keys, weights=[g.mix[k] for k in keys], k=1)[0]
