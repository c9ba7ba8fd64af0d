import re
from datetime import date, timedelta

import numpy as np

from spamintel.analyze.levels import content_switches, level_shifts, software_switches

DAYS = [date(2011, 1, 1) + timedelta(d) for d in range(120)]
ON = np.ones(120, bool)


def _noisy(rng, level, burst=False):
    weekday = np.array([0.7 if d.weekday() >= 5 else 1.0 for d in DAYS])
    cycle = np.where(np.arange(120) % 2 == 0, 1.5, 0.5) if burst else 1.0
    return rng.poisson(level * weekday * cycle * rng.lognormal(0, 0.1, 120)).astype(float)


def test_weekday_and_burst_cycles_are_not_level_shifts():
    for seed in range(5):
        rng = np.random.default_rng(seed)
        assert level_shifts(_noisy(rng, 800, burst=True), DAYS, ON, 7, 1.5) == []


def test_surge_found_on_its_day():
    x = _noisy(np.random.default_rng(9), 500)
    x[60:] *= 2.0
    found = level_shifts(x, DAYS, ON, 7, 1.5)
    assert [(e["type"], e["date"]) for e in found] == [("surge", DAYS[60])]
    assert 0.8 < found[0]["magnitude_relative"] < 1.2


def test_a_series_of_a_few_messages_has_no_level_shifts():
    observed = np.zeros(120)
    observed[[10, 40, 41, 90]] = 1.0
    x = np.where(observed > 0, 5e8, 0.0) + 1.0
    x[60:] *= 3.0
    assert level_shifts(x, DAYS, ON, 7, 1.5, observed) == []
    many = _noisy(np.random.default_rng(9), 500)
    many[60:] *= 2.0
    found = level_shifts(many * 1e6, DAYS, ON, 7, 1.5, many)
    assert [(e["type"], e["date"]) for e in found] == [("surge", DAYS[60])]


def test_content_switch_found_and_stable_mix_quiet():
    rng = np.random.default_rng(3)
    cats = [{"pharma": int(rng.poisson(80)), "replica": int(rng.poisson(20))} for _ in DAYS]
    assert content_switches(cats, DAYS, ON, 7, 0.4) == []
    for i in range(70, 120):
        cats[i] = {"casino": int(rng.poisson(90)), "replica": int(rng.poisson(10))}
    found = content_switches(cats, DAYS, ON, 7, 0.4)
    assert [(e["type"], e["date"]) for e in found] == [("content_switch", DAYS[70])]
    assert re.search(r"pharma \d+% → \d+%, casino \d+% → \d+%", found[0]["detail"])


def test_a_small_senders_switch_is_dated_where_its_mix_changed():
    # seven messages a day, a few more on the days just before the switch: the windows
    # around it hold fewer than those a day or two earlier, the date must not follow them
    counts = [7] * 90
    counts[66:70] = [9, 9, 9, 9]
    cats = [{"stock": n} if i < 70 else {"casino": n} for i, n in enumerate(counts)]
    found = content_switches(cats, DAYS[:90], ON[:90], 7, 0.4)
    assert [(e["type"], e["date"]) for e in found] == [("content_switch", DAYS[70])]


def test_a_handful_of_messages_is_no_switch():
    cats = [{"stock": 1} if i < 70 else {"casino": 1} for i in range(90)]
    assert content_switches(cats, DAYS[:90], ON[:90], 7, 0.4) == []


def _software(rng, dialects: dict[str, float], templates: dict[str, float]):
    return ({k: int(rng.poisson(100 * p)) for k, p in dialects.items()},
            {k: int(rng.poisson(100 * p)) for k, p in templates.items()})


def test_a_software_update_is_one_switch_of_dialect_and_template():
    rng = np.random.default_rng(5)
    old_dialects = {"ehlo {word} / mail from:<a>": 0.8, "HELO {word} / MAIL FROM:<a>": 0.2}
    old_templates = {"message-id:date:from:user-agent:to:subject": 0.6,
                     "date:from:x-mailer:message-id:to:subject": 0.4}
    # a rare variant (a session that deviates) comes and goes without counting
    days = [_software(rng, {**old_dialects, "EHLO {word} / MAIL FROM:<a>": 0.01 * (d % 3)},
                      old_templates) for d in range(120)]
    assert software_switches(*zip(*days, strict=True), DAYS, ON, 7, 0.4) == []
    for d in range(80, 120):
        days[d] = _software(rng, {"HELO {bare} / MAIL FROM: <a>": 1.0},
                            {"from:to:subject:date:message-id:x-mailer": 1.0})
    dialects, templates = (list(x) for x in zip(*days, strict=True))
    found = software_switches(dialects, templates, DAYS, ON, 7, 0.4)
    assert [(e["type"], e["date"]) for e in found] == [("software_switch", DAYS[80])]
    assert found[0]["magnitude"] > 0.95
    assert "SMTP dialect mix changed" in found[0]["detail"]
    assert "HELO {bare} / MAIL FROM: <a> 0% → 100%" in found[0]["detail"]
    assert "header template mix changed" in found[0]["detail"]
    # a template change alone (the botnet forges another mailer) is a switch too
    only = software_switches(dialects[:80] + dialects[:40], templates, DAYS, ON, 7, 0.4)
    assert [e["date"] for e in only] == [DAYS[80]]
    assert "SMTP dialect" not in only[0]["detail"]
