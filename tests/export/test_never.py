"""The domains no feed lists: shipped labels and a site's allow list."""

from spamintel.export._never import load_allow_list, never_labels, never_listed


def test_brand_and_platform_domains_in_any_country_are_never_listed():
    for domain in ("paypal.com", "google.co.uk", "amazon.com.br", "x1.cloudfront.net",
                   "storage.googleapis.com", "bit.ly", "foo.blogspot.com", "banco.bradesco"):
        assert never_listed(domain), domain


def test_lookalikes_and_the_top_level_label_do_not_count():
    for domain in ("paypa1.com", "paypal-login.ru", "com-secure.xyz", "appledger.live",
                   "paypal.account.hosting-shared.net"):
        assert not never_listed(domain), domain


def test_allow_list_file_covers_subdomains(tmp_path):
    path = tmp_path / "allow.txt"
    path.write_text("# our partners\nPartner.example.\n\nshop.example.net  # a shop\n")
    allow = load_allow_list(path)
    assert allow == frozenset({"partner.example", "shop.example.net"})
    assert never_listed("mail.partner.example", allow)
    assert not never_listed("example.net", allow)


def test_the_shipped_list_is_words_not_comments():
    labels = never_labels()
    assert {"paypal", "google", "amazonaws", "sendgrid"} <= labels
    assert not any(label.startswith("#") or "." in label[1:] for label in labels)
