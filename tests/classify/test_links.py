import json

from spamintel.classify.links import LinkFeeds, link_heuristics, load_feed, load_feeds
from spamintel.memo import Memo


def test_urlhaus_csv(tmp_path):
    path = tmp_path / "urlhaus.csv"
    path.write_text('# id,dateadded,url,url_status,threat\n'
                    '"1","2024-01-01 00:00:00","http://bad.example.net/x.exe","online","malware"\n')
    feeds = load_feed(path)
    assert feeds.match(["http://bad.example.net/x.exe"]) == ["feed:urlhaus:bad.example.net"]


def test_phishtank_json_and_csv(tmp_path):
    js = tmp_path / "phishtank.json"
    js.write_text(json.dumps([{"phish_id": 1, "url": "http://login.example.org/p"}]))
    csvf = tmp_path / "phishtank2.csv"
    csvf.write_text("phish_id,url,verified\n2,http://other.example.com/q,yes\n")
    feeds = load_feeds([str(js), str(csvf)])
    assert feeds.match(["http://login.example.org/p"]) == ["feed:phishtank:login.example.org"]
    assert feeds.match(["http://login.example.org/other-page"]) == []
    assert feeds.match(["http://other.example.com/q"]) == ["feed:phishtank2:other.example.com"]


def test_openphish_text_and_domain_list(tmp_path):
    op = tmp_path / "openphish.txt"
    op.write_text("https://a.example.net/login\n")
    dl = tmp_path / "blocklist.txt"
    dl.write_text("# domains\nbad.example\n0.0.0.0 worse.example\n")
    feeds = load_feeds([str(op), str(dl)])
    assert feeds.match(["https://a.example.net/login"])
    assert feeds.match(["http://www.bad.example/"]) == ["feed:blocklist:www.bad.example"]
    assert feeds.match(["http://worse.example/"])
    assert feeds.match(["http://good.example/"]) == []


def test_empty_feeds_match_nothing():
    assert LinkFeeds().match(["http://x.example/"]) == []


def test_link_heuristics():
    flags = link_heuristics(["http://198.51.100.4/bank/login", "http://x.example/get/setup.exe",
                             "http://www.bank.example@evil.example/", "http://fine.example/"])
    assert "link_ip_host:198.51.100.4" in flags
    assert "link_executable:setup.exe" in flags
    assert "link_userinfo" in flags
    assert link_heuristics(["https://example.org/page.html"]) == []


def test_link_heuristics_list_each_flag_once_in_link_order_on_every_call():
    urls = ["http://a.example@198.51.100.9/x/run.EXE?x=1", "http://b.example/",
            "http://c.example:8080@d.example/", "http://a.example@198.51.100.9/x/run.EXE?x=1"]
    want = ["link_executable:run.exe", "link_userinfo", "link_ip_host:198.51.100.9"]
    assert link_heuristics(urls) == want
    assert link_heuristics(urls) == want  # a second look gives the same answer
    assert link_heuristics(urls[1:2]) == []
    assert link_heuristics([f"http://h{i}.example/f{i}.scr" for i in range(60)]) == [
        f"link_executable:f{i}.scr" for i in range(50)]  # the first 50 links only


def test_link_flags_remembered_within_a_bound(monkeypatch):
    from spamintel.classify import links

    monkeypatch.setattr(links, "_URL_FLAGS", Memo(links._url_flags, 5))
    urls = [f"http://198.51.100.{i}/p" for i in range(12)]
    assert link_heuristics(urls) == [f"link_ip_host:198.51.100.{i}" for i in range(12)]
    assert len(links._URL_FLAGS) <= 5
    assert link_heuristics(urls[:2]) == ["link_ip_host:198.51.100.0", "link_ip_host:198.51.100.1"]
