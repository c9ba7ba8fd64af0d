"""Outlook ``.msg`` files (MS-OXMSG): the message they hold, rebuilt as Internet mail.

Phishing reported by users reaches abuse desks and CERTs as ``.msg`` files saved from
Outlook. Such a file is an OLE compound file of MAPI properties, not RFC 5322 text. What
the receiving server wrote is kept whole in one property (``PR_TRANSPORT_MESSAGE_HEADERS``,
the header block as it arrived: Received chain, Message-ID, X-Mailer, in their order);
the bodies (plain text, HTML) and each attachment are properties of their own. The
message is rebuilt from these: the transport header block unchanged except for the MIME
fields (the original body structure is gone, so ``Content-Type`` keeps its place with a
new value and the transfer encoding the new body's), then a new MIME body
of the text, the HTML and the attachments. A file saved before transport (a draft)
has no transport headers; its From, To, Subject and date come from their properties.

Where the file keeps no HTML body, the compressed RTF one (``PR_RTF_COMPRESSED``) gives
the HTML it encapsulates, or its text when there is no plain body either
(``sources._rtf``): Outlook often keeps the links of a message only there. A message
embedded as an attachment (Outlook's "forward as attachment" saved as one file) is a
storage of its own; it is rebuilt the same way and attached as ``message/rfc822``, three
levels deep at most.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cached_property

import olefile

from spamintel.sources._rtf import MAX_RTF_BYTES, RtfBody, codepage, decompress, rtf_body

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ATTACH = "__attach_version1.0_#"
_MIME_FIELD = re.compile(r"(?im)^(content-type|content-transfer-encoding)[ \t]*:[^\r\n]*"
                         r"(?:\r?\n[ \t][^\r\n]*)*")
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
_MIME_TYPE = re.compile(r"[A-Za-z0-9][\w.+-]{0,63}/[A-Za-z0-9][\w.+-]{0,127}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# property ids (MS-OXPROPS)
_HEADERS, _SUBJECT, _BODY, _HTML, _RTF = 0x007D, 0x0037, 0x1000, 0x1013, 0x1009
_FROM_NAME, _FROM_ADDR, _FROM_SMTP, _TO = 0x0C1A, 0x0C1F, 0x5D01, 0x0E04
_INTERNET_CPID, _SUBMIT_TIME, _DELIVERY_TIME = 0x3FDE, 0x0039, 0x0E06
_ATTACH_DATA, _ATTACH_LONG_NAME, _ATTACH_NAME, _ATTACH_MIME = 0x3701, 0x3707, 0x3704, 0x370E
_DISPLAY_NAME = 0x3001
_EMBEDDED = "__substg1.0_3701000D"  # the storage of a message attached as a message
_MAX_DEPTH = 3
# a properties stream's header: the file's message, a message embedded in it, the rest
_TOP_HEADER, _EMBEDDED_HEADER, _PART_HEADER = 32, 24, 8
_SMTP = policy.SMTP.clone(refold_source="none")  # an embedded message's header as rebuilt


class OutlookError(ValueError):
    """A file with the OLE signature that holds no readable Outlook message."""


def read_outlook(data: bytes) -> bytes:
    """The message of an Outlook ``.msg`` file as RFC 5322 bytes; ``OutlookError`` when
    the file is no Outlook message or cannot be read."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any fault of a hostile file is a failure
        raise OutlookError(f"unreadable OLE file: {type(exc).__name__}") from exc
    with ole:
        if not ole.exists("__properties_version1.0"):
            raise OutlookError("an OLE file that is no Outlook message")
        try:
            return _message(_Props(ole, "", _TOP_HEADER, _Budget(streams=2 * len(data))),
                            hashlib.sha256(data).hexdigest(), 0)
        except OutlookError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise OutlookError(f"unreadable Outlook message: {type(exc).__name__}") from exc


@dataclass
class _Budget:
    """What a file may still give, all its messages together: RTF bytes to decode (each
    stream can claim eight times its size), and stream bytes to read. Streams of a
    well-formed file hold at most the file's bytes; a hostile one can start a hundred
    streams inside one sector chain, each reading on to its end."""

    streams: int
    left: int = MAX_RTF_BYTES


class _Props:
    """The MAPI properties of one storage (a message, or one attachment)."""

    def __init__(self, ole: olefile.OleFileIO, prefix: str, header: int,
                 budget: _Budget) -> None:
        self.ole, self.prefix, self.header, self.budget = ole, prefix, header, budget

    def child(self, prefix: str, header: int) -> _Props:
        """The properties of a storage inside this file."""
        return _Props(self.ole, prefix, header, self.budget)

    def raw(self, prop: int, kind: str) -> bytes | None:
        """The bytes of a variable-size property of type ``kind`` (``0102``: binary)."""
        name = f"{self.prefix}__substg1.0_{prop:04X}{kind}"
        if not self.ole.exists(name):
            return None
        data = self.ole.openstream(name).read(self.budget.streams + 1)
        self.budget.streams -= len(data)
        if self.budget.streams < 0:
            raise OutlookError("its streams hold more bytes than the file (overlapping streams)")
        return data

    def text(self, prop: int) -> str | None:
        """A string property, stored as UTF-16 (``001F``) or in the ANSI code page."""
        wide = self.raw(prop, "001F")
        if wide is not None:
            return wide.decode("utf-16-le", "replace").rstrip("\0") or None
        narrow = self.raw(prop, "001E")
        return narrow.decode("cp1252", "replace").rstrip("\0") or None if narrow else None

    @cached_property
    def _fixed_values(self) -> dict[int, bytes]:
        """Tag → 8-byte value of every fixed-size property (the properties stream)."""
        name = f"{self.prefix}__properties_version1.0"
        if not self.ole.exists(name):
            return {}
        stream = self.ole.openstream(name).read()
        return {struct.unpack_from("<I", stream, at)[0]: stream[at + 8:at + 16]
                for at in range(self.header, len(stream) - 15, 16)}

    def fixed(self, prop: int, kind: int) -> bytes | None:
        """The 8-byte value of a fixed-size property, or None."""
        return self._fixed_values.get((prop << 16) | kind)

    def attachments(self) -> list[str]:
        """The storage prefix of each of this message's attachments, in order."""
        parts = self.prefix.split("/")[:-1]
        depth = len(parts)
        return sorted({"/".join(e[:depth + 1]) + "/" for e in self.ole.listdir()
                       if len(e) > depth + 1 and e[:depth] == parts
                       and e[depth].startswith(_ATTACH)})


def _message(props: _Props, tag: str, depth: int) -> bytes:
    """The rebuilt message of the storage ``props``; ``tag`` names its MIME boundaries."""
    body = EmailMessage(policy=policy.SMTP)
    _bodies(body, props)
    for prefix in props.attachments():
        _attach(body, props.child(prefix, _PART_HEADER), tag, depth)
    # boundaries from the file's bytes: the same file always gives the same message,
    # so ingesting it again stores nothing new
    for index, part in enumerate(p for p in body.walk() if p.is_multipart()):
        part.set_boundary(f"=_outlook_{tag[:24]}_{index}")
    mime_body = body.as_bytes(policy=_SMTP).partition(b"\r\n\r\n")[2]
    mime = [f"Content-Type: {body['Content-Type']}", "Content-Transfer-Encoding: "
            + str(body.get("Content-Transfer-Encoding", "7bit"))]
    headers = props.text(_HEADERS)
    head = _transport_head(headers, mime) if headers else _made_head(props, mime)
    return head.encode("utf-8", "replace") + b"\r\n\r\n" + mime_body


def _bodies(body: EmailMessage, props: _Props) -> None:
    plain, html = props.text(_BODY), _html(props)
    rtf = _rtf(props) if html is None else None
    if rtf is not None and rtf.subtype == "html":
        html = rtf.content
    elif rtf is not None and plain is None:
        plain = rtf.content
    if plain is None and html is None:
        body.set_content("")
        return
    if plain is not None:
        body.set_content(plain)
    if html is not None:
        if plain is None:
            body.set_content(html, subtype="html")
        else:
            body.add_alternative(html, subtype="html")


def _html(props: _Props) -> str | None:
    raw = props.raw(_HTML, "0102")
    return None if raw is None else raw.decode(_charset(props), "replace")


def _rtf(props: _Props) -> RtfBody | None:
    """The body the compressed RTF property holds; None without one or when damaged."""
    raw = props.raw(_RTF, "0102")
    if raw is None or props.budget.left <= 0:
        return None
    try:
        rtf = decompress(raw, limit=props.budget.left)
    except ValueError:
        return None
    props.budget.left -= len(rtf)
    return rtf_body(rtf)


def _charset(props: _Props) -> str:
    """The HTML body's code page (``PR_INTERNET_CPID``), as a Python codec name."""
    value = props.fixed(_INTERNET_CPID, 0x0003)
    return codepage(struct.unpack_from("<I", value)[0] if value else 65001, "utf-8")


def _attach(body: EmailMessage, props: _Props, tag: str, depth: int) -> None:
    data = props.raw(_ATTACH_DATA, "0102")
    if data is None:
        # a message attached as a message is a storage of MAPI properties; an OLE object
        # (an embedded Word document) has a storage of the same name without them
        if (props.ole.exists(f"{props.prefix}{_EMBEDDED}/__properties_version1.0")
                and depth + 1 < _MAX_DEPTH):
            _attach_message(body, props, tag, depth + 1)
        return  # an OLE object, or a message nested too deep: not bytes
    name = _name(props.text(_ATTACH_LONG_NAME) or props.text(_ATTACH_NAME) or "attachment")
    kind = props.text(_ATTACH_MIME) or ""
    kind = kind if _MIME_TYPE.fullmatch(kind) else "application/octet-stream"
    maintype, _, subtype = kind.partition("/")
    body.add_attachment(data, maintype=maintype or "application",
                        subtype=subtype or "octet-stream", filename=name)


def _attach_message(body: EmailMessage, props: _Props, tag: str, depth: int) -> None:
    """A message embedded as an attachment, rebuilt like the file's own."""
    prefix = props.prefix + _EMBEDDED + "/"
    inner_tag = hashlib.sha256((tag + prefix).encode()).hexdigest()
    inner = _message(props.child(prefix, _EMBEDDED_HEADER), inner_tag, depth)
    name = _name(props.text(_ATTACH_LONG_NAME) or props.text(_DISPLAY_NAME) or "message")
    body.add_attachment(message_from_bytes(inner, policy=_SMTP), filename=name)


def _name(text: str) -> str:
    """An attachment's name as a header parameter holds it: control characters (a line
    break would end the header) become spaces."""
    return _CONTROL.sub(" ", text).strip() or "attachment"


def _transport_head(headers: str, mime: list[str]) -> str:
    """The header block as it arrived, its MIME fields set to the rebuilt body's."""
    head = headers.replace("\r\n", "\n").strip("\n").replace("\n", "\r\n")
    seen = {"content-type": mime[0], "content-transfer-encoding": mime[1]}

    def replace(m: re.Match[str]) -> str:
        return seen.pop(m.group(1).lower(), "")

    head = _MIME_FIELD.sub(replace, head)
    head = re.sub(r"(\r\n)+", "\r\n", head).strip("\r\n")
    return "\r\n".join([head, *seen.values()])


def _made_head(props: _Props, mime: list[str]) -> str:
    """Header fields from the properties of a message saved before transport."""
    sender = props.text(_FROM_SMTP) or props.text(_FROM_ADDR)
    name = props.text(_FROM_NAME)
    fields = [f"From: {name} <{sender}>" if name and sender else f"From: {sender or name or ''}",
              f"To: {props.text(_TO) or ''}", f"Subject: {props.text(_SUBJECT) or ''}"]
    when = props.fixed(_SUBMIT_TIME, 0x0040) or props.fixed(_DELIVERY_TIME, 0x0040)
    if when:
        ticks = struct.unpack_from("<Q", when)[0]
        with contextlib.suppress(OverflowError):
            fields.append("Date: " + format_datetime(_FILETIME_EPOCH
                                                     + timedelta(microseconds=ticks // 10)))
    fields += ["MIME-Version: 1.0", *mime]
    return "\r\n".join(f.replace("\r", " ").replace("\n", " ") for f in fields)
