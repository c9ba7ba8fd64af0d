import os
import subprocess
import sys

from spamintel.store import Store

HOUR_OF = """
import sys
from spamintel.store import Store
con = Store(sys.argv[1]).connect()
print(con.execute("SELECT date_trunc('hour', TIMESTAMPTZ '2011-03-16 10:45:00+00')"
                  "::VARCHAR, current_setting('TimeZone')").fetchall()[0])
"""


def test_hours_are_cut_in_utc_on_a_machine_in_a_half_hour_zone(tmp_path):
    Store(tmp_path)  # an empty store still has its views
    env = dict(os.environ, TZ="Asia/Kolkata")
    out = subprocess.run([sys.executable, "-c", HOUR_OF, str(tmp_path)], env=env,
                         capture_output=True, text=True, check=True).stdout
    assert "2011-03-16 10:00:00+00" in out and "UTC" in out


def test_a_connection_for_some_days_reads_only_their_events(tmp_path):
    from datetime import UTC, date, datetime

    from spamintel.engine import Pipeline
    from spamintel.model import RawMessage, events_to_batch
    from spamintel.testing import make_message

    pipe = Pipeline()
    store = Store(tmp_path)
    days = [date(2011, 3, 31), date(2011, 4, 1), date(2011, 4, 30), date(2011, 5, 1)]
    events = [pipe.process(RawMessage(data=make_message(
        when=datetime(d.year, d.month, d.day, 12, tzinfo=UTC), subject=str(d)),
        source=str(d))) for d in days]
    store.write_events(events_to_batch(events))
    con = store.connect(days=(date(2011, 4, 1), date(2011, 5, 1)))
    seen = [r[0] for r in con.execute("SELECT day FROM events ORDER BY day").fetchall()]
    assert seen == [date(2011, 4, 1), date(2011, 4, 30)]
    assert store.connect().execute("SELECT count(*) FROM events").fetchone()[0] == 4
