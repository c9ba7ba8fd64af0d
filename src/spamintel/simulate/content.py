"""Campaign content: compiled spintax templates, rotating URL domains, names and brands.

Every message of a campaign is rendered afresh (choices, tokens, the day's domains), so
campaigns look like real ones: one skeleton, many surface forms.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date
from importlib import resources

import yaml

from spamintel.simulate.spintax import Renderer, compile_renderer, compile_spintax
from spamintel.simulate.tokens import alnum, between, digits, lower, pick

FIRST = (
    "James",
    "Mary",
    "John",
    "Linda",
    "Robert",
    "Anna",
    "Michael",
    "Elena",
    "David",
    "Olga",
    "Richard",
    "Natalia",
    "Thomas",
    "Irina",
    "Daniel",
    "Svetlana",
    "Paul",
    "Maria",
    "Mark",
    "Julia",
    "Steven",
    "Tatiana",
    "Kevin",
    "Ekaterina",
    "Brian",
    "Sarah",
    "Peter",
    "Laura",
    "Ahmed",
    "Grace",
    "Chen",
    "Sofia",
    "Carlos",
    "Ana",
    "Raj",
    "Priya",
)
LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Martin",
    "Jackson",
    "White",
    "Harris",
    "Ivanov",
    "Petrova",
    "Kuznetsov",
    "Sokolova",
    "Okafor",
    "Mensah",
    "Silva",
    "Santos",
    "Garcia",
    "Kumar",
    "Sharma",
    "Nguyen",
    "Kim",
    "Lee",
    "Mueller",
    "Rossi",
    "Novak",
)
WORDS = (
    "blue",
    "river",
    "star",
    "green",
    "north",
    "cloud",
    "stone",
    "light",
    "rapid",
    "silver",
    "ocean",
    "prime",
    "smart",
    "union",
    "global",
    "alpha",
    "delta",
    "sun",
    "maple",
    "pine",
    "eagle",
    "bright",
    "metro",
    "vista",
    "nova",
    "zen",
    "urban",
    "coral",
    "echo",
    "summit",
    "harbor",
    "crest",
    "field",
    "grand",
    "royal",
    "swift",
    "orbit",
)
COMPANIES = (
    "Northgate Supplies",
    "Brightline Media",
    "Kestrel Partners",
    "Avalon Trading",
    "Meridian Outfitters",
    "Harbor & Pine",
    "Silverleaf Books",
    "Crescent Travel",
    "Bluefield Analytics",
    "Oakridge Home",
    "Summit Finance Group",
    "Lumen Studio",
)
BRANDS = {
    "PayPal": "paypal",
    "eBay": "ebay",
    "Bank of America": "bankofamerica",
    "HSBC": "hsbc",
    "Lloyds TSB": "lloydstsb",
    "NatWest": "natwest",
    "Chase": "chase",
    "Wells Fargo": "wellsfargo",
    "Halifax": "halifax",
    "Barclays": "barclays",
}
_TLDS = {
    "pharma": ("ru", "com", "net", "in", "cn"),
    "replica": ("com", "net", "cn", "kr"),
    "dating": ("ru", "com", "info"),
    "casino": ("com", "net", "info"),
    "stock": ("com", "net", "biz"),
    "money": ("com",),
    "software": ("com", "net", "ru"),
    "lure": ("ru", "com", "in", "net"),
    "phish": ("com", "net", "ru", "info", "biz"),
    "diploma": ("com", "info"),
    "diet": ("com", "net", "info"),
    "jobs": ("com", "biz"),
    "shortener": ("ru", "com"),
    "legit": ("com", "org", "net"),
}
_SUFFIX = {
    "pharma": ("rx", "pharm", "med", "pills", "-drugstore", "health"),
    "replica": ("watch", "-replica", "luxe", "time"),
    "dating": ("love", "-date", "girls"),
    "casino": ("casino", "-slots", "bet", "vegas"),
    "stock": ("stock", "invest", "-news"),
    "software": ("soft", "-oem", "download"),
    "diploma": ("degree", "-edu", "college"),
    "diet": ("diet", "slim", "-health"),
    "jobs": ("jobs", "-career", "work"),
}
_URL_FORMS = (
    "http://{d}/",
    "http://www.{d}/?{t}",
    "http://{d}/{t}.html",
    "http://{d}/{w}/{t}.php",
    "http://{d}/?id={n}",
)
_SHORTENERS = ("bit.ly", "tinyurl.com", "goo.gl", "is.gd", "ow.ly")

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Template:
    """One compiled content template."""

    name: str
    url: str
    lang: str
    attachment: str
    subjects: tuple[Renderer, ...]
    from_name: Renderer
    body: Renderer
    attachment_name: Renderer | None


@dataclass(frozen=True)
class Rendered:
    """A rendered message content: all strings, ready to be encoded."""

    subject: str
    from_name: str
    text: str
    url: str
    attachment: str
    attachment_name: str
    lang: str


def load_templates() -> dict[str, Template]:
    """Compile the content templates shipped with the package."""
    text = (resources.files("spamintel.simulate") / "data" / "content.yaml").read_text("utf-8")
    out = {}
    for name, d in yaml.load(text, Loader=_LOADER).items():
        out[name] = Template(
            name,
            d.get("url", "legit"),
            d.get("lang", "en"),
            d.get("attachment", "none"),
            tuple(_compiled(s) for s in d["subject"]),
            _compiled(d["from_name"]),
            _compiled(d["body"]),
            _compiled(d["attachment_name"]) if d.get("attachment_name") else None,
        )
    return out


def _compiled(text: str) -> Renderer:
    return compile_renderer(compile_spintax(text))


class DomainPool:
    """A campaign's rotating domains: a few live each day, replaced as days pass."""

    def __init__(self, key: str, style: str, seed: int, size: int = 40, per_day: int = 3):
        rng = random.Random(_stable(f"{seed}|{key}|domains"))
        self.style, self.per_day = style, per_day
        self._day: date | None = None
        self._today: list[str] = []
        self.pool = [_domain(rng, style) for _ in range(size)]
        self.brand = pick(rng, sorted(BRANDS)) if style == "phish" else ""
        if style == "phish":
            self.pool = [_lookalike(rng, BRANDS[self.brand]) for _ in range(size)]

    def today(self, day: date) -> list[str]:
        """The domains live on ``day``."""
        if self._day != day:
            start = (day.toordinal() * 2) % len(self.pool)
            self._today = [self.pool[(start + i) % len(self.pool)] for i in range(self.per_day)]
            self._day = day
        return self._today

    def url(self, rng: random.Random, day: date) -> str:
        """One URL on one of the day's domains."""
        if self.style == "shortener" and rng.random() < 0.6:
            return f"http://{pick(rng, _SHORTENERS)}/{alnum(rng, 6)}"
        dom = pick(rng, self.today(day))
        if self.style == "phish":
            page = pick(rng, ("signin", "verify", "webscr", "login"))
            return f"http://{dom}/{page}/?{alnum(rng, 12)}"
        form = _URL_FORMS[int(rng.random() * len(_URL_FORMS))]
        return form.format(d=dom, t=alnum(rng, 8), w=pick(rng, WORDS), n=digits(rng, 6))


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _domain(rng: random.Random, style: str) -> str:
    tld = pick(rng, _TLDS.get(style, ("com",)))
    suffix = pick(rng, _SUFFIX.get(style, ("",)))
    if style == "legit":
        return f"{pick(rng, WORDS)}{pick(rng, WORDS)}.{tld}"
    if rng.random() < 0.3:
        return f"{lower(rng, between(rng, 5, 9))}{suffix}.{tld}"
    return f"{pick(rng, WORDS)}{pick(rng, WORDS)}{suffix}.{tld}"


def _lookalike(rng: random.Random, brand: str) -> str:
    """A brand look-alike host: typo-squat, brand-prefixed or brand-as-subdomain."""
    typo = brand.replace("l", "1", 1) if "l" in brand else brand.replace("o", "0", 1)
    tld = pick(rng, _TLDS["phish"])
    word = pick(rng, ("verify", "account", "support", "online"))
    forms = (
        f"{typo}-secure.{tld}",
        f"{brand}-{word}.{tld}",
        f"{brand}.com.{lower(rng, 6)}-{pick(rng, ('login', 'secure'))}.{pick(rng, ('ru', 'info'))}",
        f"www.{brand}.{lower(rng, 5)}.{pick(rng, ('co.cc', 'ru', 'in'))}",
    )
    return pick(rng, forms)


def render_content(
    t: Template, rng: random.Random, url: str, brand: str, rcpt_local: str, day: date
) -> Rendered:
    """Render one message's subject, sender name and text from a template."""
    first, last = pick(rng, FIRST), pick(rng, LAST)
    company = pick(rng, COMPANIES)

    def macro(name: str, arg: str) -> str:
        return _macro(name, arg, rng, url, brand, rcpt_local, first, last, company, day)

    r = rng.random
    subject = t.subjects[int(r() * len(t.subjects))](r, macro)
    from_name = t.from_name(r, macro)
    text = t.body(r, macro)
    att_name = t.attachment_name(r, macro) if t.attachment_name else ""
    return Rendered(subject, from_name, text, url, t.attachment, att_name, t.lang)


def _macro(
    name: str,
    arg: str,
    rng: random.Random,
    url: str,
    brand: str,
    rcpt_local: str,
    first: str,
    last: str,
    company: str,
    day: date,
) -> str:
    if name == "url":
        return url
    if name == "first":
        return first
    if name == "last":
        return last
    if name == "num":
        lo, _, hi = arg.partition("-")
        return str(between(rng, int(lo), int(hi)))
    if name == "rnd":
        return alnum(rng, int(arg or 8))
    if name == "price":
        return f"{between(rng, 0, 4)}.{between(rng, 10, 99)}"
    if name == "word":
        return pick(rng, WORDS)
    if name == "to":
        return rcpt_local
    if name == "company":
        return company
    if name == "brand":
        return brand or "PayPal"
    if name == "amount":
        return f"{between(rng, 2, 45)},{between(rng, 100, 999)},000.00"
    if name == "date":
        return day.strftime("%B %d")
    return ""
