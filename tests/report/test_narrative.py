from spamintel.report.narrative import (
    amount,
    day_name,
    event_magnitude,
    month_name,
    narrative,
    per_day,
)


def test_formatting():
    assert amount(13.82e9) == "13.82bn" and amount(4_100_000) == "4.10m" and amount(12) == "12"
    assert amount(None) == "n/a"
    assert month_name("2011-03") == "March 2011" and day_name("2011-03-16") == "16 March"
    assert per_day(1.23) == "1.2" and per_day(12.4) == "12" and per_day(3.2e9) == "3.20bn"
    # a message a month in a month of 31 days, and a loss of one
    assert per_day(1 / 31) == "0.032" and per_day(-1 / 31) == "-0.032" and per_day(0) == "0.0"


def test_a_small_botnet_reads_at_its_size_not_as_nothing(march):
    f = dict(march)
    f["botnets"] = [{**march["botnets"][0], "spam_per_day": {
        "value": 1 / 31, "low": 0.001, "high": 0.18, "unit": "messages observed"}}]
    assert "(0.032/day," in " ".join(narrative(f))


def test_story_names_dates_and_magnitudes(march):
    text = " ".join(march["narrative"])
    assert "March 2011" in text
    assert "On 16 March" in text and "Rustock stopped sending" in text
    assert "Bagle" in text
    assert "bn" in text and "%" in text


def test_story_without_calibration_says_so(march):
    f = dict(march)
    f["headline"] = dict(march["headline"])
    f["headline"]["global_spam_per_day"] = {"value": 100.0, "low": None, "high": None,
                                            "unit": "messages observed", "basis": "observed"}
    assert "no world total is estimated" in narrative(f)[0]


def test_story_says_how_much_spam_has_no_known_country(march):
    f = dict(march)
    f["spam_countries"] = [{"country": "BR", "messages": 1, "share": 0.01}]
    f["spam_country_unknown_share"] = 0.98
    text = " ".join(narrative(f))
    assert "BR (1.0%)" in text and "source country of 98.0% of spam is not known" in text
    f["spam_country_unknown_share"] = 0.0
    assert "not known" not in " ".join(narrative(f))


def test_the_end_of_a_sender_seen_briefly_is_told_as_such(march):
    f = dict(march)
    (rustock,) = [e for e in march["events"] if e["type"] == "takedown"]
    f["events"] = [rustock]
    assert "short time" not in " ".join(narrative(f))
    f["events"] = [{**rustock, "botnet": "unknown-11", "confidence": 0.29}]
    assert "unknown-11 stopped sending and stayed silent after a short time in the data" in \
        " ".join(narrative(f))


def test_botnets_taken_down_together_are_one_sentence(march):
    f = dict(march)
    (rustock,) = [e for e in march["events"] if e["type"] == "takedown"]
    other = {**rustock, "botnet": "Mega-D", "magnitude": -2.0e9}
    f["events"] = [rustock, other]
    text = " ".join(narrative(f))
    assert text.count("stopped sending") == 1 and text.count("Taking over") <= 1
    assert "Rustock and Mega-D stopped sending" in text
    assert f"(Rustock {amount(-rustock['magnitude'])}, Mega-D 2.00bn)" in text


def test_a_month_without_spam_says_so(march):
    f = dict(march)
    f["headline"] = dict(march["headline"])
    f["headline"]["global_spam_per_day"] = {"value": None, "low": None, "high": None,
                                            "unit": None, "basis": "observed"}
    f["totals"] = {**march["totals"], "spam": 0}
    assert narrative(f)[0] == "In March 2011 the sensors saw no spam."
    # spam ingested after the last analysis: not "no spam"
    f["totals"] = {**march["totals"], "spam": 1234}
    assert narrative(f)[0] == ("No analysis covers March 2011: its 1,234 spam messages came "
                               "after the last one.")
    # a month of a ham-only feed: its spam series exists and is zero
    f["headline"]["global_spam_per_day"] = {"value": 0.0, "low": 0.0, "high": 0.0,
                                            "unit": "messages", "basis": "observed"}
    assert narrative(f)[0] == "In March 2011 the sensors saw no spam."


def test_rates_read_as_one_in_n():
    from spamintel.report.narrative import one_in

    assert one_in(208.93) == "1 in 208.9" and one_in(25635.0) == "1 in 25,635"
    assert one_in(None) == "n/a"


def test_an_event_magnitude_says_its_unit():
    assert event_magnitude({"type": "takedown", "magnitude": -13.58e9}) == "-13.58bn/day"
    assert event_magnitude({"type": "content_switch", "magnitude": 0.62}) == "62% of mix"
    assert event_magnitude({"type": "software_switch", "magnitude": 0.98}) == "98% of mix"


def test_a_software_switch_is_told_with_what_changed(march):
    switch = {"type": "software_switch", "botnet": "Cutwail", "scope": "botnet",
              "date": "2011-03-08", "time": None, "magnitude": 0.97, "magnitude_relative": None,
              "detail": "SMTP dialect mix changed by 97%: ehlo {word} / mail from:<a> 97% → 0%, "
                        "HELO {bare} / MAIL FROM: <a> 0% → 96%", "displaced_to": []}
    text = " ".join(narrative({**march, "events": [switch]}))
    assert "On 8 March Cutwail's bots changed the software they send with" in text
    assert "HELO {bare} / MAIL FROM: <a> 0% → 96%" in text


def test_without_a_spam_rate_the_virus_rate_is_not_told_as_one_of_all_mail(march):
    f = dict(march)
    f["headline"] = {**march["headline"], "spam_rate": None}
    text = " ".join(narrative(f))
    assert "No sensor sees all mail, so these rates are of the mail the sensors saw" in text
    assert "messages carried malware" in text
    assert "these rates are of the mail" not in " ".join(narrative(march))


def test_days_no_sensor_saw_are_named_beside_the_months_volume(march):
    assert "No sensor saw any mail" not in " ".join(narrative(march))
    f = dict(march)
    blind = {"2011-03-05", "2011-03-06"}
    f["daily_totals"] = [dict(d, estimated=None, low=None, high=None, observed=0.0)
                         if d["series"] == "global" and d["day"] in blind else d
                         for d in march["daily_totals"]]
    assert ("No sensor saw any mail on 2 of its days (5 March and 6 March): the figures per "
            "day are means over the days the sensors saw.") in narrative(f)[0]
    f["daily_totals"] = [dict(d, coverage=0.6) if d["series"] == "global"
                         and d["day"] == "2011-03-09" else d for d in march["daily_totals"]]
    assert ("On 1 of its days (9 March) the sensors were down for part of the day, and their "
            "counts are scaled to the hours they were up.") in narrative(f)[0]


def test_a_month_the_data_cover_in_part_says_which_days(march):
    assert "The data cover only" not in " ".join(narrative(march))
    f = dict(march, totals=dict(march["totals"], first_day="2011-03-10", last_day="2011-03-20"))
    assert ("The data cover only 10 March to 20 March (11 of the month's 31 days): the "
            "figures per day are means over those days.") in narrative(f)[0]
    f["headline"] = dict(march["headline"], global_spam_per_day={
        "value": 100.0, "low": None, "high": None, "unit": "messages observed",
        "basis": "observed"})
    assert "The data cover only 10 March to 20 March" in narrative(f)[0]
    ends = dict(march, totals=dict(march["totals"], first_day="2011-02-01",
                                   last_day="2011-02-28"), month="2011-02")
    assert "The data cover only" not in " ".join(narrative(ends))


def test_the_story_of_a_simulated_world_opens_by_saying_so(march):
    f = dict(march, data_source="a simulated world (scenario march-2011, seed 7, scale 1)")
    assert narrative(f)[0] == ("Simulated data: these figures come from a simulated world "
                               "(scenario march-2011, seed 7, scale 1), not from real mail.")
    assert not narrative(march)[0].startswith("Simulated")


def test_event_levels_say_what_they_count(march):
    f = dict(march)
    (rustock,) = [e for e in march["events"] if e["type"] == "takedown"]
    pause = {**rustock, "type": "pause", "botnet": "Lethic", "magnitude": -2.0e9}
    f["events"] = [rustock, pause]
    text = " ".join(narrative(f))
    assert f"a loss of about {amount(-rustock['magnitude'])} messages per day" in text
    assert "Lethic paused (about 2.00bn messages per day before)" in text
    f["headline"] = dict(march["headline"])
    f["headline"]["global_spam_per_day"] = {"value": 100.0, "low": None, "high": None,
                                            "unit": "messages observed", "basis": "observed"}
    f["events"] = [{**pause, "magnitude": -4.6}]
    assert "(about 4.6 messages observed per day before)" in " ".join(narrative(f))


def test_a_change_that_rounds_to_nothing_reads_unchanged(march):
    f = dict(march)
    f["headline_change"] = {**march["headline_change"], "global_spam_per_day_relative": 0.0001,
                            "botnet_share_points": -0.0002, "spam_rate_points": 0.0}
    text = " ".join(narrative(f))
    assert "unchanged from February 2011." in text and "0.0%" not in text
    assert "of spam (unchanged)." in text and "0.0 points" not in text
    f["headline_change"]["global_spam_per_day_relative"] = -0.177
    assert "down 17.7% on February 2011" in " ".join(narrative(f))
