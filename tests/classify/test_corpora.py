"""Checks on the real corpora (skipped when they are absent); kept to a few seconds."""

import itertools

import pytest
from sklearn.metrics import roc_auc_score

from spamintel.classify import Classifier
from spamintel.classify.corpora import TEST_SHARE, _number, load_corpus
from spamintel.config import ParseConfig
from spamintel.fingerprint import fingerprint
from spamintel.model import RawMessage
from spamintel.parse import parse_message
from spamintel.sources import iter_sources, load_labels

pytestmark = pytest.mark.slow


def test_phishing_pot_split_is_by_collection_order(corpora):
    if not (corpora / "phishing_pot").is_dir():
        pytest.skip("phishing_pot absent")
    msgs = load_corpus(corpora, "phishing_pot")
    train = [_number(m.raw.source) for m in msgs if m.split == "train"]
    test = [_number(m.raw.source) for m in msgs if m.split == "test"]
    assert max(train) < min(test)
    assert abs(len(test) / len(msgs) - TEST_SHARE["phishing_pot"]) < 0.01


def _classify_tail(corpora, n):
    """The last ``n`` TREC dev messages (inside the held-out later part)."""
    tar = corpora / "trec07p" / "trec07p_dev.tar.gz"
    labels = load_labels(corpora / "trec07p" / "index")
    raws = [r for r in iter_sources([tar], labeler=labels) if isinstance(r, RawMessage)]
    raws.sort(key=lambda r: _number(r.source))
    clf, cfg = Classifier(), ParseConfig()
    out = []
    for raw in itertools.islice(reversed(raws), n):
        parsed = parse_message(raw, cfg)
        fingerprint(parsed, cfg)
        out.append((raw.label, clf.classify(parsed)))
    return out


def test_shipped_model_on_held_out_trec_mail(corpora):
    if not (corpora / "trec07p").is_dir():
        pytest.skip("trec07p absent")
    rows = _classify_tail(corpora, 600)
    y = [label != "ham" for label, _ in rows]
    scores = [ev.spam_score for _, ev in rows]
    assert roc_auc_score(y, scores) > 0.99
    ham_fp = sum(1 for label, ev in rows if label == "ham" and ev.verdict != "ham")
    assert ham_fp <= 0.02 * sum(1 for label, _ in rows if label == "ham")


def test_linux_sparse_ham_stays_ham(corpora):
    box = corpora / "linux_sparse_ham" / "linux-sparse_2019-2026.mbox.gz"
    if not box.exists():
        pytest.skip("linux_sparse_ham absent")
    raws = [r for r in iter_sources([box]) if isinstance(r, RawMessage)]
    clf, cfg = Classifier(), ParseConfig()
    tail = raws[-300:]  # the later half is held out from training
    verdicts = []
    for raw in tail:
        parsed = parse_message(raw, cfg)
        fingerprint(parsed, cfg)
        verdicts.append(clf.classify(parsed).verdict)
    assert verdicts.count("ham") >= 0.99 * len(tail)


@pytest.mark.parametrize("corpus, mark", [("phishing_pot", b"phishing@pot"),
                                          ("glitchyzorua_spam_2023_2025", b"[removed]")])
def test_curators_placeholders_are_removed(corpus, mark):
    from spamintel.classify.corpora import _without_placeholders

    raw = RawMessage(data=b"To: " + mark + b"\r\n\r\nhello " + mark, source="x")
    assert mark not in _without_placeholders(raw, corpus).data
    assert _without_placeholders(raw, "trec07p") is raw
