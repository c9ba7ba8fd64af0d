"""Held-out legitimate mail, as sent and dressed as today's mail clients send it.

Every held-out linux-sparse ham message (later half, never trained on) is classified
twice by the shipped model: as sent, and rebuilt as multipart/alternative with its own
text plus an XHTML copy of it (DOCTYPE and namespace as HTML editors write them), every
other header field kept. A model that learned the era of its training mail rather than
its content flags the dressed copies more often.

Run: ``.venv/bin/python bench/accuracy_markup.py`` (about a minute); prints the counts and
writes ``bench/results/accuracy_markup.json``.
"""

from __future__ import annotations

import email
import html
import json
from email import policy
from email.message import EmailMessage
from pathlib import Path

from spamintel.classify.corpora import load_corpus
from spamintel.classify.stage import Classifier
from spamintel.config import ParseConfig, default_corpora_dir
from spamintel.model import RawMessage
from spamintel.parse.message import parse_message

OUT = Path(__file__).parent / "results" / "accuracy_markup.json"
XHTML = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
         '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
         '<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" '
         'content="text/html; charset=utf-8" /></head><body><div>{}</div></body></html>')


def dressed(data: bytes) -> bytes | None:
    """The message with its plain text plus an XHTML copy (None: no plain text, or
    header fields the standard library cannot rebuild)."""
    try:
        msg = email.message_from_bytes(data, policy=policy.default)
        body = msg.get_body(("plain",))
        text = body.get_content() if body else ""
        if not text.strip():
            return None
        out = EmailMessage()
        for name, value in msg.raw_items():
            if not name.lower().startswith("content-") and name.lower() != "mime-version":
                out[name] = " ".join(str(value).split())
        out.set_content(text)
        page = XHTML.format(html.escape(text).replace("\n", "<br />\n"))
        out.add_alternative(page, subtype="html")
        return out.as_bytes()
    except Exception:  # noqa: BLE001 - a message the stdlib cannot rebuild is left out
        return None


def main() -> None:
    """Classify each held-out ham message as sent and dressed; print and write counts."""
    clf, cfg = Classifier(), ParseConfig()
    flagged = {"as_sent": 0, "dressed": 0}
    messages = 0
    for m in load_corpus(default_corpora_dir(), "linux_sparse_ham"):
        copy = dressed(m.raw.data) if m.split == "test" else None
        if copy is None:
            continue
        messages += 1
        for key, data in (("as_sent", m.raw.data), ("dressed", copy)):
            event = clf.classify(parse_message(RawMessage(data=data, source=m.raw.source), cfg))
            flagged[key] += event.verdict != "ham"
    result = {"model_version": clf.model.version, "messages": messages,
              "flagged_not_ham": flagged}
    print(json.dumps(result))
    OUT.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
