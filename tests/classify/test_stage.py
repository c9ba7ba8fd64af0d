import copy
import dataclasses

import pytest

from spamintel.classify import Classifier, ClassifyConfig, classify
from spamintel.classify.linear import LinearModel
from spamintel.classify.lookup import token_hashes
from spamintel.classify.malware import EICAR
from spamintel.model import VERDICTS
from spamintel.testing import make_message

from .conftest import mime_message, parse_bytes

HAM = make_message(subject="Re: patch review for the parser",
                   body="Thanks, I applied the patch to the tree. The test suite passes on my "
                        "machine; could you send a v2 with the commit message fixed?")
SPAM = mime_message(
    subject="Cheap VIAGRA and CIALIS - 80% off, no prescription",
    html="<p>Best online pharmacy! Buy viagra, cialis, levitra pills at lowest prices. "
         "No prescription needed. Order now: <a href='http://cheap-meds.example.ru/'>click</a>",
    sender="xkq@cheap-meds.example.ru", display="Online Pharmacy")


@pytest.fixture(scope="module")
def clf():
    return Classifier()


def test_obvious_ham_and_spam(clf):
    ham, spam = clf.classify(parse_bytes(HAM)), clf.classify(parse_bytes(SPAM))
    assert ham.verdict == "ham" and ham.category is None
    assert spam.verdict == "spam" and spam.category == "pharma"
    assert spam.spam_score > 0.9 and ham.spam_score < 0.3
    assert any(r.startswith("category_rule:pharma") for r in spam.classify_reasons)
    assert spam.model_version == clf.model.version


def test_eicar_attachment_is_malware(clf):
    ev = clf.classify(parse_bytes(mime_message(subject="Invoice", text="see attached",
                                               attachments=(("invoice.com", EICAR),))))
    assert ev.verdict == "malware" and ev.is_virus and ev.category == "malware"
    assert "eicar" in ev.classify_reasons and "yara:eicar_test_file" in ev.classify_reasons


def test_phishing_message(clf):
    html = ("<p>Dear customer, we detected unusual activity. Your account has been limited. "
            "Verify your account within 24 hours or it will be suspended.</p>"
            "<a href='http://paypa1-secure.example.com/login'>https://www.paypal.com/signin</a>"
            "<form action='http://paypa1-secure.example.com/p'><input type='password'></form>")
    ev = clf.classify(parse_bytes(mime_message(
        subject="Your PayPal account has been limited", html=html, display="PayPal",
        sender="service@paypa1-secure.example.com")))
    assert ev.verdict == "phish" and ev.is_phish and ev.category == "phishing"
    assert ev.has_malicious_link  # the lookalike domain
    assert any(r.startswith("brand_display_mismatch:paypal") for r in ev.classify_reasons)


def test_feed_listed_link(tmp_path):
    feed = tmp_path / "openphish.txt"
    feed.write_text("http://cheap-meds.example.ru/\n")
    ev = Classifier(ClassifyConfig(link_feeds=(str(feed),))).classify(parse_bytes(SPAM))
    assert ev.has_malicious_link
    assert "feed:openphish:cheap-meds.example.ru" in ev.classify_reasons


def test_thresholds_from_config_override_the_model():
    cfg = ClassifyConfig(spam_threshold=0.999999)
    assert classify(parse_bytes(SPAM), dataclasses.replace(cfg)).verdict in ("ham", "spam")
    assert classify(parse_bytes(HAM), ClassifyConfig(spam_threshold=1e-9)).verdict == "spam"


def test_hostile_and_empty_messages_get_a_verdict(clf):
    for data in (b"", b"\x00\xff" * 100, b"Subject: x\r\n\r\n", b"From: <<<>>>\r\n\r\n" * 50,
                 mime_message(subject="zip", attachments=(("a.zip", b"PK\x03\x04bad"),))):
        ev = clf.classify(parse_bytes(data))
        assert ev.verdict in VERDICTS and 0.0 <= ev.spam_score <= 1.0


def test_no_chunk_scores_when_sums_depend_on_their_order(clf):
    inexact = LinearModel(clf.model.tokens[:50], clf.model.weights[:50] * 1.0001,
                          clf.model.bias, clf.model.categories, {})
    assert inexact.score_many([token_hashes(set(clf.model.tokens[:9]))]) is None
    batch = Classifier()
    batch.model = inexact
    parsed = [parse_bytes(HAM), parse_bytes(SPAM)]
    alone = [dataclasses.asdict(batch.classify(p)) for p in copy.deepcopy(parsed)]
    assert [dataclasses.asdict(ev) for ev in batch.classify_batch(parsed)] == alone


def test_classify_batch_gives_each_message_its_own_verdict(clf):
    datas = [HAM, SPAM, b"", b"\x00\xff" * 100,
             mime_message(subject="Invoice", text="see attached",
                          attachments=(("invoice.com", EICAR),))]
    alone = [dataclasses.asdict(clf.classify(parse_bytes(d))) for d in datas]
    parsed = [parse_bytes(d) for d in datas]
    events = clf.classify_batch(copy.deepcopy(parsed))
    assert [dataclasses.asdict(ev) for ev in events] == alone
    assert [ev.verdict for ev in events][:2] == ["ham", "spam"]
    assert clf.classify_batch([]) == []
