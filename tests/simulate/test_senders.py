import random

from spamintel.simulate.senders import org_domain, sender_address


def test_automated_mail_comes_from_a_role_mailbox_of_the_server_domain():
    rng = random.Random(3)
    for style, roles in (("org_service", {"no-reply", "noreply", "orders", "service",
                                          "customerservice", "support", "account", "info"}),
                         ("org_news", {"news", "newsletter", "info", "mailings", "marketing",
                                       "hello"})):
        for seed in range(20):
            local, _, domain = sender_address(style, rng, "x.example", "isp.example",
                                              seed).partition("@")
            assert local in roles and domain == org_domain(seed)


def test_people_write_from_personal_mailboxes():
    local = sender_address("org", random.Random(1), "x.example", "isp.example", 5)
    assert local.endswith("@" + org_domain(5))
    assert local.split("@")[0] not in ("no-reply", "news")
