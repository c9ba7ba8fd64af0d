from spamintel.parse.urls import find_urls, url_domains


def test_urls_from_text_and_href_in_order_without_duplicates():
    text = "Visit http://shop.example.com/a, or WWW.Example.org today. http://shop.example.com/a"
    markup = '<a HREF="https://login.bank.example.co.uk/x?y=1">here</a> www.other.example'
    urls = find_urls(text, markup, 100)
    assert urls == ["https://login.bank.example.co.uk/x?y=1", "http://shop.example.com/a",
                    "WWW.Example.org", "www.other.example"]
    assert url_domains(urls) == ["example.co.uk", "example.com", "example.org",
                                 "other.example"]


def test_letters_that_grow_when_lower_cased_do_not_shift_positions():
    text = "İİİİ see http://pills.example.net/buy now"
    assert find_urls(text, "", 10) == ["http://pills.example.net/buy"]


def test_either_scheme_in_any_case_and_words_that_only_begin_like_one():
    text = "httpd HTTPS://A.example/x http:/no hTtP://b.example/?u=http://c.example"
    assert find_urls(text, "", 10) == ["HTTPS://A.example/x", "hTtP://b.example/?u=http://c.example"]


def test_urls_among_text_in_other_scripts():
    text = "Цены ВЫГОДНО www.Shop.example/скидка ЖМИ HTTPS://x.example 東京"
    markup = '<A hReF="http://y.example/ü">Ж</a>'
    assert find_urls(text, markup, 10) == [
        "http://y.example/ü", "www.Shop.example/скидка", "HTTPS://x.example"]


def test_doctype_and_namespace_identifiers_are_not_links():
    markup = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
              '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
              '<html xmlns="http://www.w3.org/1999/xhtml" '
              "XMLNS:m='http://schemas.microsoft.com/office/2004/12/omml'>"
              '<a href="http://pay.example.net/login">pay</a> '
              'see http://www.w3.org/standards/ for the rules</html>')
    assert find_urls("pay", markup, 10) == [
        "http://pay.example.net/login", "http://www.w3.org/standards/"]


def test_an_identifier_left_open_does_not_hide_the_links_after_it():
    markup = '<html xmlns="http://www.w3.org/1999/xhtml ' + "x" * 400 + (
        ' <a href="http://pay.example.net/login">pay</a>')
    assert find_urls("", markup, 10) == ["http://pay.example.net/login"]


def test_character_references_in_markup_are_decoded_as_a_browser_decodes_them():
    markup = ('<a href="h&#116;tp://evil.example/x">x</a> '
              '<a href="&#x68;ttps&#58;//login.example/">y</a> '
              '<a href="http://shop.example/?a=1&amp;b=2">z</a>')
    assert find_urls("", markup, 100) == [
        "http://evil.example/x", "https://login.example/", "http://shop.example/?a=1&b=2"]
    assert url_domains(find_urls("", markup, 100)) == [
        "evil.example", "login.example", "shop.example"]
    # plain text is not markup: what it says is what it is
    assert find_urls("see http://a.example/?a=1&amp;b=2", "", 100) == [
        "http://a.example/?a=1&amp;b=2"]
