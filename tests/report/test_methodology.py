from spamintel.report.methodology import methodology


def test_the_rates_paragraph_says_what_its_intervals_leave_out(march):
    text = " ".join(methodology(march))
    assert "mx-feed" in text  # the sensors the rates come from, by name
    assert "intervals cover sampling only" in text
    # spam at the feed was corroborated by the traps' campaigns
    assert "wanted mail the classifier flags is left out" in text
    assert "aimed only at the feed's own users" in text


def test_a_spam_rate_from_the_classifier_says_flagged_wanted_mail_raises_it(march):
    f = dict(march)
    f["rates"] = [r for r in march["rates"] if r["metric"] != "spam_rate_corroborated"]
    text = " ".join(methodology(f))
    assert "wanted mail the classifier calls spam raises the spam rate" in text


def test_without_calibration_volumes_are_said_to_be_observed(march):
    f = dict(march)
    f["headline"] = dict(march["headline"])
    f["headline"]["global_spam_per_day"] = {"value": 5.0, "unit": "messages observed",
                                            "basis": "observed"}
    assert methodology(f)[0].startswith("No calibration covers this month")


def test_without_a_mixed_feed_the_rates_are_said_to_be_of_the_mail_seen(march):
    f = dict(march)
    f["rates"] = [{"metric": "spam_rate", "value": None, "low": None, "high": None,
                   "numerator": 900, "denominator": 900, "basis": "not measured: no mixed feed"},
                  {"metric": "virus_rate_1_in", "value": 300.0, "low": 200.0, "high": 400.0,
                   "numerator": 3, "denominator": 900, "basis": "all observed mail"}]
    text = " ".join(methodology(f))
    assert "no spam rate is measured" in text and "not rates of all mail" in text
    assert "the mail the sensors saw (all observed mail)" in text
    assert "spam times the spam rate" not in text
