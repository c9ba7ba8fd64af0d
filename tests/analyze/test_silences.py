from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from spamintel.analyze.silences import (
    best_split,
    event_day,
    first_expected_hour,
    first_sustained,
    silence_events,
    split_hour,
    typical_level,
)

DAYS = [date(2011, 1, 1) + timedelta(d) for d in range(90)]


def _series(rng, level=1000.0):
    weekday = np.array([0.8 if d.weekday() >= 5 else 1.0 for d in DAYS])
    return rng.poisson(level * weekday).astype(float)


def test_typical_level_ignores_silent_days():
    x = np.r_[np.zeros(50), np.full(40, 100.0)]
    assert typical_level(x, 0.05) == 100.0


def test_noise_and_weekday_cycles_give_no_events():
    x = _series(np.random.default_rng(1))
    assert silence_events(x, DAYS, {}, 0.05, 7, 7) == []


def test_takedown_pause_resume_and_new_botnet():
    x = _series(np.random.default_rng(2))
    x[20:30] = 0
    x[70:] = np.random.default_rng(3).poisson(2, 20)
    kinds = [(e["type"], e["date"]) for e in silence_events(x, DAYS, {}, 0.05, 7, 7)]
    assert kinds == [("pause", DAYS[20]), ("resume", DAYS[30]), ("takedown", DAYS[70])]
    y = _series(np.random.default_rng(4))
    y[:40] = 0
    events = silence_events(y, DAYS, {}, 0.05, 7, 7)
    assert [(e["type"], e["date"]) for e in events] == [("new_botnet", DAYS[40])]


def test_strays_after_a_takedown_are_no_return():
    # two messages attributed to the sender weeks after it stopped, at 6% of its level
    x = _series(np.random.default_rng(5))
    x[50:] = 0
    x[[63, 78]] = 60.0
    kinds = [(e["type"], e["date"]) for e in silence_events(x, DAYS, {}, 0.05, 7, 7)]
    assert kinds == [("takedown", DAYS[50])]
    # a return that goes on is a resume
    x[78:] = _series(np.random.default_rng(6))[78:]
    kinds = [(e["type"], e["date"]) for e in silence_events(x, DAYS, {}, 0.05, 7, 7)]
    assert kinds == [("pause", DAYS[50]), ("resume", DAYS[78])]


def test_short_silence_at_the_end_is_a_pause_not_a_takedown():
    x = _series(np.random.default_rng(5))
    x[-3:] = 0
    assert [e["type"] for e in silence_events(x, DAYS, {}, 0.05, 7, 7)] == ["pause"]


def test_the_end_of_a_sender_seen_briefly_is_a_takedown_of_low_confidence():
    # an established sender stops, and one seen for twelve days (a run of a campaign)
    x = _series(np.random.default_rng(7))
    x[60:] = 0
    (long,) = silence_events(x, DAYS, {}, 0.05, 7, 7)
    assert long["type"] == "takedown" and long["confidence"] == 0.99
    assert long["detail"].endswith("60 day(s) after the data begin, when it was sending")
    x[:48] = 0
    (brief,) = [e for e in silence_events(x, DAYS, {}, 0.05, 7, 7) if e["type"] == "takedown"]
    assert brief["date"] == DAYS[60] and brief["confidence"] < 0.5
    assert brief["detail"].endswith("12 day(s) after it was first seen")


def test_stop_during_the_nightly_rest_is_dated_when_silence_becomes_unusual():
    start = datetime(2011, 3, 14, tzinfo=UTC)
    hourly = {start + timedelta(days=d, hours=h): 30.0 for d in range(2) for h in range(6, 20)}
    at = split_hour(hourly, date(2011, 3, 15), rising=False)
    assert at == datetime(2011, 3, 15, 20, tzinfo=UTC)
    assert first_expected_hour(hourly, at) == datetime(2011, 3, 16, 6, tzinfo=UTC)


def test_a_stop_in_the_last_hour_of_a_day_is_dated_the_next_day():
    days = [date(2011, 9, 20) + timedelta(d) for d in range(20)]
    hourly = {datetime(2011, 9, 20, h, tzinfo=UTC): 10.0 for h in range(24)}
    late, afternoon = datetime(2011, 9, 26, 23, tzinfo=UTC), datetime(2011, 9, 26, 14, tzinfo=UTC)
    assert event_day(late, date(2011, 9, 27), hourly, days) == date(2011, 9, 27)
    assert event_day(afternoon, date(2011, 9, 27), hourly, days) == date(2011, 9, 26)
    assert event_day(None, date(2011, 9, 27), hourly, days) == date(2011, 9, 27)
    last = datetime(2011, 10, 9, 23, tzinfo=UTC)
    assert event_day(last, days[-1], hourly, days) == date(2011, 10, 9), "no day after the data"


def test_split_hour_finds_the_stop_within_the_day():
    start = datetime(2011, 3, 16, tzinfo=UTC)
    hourly = {start + timedelta(hours=h): (50.0 if h < 14 else 0.0) for h in range(48)}
    assert split_hour(hourly, date(2011, 3, 16), rising=False) == start + timedelta(hours=14)
    x = np.full(90, 1000.0)
    x[75:] = 0
    x[74] = 600
    hourly = {datetime(2011, 3, 14, tzinfo=UTC) + timedelta(hours=h): 40.0 for h in range(62)}
    days = [date(2011, 1, 1) + timedelta(d) for d in range(90)]
    assert days[74] == date(2011, 3, 16)
    ev = silence_events(x, days, hourly, 0.05, 7, 7)
    assert ev[0]["type"] == "takedown" and ev[0]["date"] == date(2011, 3, 16)
    assert ev[0]["level_before"] == 1000.0 and ev[0]["magnitude"] == -1000.0


def test_new_botnet_ramping_up_is_dated_from_its_first_sustained_trickle():
    x = np.zeros(90)
    x[40:] = np.minimum(np.arange(50) + 1, 14) * 100.0
    x[10] = 1.0
    assert first_sustained(x, 45) == 40


def test_strays_pooled_into_a_low_level_do_not_hide_a_new_botnet():
    # a few of other botnets' messages named after it every day before it appeared,
    # smoothed into a steady 0.3% of its later level, then a ramp from day 40
    x = np.full(90, 3.0)
    x[40:] = np.minimum(np.arange(50) + 1, 10) * 100.0
    events = silence_events(x, DAYS, {}, 0.05, 7, 7)
    assert [(e["type"], e["date"]) for e in events] == [("new_botnet", DAYS[40])]


def test_strays_on_some_days_do_not_hide_a_new_botnet():
    # another botnet's messages named after it on a third of the days before it
    # appeared (too many, and too often, to count as isolated), then a ramp from day 40
    x = np.zeros(90)
    x[np.arange(1, 40, 3)] = 3.0
    x[40:] = np.minimum(np.arange(50) + 1, 10) * 10.0
    events = silence_events(x, DAYS, {}, 0.05, 7, 7)
    assert [(e["type"], e["date"]) for e in events] == [("new_botnet", DAYS[40])]


def test_a_slow_ramp_from_nothing_is_dated_from_its_first_trickle():
    # no strays before it: a new botnet's first days of one or two messages are its start
    x = np.zeros(90)
    x[40:] = np.round(1.3 ** np.arange(50)).clip(1, 300)
    events = silence_events(x, DAYS, {}, 0.05, 7, 7)
    assert [(e["type"], e["date"]) for e in events] == [("new_botnet", DAYS[40])]


def test_a_stray_days_before_a_sender_begins_is_not_its_start():
    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.config import AnalyzeConfig

    # one message of another botnet four days before this one's mail begins at four a
    # day; a slow start (a message every three days, then more) keeps its first day
    steady = np.full(90, 400.0)
    for first, x in ((44, np.r_[np.zeros(40), 1.0, 0, 0, 0, 4, 3, 0, 5, np.full(42, 4.0)]),
                     (40, np.r_[np.zeros(40), 1.0, 0, 0, 1, 0, 0, 1, 2, np.full(42, 4.0)])):
        series = SeriesSet(DAYS, {"Steady": steady, "New": x}, steady + x, {}, {},
                           "messages", observed={"Steady": steady, "New": x},
                           observed_global=steady + x)
        found = [(e["type"], e["date"]) for e in detect(series, AnalyzeConfig())
                 if e["botnet"] == "New" and e["type"] == "new_botnet"]
        assert found == [("new_botnet", DAYS[first])]


def test_a_stray_is_judged_on_its_messages_not_on_its_sensors_weight():
    # one message three days before a sender's mail begins at a message a day, then six:
    # seen by a sensor with a smaller share, the stray weighs more in the estimate than
    # each later message, but the gap is as unlikely at the later level either way
    from spamintel.analyze.changes import SeriesSet, detect
    from spamintel.config import AnalyzeConfig

    counts = np.r_[np.zeros(40), 1.0, 0, 0, 0, np.ones(6), np.full(40, 6.0)]
    x = counts * 3.0
    x[40] = 3.6
    steady = np.full(90, 400.0)
    series = SeriesSet(DAYS, {"Steady": steady, "New": x}, steady + x, {}, {}, "messages",
                       observed={"Steady": steady, "New": counts},
                       behind={"Steady": steady, "New": counts},
                       observed_global=steady + counts)
    found = [(e["type"], e["date"]) for e in detect(series, AnalyzeConfig())
             if e["botnet"] == "New" and e["type"] == "new_botnet"]
    assert found == [("new_botnet", DAYS[44])]


def test_best_split_finds_a_rise_and_its_evidence():
    y = np.r_[np.full(20, 1.0), np.full(10, 20.0)]
    k, gain = best_split(y, rising=True)
    assert k == 20 and gain > 50
    assert best_split(y, rising=False) == (None, 0.0)
    assert best_split(np.full(30, 5.0), rising=True)[1] < 1e-9


def test_quiet_days_of_a_bursty_sender_are_no_pause_but_a_steady_one_s_are():
    # four messages a day on average; four days without any: a pause for a steady
    # (Poisson) sender, chance for one whose days scatter by τ² = 0.6 around its level
    rng = np.random.default_rng(5)
    x = rng.poisson(4.0, 90).astype(float)
    x[x == 0] = 1.0
    x[40:44] = 0.0
    pauses = [e["type"] for e in silence_events(x, DAYS, {}, 0.05, 7, 7)]
    assert pauses == ["pause", "resume"]
    assert silence_events(x, DAYS, {}, 0.05, 7, 7, dispersion=0.6) == []
    big = rng.poisson(300.0, 90).astype(float)
    big[40:44] = 0.0
    kinds = [e["type"] for e in silence_events(big, DAYS, {}, 0.05, 7, 7, dispersion=0.6)]
    assert kinds == ["pause", "resume"]


def test_gaps_of_a_small_steady_sender_are_no_pause():
    # one to three messages a day, Poisson, five months, a hundred senders: runs of empty
    # days after a week that ran high come by chance and are no pause; a ten-day stop of
    # a sender of five a day is
    days = [date(2011, 1, 1) + timedelta(d) for d in range(150)]
    for level in (1.0, 2.0, 3.0):
        for seed in range(100):
            x = np.random.default_rng(seed).poisson(level, 150).astype(float)
            assert silence_events(x, days, {}, 0.05, 7, 7) == []
    x = np.random.default_rng(0).poisson(5.0, 150).astype(float)
    x[70:80] = 0.0
    kinds = [(e["type"], e["date"]) for e in silence_events(x, days, {}, 0.05, 7, 7)]
    assert kinds == [("pause", days[70]), ("resume", days[80])]


def test_a_small_sender_s_empty_evening_does_not_date_its_pause_a_day_early():
    # fifteen messages a day, any hour; the last one on 30 December at 18:00, none
    # from 31 December: too few expected in the evening to call it the stop
    days = [date(2010, 12, 1) + timedelta(d) for d in range(40)]
    x = np.full(40, 15.0)
    x[30:36] = 0
    hourly = {datetime(2010, 12, 1, tzinfo=UTC) + timedelta(hours=h): 15 / 24
              for h in range(24 * 29)}
    hourly.update({datetime(2010, 12, 30, h, tzinfo=UTC): 15 / 18 for h in range(19)})
    pause = silence_events(x, days, hourly, 0.05, 7, 7)[0]
    assert pause["type"] == "pause" and pause["date"] == date(2010, 12, 31)
    # the same stop at a hundred times the volume is dated on the 30th
    big = {h: 100 * n for h, n in hourly.items()}
    pause = silence_events(100 * x, days, big, 0.05, 7, 7)[0]
    assert pause["date"] == date(2010, 12, 30)


def test_a_resume_after_a_short_pause_is_measured_from_the_silence():
    # a hundred a day, silent for four days: the resume brings back a hundred a day, not
    # a hundred less the three busy days a week-long window would mix in
    x = np.full(60, 100.0)
    x[30:34] = 0.0
    resume = [e for e in silence_events(x, DAYS[:60], {}, 0.05, 7, 7) if e["type"] == "resume"]
    assert [e["date"] for e in resume] == [DAYS[34]]
    assert resume[0]["magnitude"] == pytest.approx(100.0)


def test_a_sender_that_appears_in_the_last_weeks_of_a_long_period_is_new():
    days = [date(2011, 1, 1) + timedelta(d) for d in range(200)]
    x = np.r_[np.zeros(188), np.random.default_rng(8).poisson(300, 12)].astype(float)
    events = silence_events(x, days, {}, 0.05, 7, 7)
    assert [(e["type"], e["date"]) for e in events] == [("new_botnet", days[188])]


def test_a_sender_that_stops_on_the_datas_second_day_has_some_confidence():
    # sending when the data begin, silent from the third day on: it lived at least the two
    # days seen, which is little evidence of a botnet's takedown, but some
    x = np.r_[[900.0, 1000.0], np.zeros(88)]
    (stop,) = silence_events(x, DAYS, {}, 0.05, 7, 7)
    assert stop["type"] == "takedown" and stop["date"] == DAYS[2]
    assert 0 < stop["confidence"] < 0.1
    assert stop["detail"].endswith("2 day(s) after the data begin, when it was sending")
