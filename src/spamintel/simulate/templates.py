"""Header templates and SMTP dialects, loaded from ``data/profiles.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from spamintel.simulate.tokens import cum_table

Table = tuple[tuple[str, ...], tuple[float, ...]]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class HeaderTemplate:
    """How one (forged) mailer writes its headers and MIME structure."""

    name: str
    order: tuple[str, ...]
    message_id: str
    date: str
    x_mailer: tuple[str, ...]
    user_agent: tuple[str, ...]
    mimeole: str
    boundary: str
    charset: Table
    encoding: Table
    body: Table
    to: str


@dataclass(frozen=True)
class Dialect:
    """How one client speaks SMTP: exact command forms, habits and line ending."""

    name: str
    greet: str
    helo: str
    mail: str
    rcpt: str
    data: str
    quit: str
    rset: str
    quit_p: float
    rset_p: float
    pipelining: bool
    eol: str
    noise: float


@lru_cache(maxsize=1)
def load_profiles() -> tuple[dict[str, Dialect], dict[str, HeaderTemplate]]:
    """The dialects and header templates shipped with the package."""
    text = (resources.files("spamintel.simulate") / "data" / "profiles.yaml").read_text("utf-8")
    data = yaml.load(text, Loader=_LOADER)
    dialects = {k: _dialect(k, v) for k, v in data["dialects"].items()}
    headers = {k: _header(k, v) for k, v in data["headers"].items()}
    return dialects, headers


def _dialect(name: str, d: dict) -> Dialect:
    return Dialect(
        name,
        d["greet"],
        d["helo"],
        d["mail"],
        d["rcpt"],
        d["data"],
        d["quit"],
        d.get("rset", "RSET"),
        float(d["quit_p"]),
        float(d["rset_p"]),
        bool(d["pipelining"]),
        "\n" if d["eol"] == "lf" else "\r\n",
        float(d.get("noise", 0.0)),
    )


def _header(name: str, d: dict) -> HeaderTemplate:
    return HeaderTemplate(
        name,
        tuple(d["order"]),
        d["message_id"],
        d["date"],
        tuple(d.get("x_mailer", ())),
        tuple(d.get("user_agent", ())),
        d.get("mimeole", ""),
        d["boundary"],
        cum_table(d["charset"]),
        cum_table(d["encoding"]),
        cum_table(d["body"]),
        d["to"],
    )
