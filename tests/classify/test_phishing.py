from spamintel.classify.phishing import brand_mentions, lookalike, phishing_flags
from spamintel.memo import Memo

from .conftest import mime_message, parse_bytes


def flags_of(**kwargs):
    return phishing_flags(parse_bytes(mime_message(**kwargs)))


def test_brand_in_display_name_from_a_foreign_domain():
    flags = flags_of(subject="Notice", text="hi", display="PayPal Service",
                     sender="service@secure-mail.example.net")
    assert "brand_display_mismatch:paypal" in flags


def test_brand_sending_from_its_own_domain_is_fine():
    flags = flags_of(subject="Your PayPal receipt", text="hi", display="PayPal",
                     sender="service@paypal.com")
    assert not any(f.startswith("brand_") for f in flags)


def test_link_text_that_names_another_domain():
    html = '<p>Log in at <a href="http://evil.example.net/login">https://www.paypal.com</a></p>'
    assert any(f.startswith("link_text_mismatch:paypal.com->example.net")
               for f in flags_of(subject="x", html=html))


def test_matching_link_text_is_fine():
    html = '<a href="https://www.example.org/a">www.example.org</a>'
    assert not any(f.startswith("link_text") for f in flags_of(subject="x", html=html))


def test_credential_form_in_body_and_in_html_attachment():
    form = '<form action="http://x.example.net/p"><input type="password" name="pw"></form>'
    assert "credential_form" in flags_of(subject="x", html=form)
    flags = flags_of(subject="x", text="see attached", attachments=(("login.html", form.encode()),))
    assert {"html_attachment", "credential_form_attachment"} <= set(flags)


def test_lookalike_and_homoglyph_domains_and_shorteners():
    assert lookalike("paypa1.com") == "paypal"
    assert lookalike("paypal-secure-login.com") == "paypal"
    assert lookalike("paypal.com") is None and lookalike("example.com") is None
    flags = flags_of(subject="x", text="go http://xn--pypal-4ve.com/a and https://bit.ly/abc")
    assert "url_shortener" in flags
    assert any(f.startswith("homoglyph_domain:") for f in flags)


def test_a_brands_own_platform_and_top_level_domain_are_not_lookalikes():
    for host in ("fonts.googleapis.com", "storage.googleapis.com", "m.media-amazon.com",
                 "bucket-7.s3.us-east-2.amazonaws.com", "banco.bradesco", "www.paypal.com"):
        assert lookalike(host) is None, host


def test_the_brand_in_labels_the_sender_chose_is_a_lookalike():
    assert lookalike("paypal-login.s3.amazonaws.com") == "paypal"  # a tenant's bucket
    assert lookalike("paypal.com.secure-login.example") == "paypal"
    assert lookalike("icloud.josten-tortechnik.de") == "icloud"


def test_a_plain_international_domain_is_not_a_homoglyph():
    flags = flags_of(subject="x", text="см. http://xn--e1afmkfd.xn--p1ai/page")
    assert any(f.startswith("idn_domain:") for f in flags)
    assert not any(f.startswith("homoglyph") for f in flags)


def test_brand_mentions_are_whole_words():
    assert brand_mentions("Apple ID locked") == ["apple"]
    assert brand_mentions("pineapple") == []


def test_anchor_pattern_finds_what_its_plain_backtracking_form_finds():
    import random
    import re

    from spamintel.classify.phishing import _ANCHOR

    plain = re.compile(  # the definition; _ANCHOR only gives up hopeless retries sooner
        r"""<a\s[^>]{0,300}?href\s*=\s*["']?([^"'\s>]{1,500})[^>]{0,300}>([^<]{4,200})""",
        re.I)
    rng = random.Random(3)
    parts = ["<a href='http://x.example/'>", "<A HREF=http://y.example>", "<a\nhref=\"www.z",
             "<abbr>", "<a>", "paypal.com", "text ", "</a>", "<", ">", "\"", "'", " ", "<a ",
             "<img src=x>", "href", " = ", "data-href=", "x" * 290, "y" * 480, "\t"]
    pages = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 40))) for _ in range(1000)]
    pages.append("<a href='http://a.example/'>see www.b.example now</a>" * 3)
    pages.append("<a href=\"http://" + "u" * 600 + "\"><img src=x></a>")
    pages += ["<a href=u " + "x" * (gap - 1) + ">text" for gap in (299, 300, 301)]
    pages.append("<a href=u>abc</a><a href=v>abcd</a>")
    for page in pages:
        assert [m.groups() for m in _ANCHOR.finditer(page)] == plain.findall(page), page


def test_brand_mentions_match_the_word_definition():
    import random
    import re

    from spamintel.classify.phishing import BRANDS

    def reference(text):
        return sorted(set(BRANDS).intersection(re.findall(r"[a-z0-9]+", text.lower())))

    rng = random.Random(5)
    parts = ["PayPal", "paypal", "ebay", "Apple", "apple2", "-", " ", ".", "é", "\u212a",
             "\u0130", "ıtau", "itau", "\ud800", "DHL", "dhl_", "x", "0", "chase", "ß"]
    texts = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    texts += ["Your \u212aLM account", "\u0130TAU bank", "PAYPAL-service", ""]
    for text in texts:
        assert brand_mentions(text) == reference(text), text


def test_link_hosts_remembered_within_a_bound(monkeypatch):
    from spamintel.classify import phishing

    monkeypatch.setattr(phishing, "_HOST_OF", Memo(phishing.url_host, 4))
    monkeypatch.setattr(phishing, "_HOST_FLAGS", Memo(phishing._host_flags, 4))
    urls = [f"http://paypa1-{i}.example/x" for i in range(10)] + ["http://198.51.100.7/"]
    flags = phishing._domain_flags([], phishing._hosts(urls, limit=20))
    assert flags == [f"lookalike_domain:paypa1-{i}.example" for i in range(10)] + ["ip_url"]
    assert len(phishing._HOST_OF) <= 4 and len(phishing._HOST_FLAGS) <= 4
    assert phishing._hosts(urls[:1]) == ["paypa1-0.example"]
