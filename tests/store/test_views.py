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
