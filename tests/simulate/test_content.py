import random
import statistics
from datetime import date

from spamintel.simulate.content import load_templates, recipient_name, render_content

LEGIT = ("legit_personal", "legit_newsletter", "legit_notification", "legit_account",
         "legit_statement")


def _render(name: str, seed: int, local: str = "anna.smith"):
    t = load_templates()[name]
    return render_content(t, random.Random(seed), "http://www.bluestar.com/12", "", local,
                          date(2011, 3, 9))


def test_recipient_name_comes_from_the_mailbox_when_it_shows_one():
    assert recipient_name("anna.smith") == ("Anna", "Anna Smith")
    assert recipient_name("paul77") == ("Paul", "Paul")
    assert recipient_name("xkqwzt") == ("", "")


def test_legitimate_mail_is_as_long_as_real_correspondence():
    # real ham (Enron, SpamAssassin, CSDMC) has a median of 140-230 words
    for name in LEGIT:
        words = [len(_render(name, s).text.split()) for s in range(40)]
        assert statistics.median(words) >= 60, name


def test_legitimate_mail_greets_the_recipient_and_signs_as_the_sender():
    for seed in range(20):
        r = _render("legit_personal", seed)
        assert r.text.split(",", 1)[0].endswith("Anna")
        assert r.from_name.split()[0] in r.text
    greeting = _render("legit_personal", 1, "xkqwzt").text.split(",", 1)[0]
    assert greeting.split()[0] in ("Hi", "Hello", "Dear") and len(greeting.split()) == 2


def test_newsletters_link_to_their_own_site_several_times():
    r = _render("legit_newsletter", 3)
    assert r.text.count("http://www.bluestar.com/") >= 4
    assert "unsubscribe" in r.text.lower()


def test_rendering_is_deterministic():
    for name in load_templates():
        assert _render(name, 5) == _render(name, 5)
