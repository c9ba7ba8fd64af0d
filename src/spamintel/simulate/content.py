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
    "James", "Mary", "John", "Linda", "Robert", "Anna", "Michael", "Elena", "David",
    "Olga", "Richard", "Natalia", "Thomas", "Irina", "Daniel", "Svetlana", "Paul", "Maria",
    "Mark", "Julia", "Steven", "Tatiana", "Kevin", "Ekaterina", "Brian", "Sarah", "Peter",
    "Laura", "Ahmed", "Grace", "Chen", "Sofia", "Carlos", "Ana", "Raj", "Priya",
)
LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
    "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "White", "Harris",
    "Ivanov", "Petrova", "Kuznetsov", "Sokolova", "Okafor", "Mensah", "Silva", "Santos",
    "Garcia", "Kumar", "Sharma", "Nguyen", "Kim", "Lee", "Mueller", "Rossi", "Novak",
)
WORDS = (
    "blue", "river", "star", "green", "north", "cloud", "stone", "light", "rapid",
    "silver", "ocean", "prime", "smart", "union", "global", "alpha", "delta", "sun",
    "maple", "pine", "eagle", "bright", "metro", "vista", "nova", "zen", "urban", "coral",
    "echo", "summit", "harbor", "crest", "field", "grand", "royal", "swift", "orbit",
)
COMPANIES = (
    "Northgate Supplies", "Brightline Media", "Kestrel Partners", "Avalon Trading",
    "Meridian Outfitters", "Harbor & Pine", "Silverleaf Books", "Crescent Travel",
    "Bluefield Analytics", "Oakridge Home", "Summit Finance Group", "Lumen Studio",
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
    m = _Macros(rng, url, brand, rcpt_local, day)
    r = rng.random
    subject = t.subjects[int(r() * len(t.subjects))](r, m.expand)
    from_name = t.from_name(r, m.expand)
    text = t.body(r, m.expand)
    att_name = t.attachment_name(r, m.expand) if t.attachment_name else ""
    return Rendered(subject, from_name, text, url, t.attachment, att_name, t.lang)


_TITLES = ("Project Manager", "Account Manager", "Sales Director", "Office Manager",
           "Senior Analyst", "Marketing Coordinator", "Operations Manager", "Accountant",
           "Head of Purchasing", "Customer Relations", "HR Manager", "IT Administrator")
_STREETS = ("Main Street", "Oak Avenue", "Market Street", "Park Road", "High Street",
            "Church Lane", "Station Road", "Elm Street", "Queen Street", "Harbour Way")
_CITIES = ("Boston, MA 02110", "Denver, CO 80202", "Leeds LS1 4AP", "Chicago, IL 60601",
           "Seattle, WA 98101", "Manchester M1 3BE", "Austin, TX 78701", "Toronto, ON M5V 2T6")
_FIRST_LOWER = {f.lower(): f for f in FIRST}


def recipient_name(local: str) -> tuple[str, str]:
    """(first, full) name a mailbox's local part shows (``anna.smith`` -> Anna, Anna
    Smith); empty when it shows none (``xkqwz``)."""
    head, _, rest = local.partition(".")
    first = _FIRST_LOWER.get(head.rstrip("0123456789"), "")
    if not first:
        return "", ""
    return first, f"{first} {rest.title()}" if rest.isalpha() else first


class _Macros:
    """The ``[[macro:arg]]`` expansions of one message (one sender, one recipient)."""

    def __init__(self, rng: random.Random, url: str, brand: str, rcpt_local: str,
                 day: date) -> None:
        self.rng, self.url, self.brand, self.day = rng, url, brand, day
        self.first, self.last = pick(rng, FIRST), pick(rng, LAST)
        self.company, self.rcpt_local = pick(rng, COMPANIES), rcpt_local
        # correspondents and shops know the recipient's name even when the mailbox hides it
        self.to_first, self.to_full = recipient_name(rcpt_local)
        if not self.to_first:
            self.to_first = pick(rng, FIRST)
            self.to_full = f"{self.to_first} {pick(rng, LAST)}"
        self.host = url.split("/", 3)[2] if url.count("/") >= 2 else url

    def expand(self, name: str, arg: str) -> str:
        """The text of one macro (unknown names expand to nothing)."""
        fn = _MACROS.get(name)
        return fn(self, arg) if fn else ""


def _num(m: _Macros, arg: str) -> str:
    lo, _, hi = arg.partition("-")
    return str(between(m.rng, int(lo), int(hi)))


def _link(m: _Macros, arg: str) -> str:
    """Another page on the message's own link host: ``[[link:path]]``."""
    sep = "&" if "?" in arg else "?"
    tail = f"{sep}id={digits(m.rng, 6)}" if m.rng.random() < 0.5 else ""
    return f"http://{m.host}/{arg}{tail}"


def _phone(m: _Macros, arg: str) -> str:
    r = m.rng
    return f"({between(r, 201, 989)}) {between(r, 200, 999)}-{between(r, 1000, 9999)}"


_MACROS = {
    "url": lambda m, a: m.url,
    "link": _link,
    "first": lambda m, a: m.first,
    "last": lambda m, a: m.last,
    "num": _num,
    "rnd": lambda m, a: alnum(m.rng, int(a or 8)),
    "price": lambda m, a: f"{between(m.rng, 0, 4)}.{between(m.rng, 10, 99)}",
    "word": lambda m, a: pick(m.rng, WORDS),
    "ticker": lambda m, a: lower(m.rng, between(m.rng, 3, 4)).upper(),
    "to": lambda m, a: m.rcpt_local,
    # recipient's first name after ``arg`` ("[[to_name: ]]")
    "to_name": lambda m, a: a + m.to_first,
    "to_full": lambda m, a: m.to_full,
    "company": lambda m, a: m.company,
    "brand": lambda m, a: m.brand or "PayPal",
    "amount": lambda m, a: f"{between(m.rng, 2, 45)},{between(m.rng, 100, 999)},000.00",
    "date": lambda m, a: m.day.strftime("%B %d"),
    "weekday": lambda m, a: m.day.strftime("%A"),
    "title": lambda m, a: pick(m.rng, _TITLES),
    "phone": _phone,
    "street": lambda m, a: f"{between(m.rng, 2, 980)} {pick(m.rng, _STREETS)}",
    "city": lambda m, a: pick(m.rng, _CITIES),
}
