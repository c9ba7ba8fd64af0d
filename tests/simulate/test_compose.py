import email
import email.policy
import random
from datetime import UTC, datetime

from spamintel.simulate.compose import Attachment, Envelope, compose
from spamintel.simulate.content import Rendered
from spamintel.simulate.headers import Ctx
from spamintel.simulate.templates import load_profiles

CTX = Ctx(datetime(2011, 3, 16, 9, 0, tzinfo=UTC), 180, "PC-1", "1.2.3.4", "a.example",
          "b.example")
ENV = Envelope("x@a.example", "y@b.example", "Y")


def _body(lang="en", text="Hello\n\nVisit http://u.example/\n"):
    return Rendered("Subj", "Sender", text, "http://u.example/", "none", "", lang)


def test_header_order_follows_the_template():
    _, headers = load_profiles()
    for name, tpl in headers.items():
        raw = compose(tpl, _body(), CTX, ENV, random.Random(1))
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        order = [k for k in tpl.order if not k.endswith("Received")]
        positions = [order.index(k) for k, _ in msg.items() if k in order]
        assert len(positions) >= 4 and positions == sorted(positions), name


def test_cyrillic_text_is_declared_and_decodes():
    _, headers = load_profiles()
    raw = compose(headers["oe6"], _body("ru", "Здравствуйте!\n"), CTX, ENV, random.Random(3))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    part = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
    assert part.get_content_charset() in ("windows-1251", "koi8-r")
    assert "Здравствуйте" in part.get_content()


def test_broken_mime_shows_as_defects_but_still_parses():
    _, headers = load_profiles()
    defects = 0
    for seed in range(40):
        raw = compose(headers["oe6"], _body(), CTX, ENV, random.Random(seed), broken=True)
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        defects += sum(len(p.defects) for p in msg.walk()) > 0
    assert defects >= 10


def test_attachment_is_base64_and_named():
    _, headers = load_profiles()
    att = Attachment("Invoice_1.zip", "application/zip", b"PK\x03\x04data")
    raw = compose(headers["phpmailer"], _body(), CTX, ENV, random.Random(4), attachment=att)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/mixed"
    (part,) = [p for p in msg.walk() if p.get_filename()]
    assert part.get_filename() == "Invoice_1.zip" and part.get_content() == b"PK\x03\x04data"
