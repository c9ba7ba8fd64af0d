"""Forwards: the messages a forward carries as attachments.

People report phishing to an abuse desk by forwarding it as an attachment: Outlook's
"Forward as attachment" and report buttons attach the original as ``message/rfc822``, an
``.eml`` file or an Outlook ``.msg`` file. Read as mail, every event of such a mailbox
is the forward: the desk's own server as client, the reporter as sender. With
``[sources] unwrap_attached`` on, a message that carries such attachments stands for the
messages it carries (``attached_messages``), each with its exact bytes; one that carries
none is itself. Off by default: spam also carries attached messages (a bounce, a
"voicemail"), and on a trap or a feed the carrier is what arrived.
"""

from __future__ import annotations

from email.message import Message

from spamintel.sources._mime import BLANK, HEADERS, body_parts, decoded, split_message

_MESSAGE_TYPES = ("message/rfc822", "message/global")
_OUTLOOK_TYPES = ("application/vnd.ms-outlook",)
_MAX_DEPTH = 3


def attached_messages(data: bytes) -> list[bytes]:
    """The messages ``data`` carries as attachments, in order: ``message/rfc822`` parts,
    ``.eml`` files and Outlook ``.msg`` files (as their bytes; the sources read those).
    Nested multiparts are searched three levels deep. Empty when it carries none."""
    head, body = split_message(data)
    return _walk(HEADERS.parsebytes(head), body, 0)


def _walk(headers: Message, body: bytes, depth: int) -> list[bytes]:
    boundary = headers.get_param("boundary")
    if headers.get_content_maintype() != "multipart" or not isinstance(boundary, str):
        return []
    found: list[bytes] = []
    for part_head, part_body in body_parts(body, boundary.encode("ascii", "replace")):
        part = HEADERS.parsebytes(part_head)
        kind, name = part.get_content_type(), (part.get_filename() or "").lower()
        if kind in _MESSAGE_TYPES or name.endswith(".eml"):
            message = decoded(part, part_body)
            found.append(message if BLANK.search(message) else message + b"\r\n\r\n")
        elif kind in _OUTLOOK_TYPES or name.endswith(".msg"):
            found.append(decoded(part, part_body))
        elif part.get_content_maintype() == "multipart" and depth + 1 < _MAX_DEPTH:
            found += _walk(part, part_body, depth + 1)
    return found
