from spamintel.domains import registered_domain, url_host


def test_registered_domain_uses_the_public_suffix_list():
    assert registered_domain("a.b.example.co.uk") == "example.co.uk"
    assert registered_domain("mail.example.com.br") == "example.com.br"


def test_ip_literals_stay_and_unknown_or_broken_names_give_none():
    assert registered_domain("192.0.2.7") == "192.0.2.7"
    assert registered_domain("") is None
    assert registered_domain("localhost") is None
    assert registered_domain("xn--.\udcff.example") is None


def test_international_names_resolve_through_idna():
    assert registered_domain("shop.b\u00fccher.de") == "xn--bcher-kva.de"


def test_url_host_drops_scheme_credentials_port_and_path():
    assert url_host("HTTP://user:pw@Mail.Example.COM:8080/a?b#c") == "mail.example.com"
    assert url_host("www.example.org./x") == "www.example.org"
    assert url_host("http:///path") is None


def test_url_host_is_read_as_a_browser_reads_it():
    # percent escapes in the host (a filter-evasion trick) are decoded
    assert url_host("http://%6d%79%68%6f%73%74center.com/x") == "myhostcenter.com"
    assert url_host("http://w%77%77%2eexample%2ecom") == "www.example.com"
    # the host ends at the first character no host name holds
    assert url_host("http://www.voila.fr\u00a0wanadoo") == "www.voila.fr"
    assert url_host("www.example.co.fr&") == "www.example.co.fr"
    assert url_host("http://a.example\\evil.example") == "a.example"
    assert url_host("http://%7bname%7d%20%7bat%7d") is None
    assert url_host("http://b\u00fccher.example/") == "b\u00fccher.example"
