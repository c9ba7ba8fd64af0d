import copy
import re

from spamintel.report.narrative import amount, one_in
from spamintel.report.render import headline_cards, to_html, to_markdown, write_report

EVIL = "<script>alert(1)</script>"


def test_html_is_one_offline_file(march):
    html = to_html(march)
    assert html.count("<svg") >= 2
    assert "src=\"http" not in html and "href=\"http" not in html and "<script" not in html
    for section in ("Headline", "Top botnets", "Events", "Rates", "Categories",
                    "Sources of spam", "Campaigns of the month", "Methodology and confidence"):
        assert section in html


def test_everything_from_a_message_is_escaped(march):
    f = copy.deepcopy(march)
    f["campaigns"] = [{"campaign_id": "c1", "messages": 3, "category": EVIL, "botnets": [EVIL],
                       "subject": EVIL, "first_day": "2011-03-01", "last_day": "2011-03-02"}]
    f["top_url_domains"] = [{"domain": EVIL, "messages": 1}]
    f["spam_countries"] = [{"country": EVIL, "messages": 1, "share": 0.5}]
    f["narrative"] = [EVIL]
    html = to_html(f)
    assert EVIL not in html and "&lt;script&gt;" in html


def test_markdown_and_all_formats(march, tmp_path):
    md = to_markdown(march)
    assert md.startswith("# Spam and botnet intelligence — March 2011")
    assert "## Top botnets" in md and "| Rustock |" in md.replace("| Rustock", "| Rustock |")
    paths = write_report(march, tmp_path, ("html", "md", "json"))
    assert [p.suffix for p in paths] == [".html", ".md", ".json"]


def test_markdown_tables_show_readable_figures(march):
    # shares as percentages and rates with their interval, as the HTML shows them, not
    # raw floating-point values
    md = to_markdown(march)
    assert not re.search(r"\d\.\d{5,}", md)
    share = march["categories"][0]["share"]
    assert f"| {march['categories'][0]['category']} | {100 * share:.1f}% |" in md
    assert "| metric | value | 95% interval | count / of | basis |" in md


def test_small_daily_figures_read_at_their_size(march, tmp_path):
    # an archive's month: one botnet message in 31 days, against a spam a day
    f = copy.deepcopy(march)
    f["botnets"] = [{**f["botnets"][0], "spam_per_day": {
        "value": 1 / 31, "low": 0.001, "high": 0.18, "unit": "messages observed"}}]
    share = next(r for r in f["rates"] if r["metric"] == "botnet_share")
    share.update(numerator=1 / 31, denominator=1.0)
    md = to_markdown(f)
    assert re.search(r"\|\s*0\.032\s*\|", md) and re.search(r"\|\s*0\.032 / 1\s*\|", md)
    html = write_report(f, tmp_path, ("html",))[0].read_text()
    assert "0.032 (0.001–0.2)" in html and "0.032 / 1<" in html


def test_markdown_carries_no_tag_or_link_from_a_message(march):
    f = copy.deepcopy(march)
    f["campaigns"] = [{"campaign_id": "c1", "messages": 3, "category": EVIL, "botnets": [EVIL],
                       "subject": "[win](javascript:alert(1)) " + EVIL,
                       "first_day": "2011-03-01", "last_day": "2011-03-02"}]
    f["top_url_domains"] = [{"domain": "<img src=x onerror=alert(1)>", "messages": 1}]
    f["narrative"] = [EVIL + " ![x](http://evil.example/x.png)"]
    md = to_markdown(f)
    assert "<script" not in md and "<img" not in md
    assert not re.search(r"(?<!\\)\]\(", md)  # every "](" escaped: no link, no image
    assert "&lt;script&gt;" in md and "\\[win\\]" in md


def test_a_line_break_in_message_text_stays_inside_its_table_cell(march):
    f = copy.deepcopy(march)
    f["campaigns"] = [{"campaign_id": "c1", "messages": 3, "category": "pharma",
                       "botnets": ["x"], "subject": "pills\r# heading | a |\r\n$ORIGIN x.\x00"
                       "\u2028## two\x85### three", "first_day": "2011-03-01",
                       "last_day": "2011-03-02"}]
    f["narrative"] = ["Seen: pills\r\n# injected heading"]
    md = to_markdown(f)
    assert not re.search(r"[\r\x00\x85\u2028]", md)
    assert not re.search(r"^#+ (heading|two|three|injected)", md, re.M)
    row = next(line for line in md.splitlines() if "pills" in line and "$ORIGIN" in line)
    assert row.startswith("| ") and "\\|" in row  # one row, its bar escaped


def test_a_simulated_worlds_report_says_so_in_every_format(march):
    assert march["data_source"] is None
    assert "Simulated data" not in to_html(march) and "Simulated data" not in to_markdown(march)
    f = copy.deepcopy(march)
    f["data_source"] = "a simulated world (scenario march-2011, seed 7, scale 1)"
    html, md = to_html(f), to_markdown(f)
    assert "<strong>Simulated data</strong>: every figure below comes from a simulated world" \
        in html
    assert "> **Simulated data**: every figure below comes from a simulated world" in md


def test_one_in_n_rates_are_compared_by_the_previous_months_n(march):
    f = dict(march, previous_month="2011-02",
             headline=dict(march["headline"], virus_rate_1_in=210.0, phishing_rate_1_in=250.0),
             headline_previous=dict(march["headline"], virus_rate_1_in=188.2,
                                    phishing_rate_1_in=None),
             headline_change=dict(march["headline_change"], global_spam_per_day_relative=None))
    cards = {c["label"]: c["change"] for c in headline_cards(f)}
    assert cards["virus rate"] == "was 1 in 188.2 in 2011-02"
    assert cards["phishing rate"] == ""
    assert cards["spam messages / day"] == ""


def test_rates_and_categories_read_as_a_reader_expects(march):
    html, md = to_html(march), to_markdown(march)
    virus = next(r for r in march["rates"] if r["metric"] == "virus_rate_1_in")
    for text in (html, md):
        assert "Virus rate" in text and one_in(virus["value"]) in text
        assert "virus_rate_1_in" not in text.replace("\\_", "_")
        assert "n/a–n/a" not in text
    top = march["categories"][0]
    assert isinstance(top["messages"], int)
    assert f'<td class="num">{amount(top["messages"])}</td>' in html


def test_headline_changes_that_round_to_nothing_read_unchanged(march):
    f = dict(march, previous_month="2011-02", headline_change=dict(
        march["headline_change"], global_spam_per_day_relative=-0.00004,
        botnet_share_points=0.0, spam_rate_points=0.0123))
    cards = {c["label"]: c["change"] for c in headline_cards(f)}
    assert cards["spam messages / day"] == "unchanged vs 2011-02"
    assert cards["spam from botnets"] == "unchanged vs 2011-02"
    assert cards["spam rate"] == "+1.2 points vs 2011-02"


def test_html_shows_direction_overrides_and_control_characters_as_escapes(march):
    f = copy.deepcopy(march)
    f["campaigns"] = [{"campaign_id": "c1", "messages": 3, "category": "malware",
                       "botnets": ["x"], "subject": "invoice\u202efdp.exe\x00\u2066x",
                       "first_day": "2011-03-01", "last_day": "2011-03-02"}]
    html = to_html(f)
    assert "invoice\\u202efdp.exe\\u0000\\u2066x" in html
    assert not re.search("[\u202e\u2066\x00]", html)
