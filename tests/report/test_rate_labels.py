from spamintel.report.rate_labels import rate_interval, rate_label, rate_value


def test_each_rate_reads_in_its_own_form():
    assert rate_label("virus_rate_1_in") == "Virus rate"
    assert rate_label("some_new_metric") == "some_new_metric"
    assert rate_value("virus_rate_1_in", 208.94) == "1 in 208.9"
    assert rate_value("spam_rate", 0.7924) == "79.2%"
    assert rate_value("malicious_link_share", 0.00396) == "0.40%"
    assert rate_value("spam_rate", None) == "n/a"


def test_an_interval_is_shown_only_where_there_is_one():
    row = {"metric": "phishing_rate_1_in", "low": 243.2, "high": 333.0}
    assert rate_interval(row) == "1 in 243.2 to 1 in 333.0"
    assert rate_interval({"metric": "spam_rate", "low": 0.783, "high": 0.801}) == "78.3%–80.1%"
    assert rate_interval({"metric": "botnet_share", "low": None, "high": None}) == ""
