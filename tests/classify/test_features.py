from spamintel.classify.features import Extractor
from spamintel.classify.malware import EICAR
from spamintel.config import ClassifyConfig

from .conftest import mime_message, parse_bytes


def test_flags_and_malware_become_tokens():
    data = mime_message(subject="Invoice", text="http://bit.ly/x",
                        attachments=(("bill.pdf.exe", b"MZ\x90\x00"),))
    feats = Extractor().extract(parse_bytes(data))
    assert "url_shortener" in feats.flags
    assert any(v.startswith("double_extension") for v in feats.virus)
    assert {"f:url_shortener", "f:double_extension", "f:risky_attachment"} <= feats.tokens


def test_yara_can_be_switched_off():
    data = mime_message(subject="x", text="y", attachments=(("e.txt", EICAR),))
    feats = Extractor(ClassifyConfig(builtin_yara=False)).extract(parse_bytes(data))
    assert "eicar" in feats.virus and not any(v.startswith("yara:") for v in feats.virus)


def test_credential_yara_hit_is_a_phishing_flag_not_malware():
    page = (b'<html><form action="https://x.example/p"><input type="password"></form></html>')
    data = mime_message(subject="x", text="y", attachments=(("page.txt", page),))
    feats = Extractor().extract(parse_bytes(data))
    assert "yara:html_credential_harvest" in feats.flags
    assert not feats.virus
