"""Build a message's bytes from a header template and rendered content, with string
formatting only (no ``email.message`` objects in the hot loop).

Output is the DATA a client sends, CRLF line endings, without the trap's Received line.
"""

from __future__ import annotations

import base64
import binascii
import random
from dataclasses import dataclass

from spamintel.simulate.content import Rendered
from spamintel.simulate.headers import TO, Ctx, boundary, date_value, message_id
from spamintel.simulate.templates import HeaderTemplate
from spamintel.simulate.tokens import alnum, between, digits, hexs, pick, weighted

_CYRILLIC_CHARSETS = ("windows-1251", "koi8-r", "utf-8")
_WIRE_NAME = {"Prior-Received": "Received", "Received-Forged": "Received"}
_FORMS = ("no_close", "wrong_boundary", "bad_base64", "no_boundary_param")


@dataclass(slots=True)
class Envelope:
    """Addresses of one message."""

    from_addr: str
    to_addr: str
    to_name: str
    reply_to: str | None = None


@dataclass(slots=True)
class Attachment:
    """A file attached to the message."""

    filename: str
    ctype: str
    data: bytes


def compose(
    tpl: HeaderTemplate,
    body: Rendered,
    ctx: Ctx,
    env: Envelope,
    rng: random.Random,
    broken: bool = False,
    attachment: Attachment | None = None,
    mangle: bool = False,
) -> bytes:
    """The message bytes (headers + MIME body), CRLF-terminated lines."""
    charset = _charset(tpl, body, rng)
    cte = weighted(rng, tpl.encoding)
    shape = weighted(rng, tpl.body)
    fault = pick(rng, _FORMS) if broken else ""
    subject = body.subject
    text = body.text
    if mangle and rng.random() < 0.5:
        subject, text = _forwarded(rng, ctx, body, env)
    ctype, mime_body = _mime(tpl, text, body.url, charset, cte, shape, attachment, rng, fault)
    lines = _header_lines(_Fields(tpl, ctx, env, rng, subject, body.from_name, charset, ctype, cte))
    if "Content-Transfer-Encoding" not in tpl.order and not ctype.startswith("multipart"):
        lines.append(f"Content-Transfer-Encoding: {cte}")
    if mangle:
        lines = _mangle(lines, rng)
    head = "\r\n".join(lines)
    if not mime_body.endswith("\r\n"):
        mime_body += "\r\n"
    return (head + "\r\n\r\n" + mime_body).encode("latin-1", errors="replace")


def _charset(tpl: HeaderTemplate, body: Rendered, rng: random.Random) -> str:
    cs = weighted(rng, tpl.charset)
    if body.lang == "ru" and cs.lower() not in _CYRILLIC_CHARSETS:
        return pick(rng, _CYRILLIC_CHARSETS[:2])
    return cs


def _encode_word(text: str, charset: str) -> str:
    if text.isascii():
        return text
    data = text.encode(charset, errors="replace")
    return f"=?{charset}?B?{base64.b64encode(data).decode()}?="


@dataclass(slots=True)
class _Fields:
    """What header values are made from."""

    tpl: HeaderTemplate
    ctx: Ctx
    env: Envelope
    rng: random.Random
    subject: str
    from_name: str
    charset: str
    ctype: str
    cte: str


def _from(f: _Fields) -> str:
    name = _encode_word(f.from_name, f.charset)
    addr = f.env.from_addr
    return f'"{name}" <{addr}>' if f.rng.random() < 0.8 else f"{name} <{addr}>"


def _reply_to(f: _Fields) -> str | None:
    return f.env.reply_to or (f.env.from_addr if f.rng.random() < 0.3 else None)


# Only the headers a template names are computed (the random draws stay per template).
_HEADER = {
    "Message-ID": lambda f: message_id(f.tpl.message_id, f.rng, f.ctx),
    "From": _from,
    "To": lambda f: TO[f.tpl.to](f.env.to_addr, f.env.to_name),
    "Subject": lambda f: _encode_word(f.subject, f.charset),
    "Date": lambda f: date_value(f.tpl.date, f.ctx),
    "MIME-Version": lambda f: "1.0",
    "Content-Type": lambda f: f.ctype,
    "Content-Transfer-Encoding": lambda f: None if f.ctype.startswith("multipart") else f.cte,
    "X-Mailer": lambda f: pick(f.rng, f.tpl.x_mailer) if f.tpl.x_mailer else None,
    "User-Agent": lambda f: pick(f.rng, f.tpl.user_agent) if f.tpl.user_agent else None,
    "X-MimeOLE": lambda f: f.tpl.mimeole or None,
    "X-Priority": lambda f: "3" if f.rng.random() < 0.7 else "3 (Normal)",
    "X-MSMail-Priority": lambda f: "Normal",
    "Reply-To": _reply_to,
    "Thread-Index": lambda f: base64.b64encode(f.rng.randbytes(22)).decode(),
    "Thread-Topic": lambda f: f.subject if f.subject.isascii() else None,
    "Content-Language": lambda f: "en-us",
    "Accept-Language": lambda f: "en-US",
    "Precedence": lambda f: "bulk",
    "List-Unsubscribe": lambda f: f"<mailto:unsubscribe-{hexs(f.rng, 12)}@{f.ctx.from_domain}>",
    "Received-Forged": lambda f: _forged_hop(f.rng, f.ctx),
    "Prior-Received": lambda f: _prior_hop(f.rng, f.ctx),
    "DKIM-Signature": lambda f: _dkim(f.rng, f.ctx),
}


def _header_lines(f: _Fields) -> list[str]:
    lines = []
    for name in f.tpl.order:
        value = _HEADER[name](f)
        if value is not None:
            lines.append(f"{_WIRE_NAME.get(name, name)}: {value}")
    return lines


def _forged_hop(rng: random.Random, ctx: Ctx) -> str:
    a, b = between(rng, 11, 223), between(rng, 0, 255)
    fake_ip = f"{a}.{b}.{between(rng, 0, 255)}.{between(rng, 1, 254)}"
    return (
        f"from {alnum(rng, 7).lower()} ([{fake_ip}]) by {ctx.rcpt_domain} with "
        f"Microsoft SMTPSVC(6.0.3790.4675);\r\n\t{date_value('rfc', ctx)}"
    )


def _prior_hop(rng: random.Random, ctx: Ctx) -> str:
    inner = f"10.{between(rng, 0, 255)}.{between(rng, 0, 255)}.{between(rng, 1, 254)}"
    return (
        f"from [{inner}] (ws{digits(rng, 3)}.corp.{ctx.from_domain} [{inner}])\r\n"
        f"\tby {ctx.helo} with ESMTPSA id {alnum(rng, 10)};\r\n\t{date_value('rfc', ctx)}"
    )


def _dkim(rng: random.Random, ctx: Ctx) -> str:
    b = base64.b64encode(rng.randbytes(128)).decode()
    bh = base64.b64encode(rng.randbytes(32)).decode()
    return (
        f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={ctx.from_domain}; s=s{digits(rng, 4)};"
        f"\r\n\th=from:to:subject:date:message-id; bh={bh};"
        f"\r\n\tb={b[:76]}\r\n\t {b[76:]}"
    )


def _encode_text(text: str, charset: str, cte: str, fault: str) -> str:
    """Body text in the transfer encoding, as a latin-1 'byte string' with CRLF."""
    data = text.replace("\r\n", "\n").encode(charset, errors="replace")
    if cte == "base64":
        out = base64.encodebytes(data).decode("ascii")
        if fault == "bad_base64":
            out = out[:10] + "!*" + out[12:-6] + "="
    elif cte == "quoted-printable" or cte == "7bit" and not data.isascii():
        out = binascii.b2a_qp(data).decode("ascii")
    else:
        out = data.decode("latin-1")
    return out.replace("\n", "\r\n")


def _html(text: str, url: str, rng: random.Random) -> str:
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    link = (
        f'<a href="{url}">{url}</a>'
        if rng.random() < 0.5
        else f'<a href="{url}">{pick(rng, ("Click here", "Visit", "Open", "here"))}</a>'
    )
    body = "".join(f"<p>{p.replace(url, link)}</p>\n" for p in paras)
    font = pick(rng, ("Arial", "Verdana", "Tahoma", "Times New Roman"))
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html"></head>\n'
        f'<body><font face="{font}" size="{between(rng, 2, 4)}">\n'
        f"{body}</font></body></html>\n"
    )


def _mime(
    tpl: HeaderTemplate,
    text: str,
    url: str,
    charset: str,
    cte: str,
    shape: str,
    attachment: Attachment | None,
    rng: random.Random,
    fault: str,
) -> tuple[str, str]:
    """``(Content-Type value, body)`` for the chosen shape, with an optional attachment."""
    if fault == "bad_base64":
        cte = "base64"
    if shape == "plain" and attachment is None:
        return f'text/plain; charset="{charset}"', _encode_text(text, charset, cte, fault)
    if shape == "html" and attachment is None:
        return f'text/html; charset="{charset}"', _encode_text(
            _html(text, url, rng), charset, cte, fault
        )
    parts = [(f'text/plain; charset="{charset}"', cte, _encode_text(text, charset, cte, fault))]
    if shape in ("alt", "html"):
        parts.append(
            (
                f'text/html; charset="{charset}"',
                cte,
                _encode_text(_html(text, url, rng), charset, cte, fault),
            )
        )
    kind = "alternative"
    if attachment is not None:
        kind = "mixed"
        b64 = base64.encodebytes(attachment.data).decode("ascii").replace("\n", "\r\n")
        parts.append(
            (
                f'{attachment.ctype}; name="{attachment.filename}"\r\n'
                f'Content-Disposition: attachment; filename="{attachment.filename}"',
                "base64",
                b64,
            )
        )
    return _multipart(kind, parts, boundary(tpl.boundary, rng), fault)


def _multipart(
    kind: str, parts: list[tuple[str, str, str]], bnd: str, fault: str
) -> tuple[str, str]:
    used = bnd + "x" if fault == "wrong_boundary" else bnd
    ctype = f'multipart/{kind};\r\n\tboundary="{bnd}"'
    if fault == "no_boundary_param":
        ctype = f"multipart/{kind}"
    chunks = ["This is a multi-part message in MIME format.\r\n"]
    for pct, pcte, pbody in parts:
        chunks.append(
            f"\r\n--{used}\r\nContent-Type: {pct}\r\n"
            f"Content-Transfer-Encoding: {pcte}\r\n\r\n{pbody}"
        )
    if fault != "no_close":
        chunks.append(f"\r\n--{used}--\r\n")
    return ctype, "".join(chunks)


def _forwarded(rng: random.Random, ctx: Ctx, body: Rendered, env: Envelope) -> tuple[str, str]:
    orig = (
        f"-----Original Message-----\nFrom: {body.from_name} [mailto:{env.from_addr}]\n"
        f"Sent: {date_value('rfc', ctx)}\nTo: {env.to_addr}\nSubject: {body.subject}\n\n"
    )
    return f"{pick(rng, ('Fw: ', 'FW: ', 'Fwd: '))}{body.subject}", orig + body.text


def _mangle(lines: list[str], rng: random.Random) -> list[str]:
    """Header noise seen in real mail: odd case, duplicates, trailing blanks."""
    i = rng.randrange(len(lines))
    name, _, value = lines[i].partition(": ")
    pick = rng.random()
    if pick < 0.4:
        lines[i] = f"{name.lower()}: {value}"
    elif pick < 0.7:
        lines.insert(i, lines[i])
    else:
        lines[i] = f"{name}:  {value} "
    return lines
