from datetime import UTC, date, datetime, timedelta

import duckdb
import numpy as np
import pytest

from spamintel.analyze.daily import _exposure, coverage, uptimes
from spamintel.analyze.estimate import Scaler
from spamintel.analyze.series import DailyCounts
from spamintel.analyze.uptime import sensor_uptime
from spamintel.config import CalibrationConfig

DAYS = [date(2011, 3, 1) + timedelta(days=i) for i in range(10)]


def _store(per_hour: int, down: dict[date, range]) -> duckdb.DuckDBPyConnection:
    """A sensor receiving ``per_hour`` messages every hour of ten days (three times as many
    in the afternoon), except in the ``down`` hours of some days."""
    rows = []
    for day in DAYS:
        for h in range(24):
            if h in down.get(day, ()):
                continue
            n = per_hour * (3 if 12 <= h < 18 else 1)
            at = datetime(day.year, day.month, day.day, h, 30, tzinfo=UTC)
            rows += [("trap-a", day, at)] * n
    con = duckdb.connect()
    con.execute("CREATE TABLE events (sensor VARCHAR, day DATE, observed_at TIMESTAMPTZ)")
    con.executemany("INSERT INTO events VALUES (?, ?, ?)", rows)
    return con


def test_hours_without_mail_where_many_were_due_are_time_the_sensor_was_down():
    up = sensor_uptime(_store(4, {DAYS[4]: range(10, 22), DAYS[0]: range(0, 13)}))
    assert set(up) == {(DAYS[4], "trap-a"), (DAYS[0], "trap-a")}
    # 10:00-22:00 carries 2 + 6 x 3 + 4 = 24 of the day's 36 hour-units of mail
    assert up[(DAYS[4], "trap-a")] == pytest.approx(12 / 36, abs=0.01)
    # a store whose data begin at 13:00 on its first day: 12 + 3 units missed
    assert up[(DAYS[0], "trap-a")] == pytest.approx(1 - 15 / 36, abs=0.01)


def test_a_quiet_sensors_empty_hours_are_chance_not_downtime():
    # a few messages a day: a silent half day is what such a sensor does
    assert sensor_uptime(_quiet()) == {}


def _quiet() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE events (sensor VARCHAR, day DATE, observed_at TIMESTAMPTZ)")
    rng = np.random.default_rng(3)
    rows = [("trap-b", d, datetime(d.year, d.month, d.day, int(h), 0, tzinfo=UTC))
            for d in DAYS for h in rng.integers(0, 24, size=6)]
    con.executemany("INSERT INTO events VALUES (?, ?, ?)", rows)
    return con


def _counts() -> DailyCounts:
    days = DAYS[:2]
    messages = {(d, s, None): n for d in days for s, n in (("trap-a", 300), ("trap-b", 100))}
    return DailyCounts(days, ["trap-a", "trap-b"], [], messages, dict.fromkeys(messages, 1.0))


def test_a_part_day_scales_the_sensors_exposure_and_the_pooled_coverage():
    counts = _counts()
    active = {d: {"trap-a", "trap-b"} for d in counts.days}
    uptime = {(DAYS[1], "trap-a"): 0.5}
    shares = Scaler(CalibrationConfig(sensor_shares={"trap-a": 2e-8, "trap-b": 1e-8}))
    up = uptimes(counts, active, uptime)
    e = _exposure(counts, up, shares)
    assert e.tolist() == [[2e-8, 1e-8], [1e-8, 1e-8]]
    # pooled: trap-a carries three quarters of the mail, up half of day two
    assert coverage(counts, up).tolist() == [1.0, 0.625]
    reference = Scaler(CalibrationConfig(), factor=1e9)
    assert _exposure(counts, up, reference)[0].tolist() == [1e-9, 0.625e-9]
