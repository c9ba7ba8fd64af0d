from spamintel.report.methodology import methodology


def test_the_rates_paragraph_says_what_its_intervals_leave_out(march):
    text = " ".join(methodology(march))
    assert "mx-feed" in text  # the sensors the rates come from, by name
    assert "The intervals cover sampling only" in text


def test_without_calibration_volumes_are_said_to_be_observed(march):
    f = dict(march)
    f["headline"] = dict(march["headline"])
    f["headline"]["global_spam_per_day"] = {"value": 5.0, "unit": "messages observed",
                                            "basis": "observed"}
    assert methodology(f)[0].startswith("No calibration was configured")
