from spamintel.report.charts import botnet_daily_svg


def test_stacked_chart_is_inline_svg_without_active_content():
    daily = [{"day": f"2011-03-{d:02d}", "botnet": n, "observed": 10.0, "estimated": v,
              "unit": "messages"} for d in range(1, 11) for n, v in (("A", 5.0), ("B", 3.0))]
    events = [{"scope": "botnet", "type": "takedown", "botnet": "<script>x</script>",
               "date": "2011-03-05"}]
    svg = botnet_daily_svg(daily, [], events, "t")
    assert svg.startswith("<svg") and "<script" not in svg


def test_names_with_dollar_signs_are_drawn_as_written():
    name = 'Spam/Bot "Q" $\\alpha^$ 100%'
    daily = [{"day": f"2011-03-{d:02d}", "botnet": name, "observed": 10.0, "estimated": 5.0,
              "unit": "messages"} for d in range(1, 11)]
    events = [{"scope": "botnet", "type": "takedown", "botnet": name, "date": "2011-03-05"}]
    svg = botnet_daily_svg(daily, [], events, f"March {name}")
    assert svg.startswith("<svg")
