"""Accuracy of volumes, headline figures and events on a simulated world (its ground truth).

Usage::

    .venv/bin/python bench/accuracy_analyze.py WORLD STORE [--simulate] [--truth-attribution]

Botnets found without a name (``unknown-<n>``) are scored as the true botnet that sent most
of their mail. ``--simulate`` writes the default scenario to WORLD and ingests it into STORE
first (about 300k messages: minutes). ``--truth-attribution`` replaces attribution by the truth (to
measure the estimators alone); otherwise the attribute stage runs. Calibration is the
sensors block of WORLD/truth/scenario.json. Writes
``bench/results/accuracy_analyze[_truth].json`` and prints the figures, with the reference
of ``spamintel.analyze.attainable`` (the share of days within ±5% that pooling each true
piece of the sample would reach, and the sample multiplier it needs for 95%), and the
attribution scored day by day on the sensors' own counts (``observed_daily_within_5pct``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from datetime import date
from pathlib import Path

import numpy as np

from spamintel.analyze import analyze
from spamintel.analyze.attainable import attainable_accuracy, scale_needed
from spamintel.analyze.calibration import load_calibration, with_calibration
from spamintel.analyze.evaluate import (
    daily_accuracy,
    discovered_names,
    interval_coverage,
    observed_accuracy,
    scenario_targets,
    truth_attribution,
    truth_daily,
)
from spamintel.config import Config
from spamintel.engine import ingest
from spamintel.report import collect
from spamintel.sources import iter_sources
from spamintel.store import Store

RESULTS = Path(__file__).parent / "results"


def _prepare(world: Path, store_dir: Path) -> Store:
    from spamintel.simulate.generate import SimConfig, simulate

    simulate(SimConfig(out=world))
    store = Store(store_dir)
    ingest(iter_sources(sorted((world / "mail").iterdir())), store, Config(), workers=2)
    return store


def _events(store: Store) -> list[dict]:
    cur = store.connect().execute("SELECT * FROM botnet_events WHERE scope = 'botnet' "
                                  "ORDER BY date")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _march_targets(world: Path, head: dict) -> list[dict]:
    truth = truth_daily(world / "truth")
    march = np.mean([v for (d, k), v in truth.items() if k == "*" and d.month == 3
                     and d.year == 2011])
    got = {"spam_bn": head["global_spam_per_day"]["value"], "spam_rate": head["spam_rate"],
           "botnet_share": head["botnet_share"], "virus_1_in": head["virus_rate_1_in"],
           "phish_1_in": head["phishing_rate_1_in"]}
    out = [{"metric": "global_spam_per_day (March mean)", "scenario": march,
            "report": got["spam_bn"]}]
    for t in scenario_targets(world / "truth"):
        if t["from"] == "2011-03-01" and t["to"] == "2011-03-31" and t["metric"] in got:
            out.append({"metric": t["metric"], "scenario": t["declared"],
                        "report": got[t["metric"]]})
    for row in out:
        row["rel_error"] = (row["report"] / row["scenario"] - 1) if row["report"] else None
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("world", type=Path)
    ap.add_argument("store", type=Path)
    ap.add_argument("--simulate", action="store_true")
    ap.add_argument("--truth-attribution", action="store_true")
    args = ap.parse_args()
    store = _prepare(args.world, args.store) if args.simulate else Store(args.store)
    cfg = with_calibration(Config(), load_calibration(args.world / "truth" / "scenario.json"))
    if args.truth_attribution:
        store.write_table("attribution", truth_attribution(store, args.world / "truth"))
        cfg = dataclasses.replace(cfg, analyze=dataclasses.replace(cfg.analyze,
                                                                   run_attribution=False))
    summary = analyze(store, cfg)
    figures = collect(store, "2011-03", cfg.analyze)
    takedowns = [e for e in _events(store) if e["type"] == "takedown"]
    names = discovered_names(store, args.world / "truth")
    result = {
        "attribution": "truth" if args.truth_attribution else "attribute stage",
        "seconds": {k: round(v, 1) for k, v in summary.seconds.items()},
        "daily_within_5pct": daily_accuracy(store, args.world / "truth", names=names),
        "daily_within_5pct_one_day": daily_accuracy(store, args.world / "truth",
                                                    "raw_estimated", names),
        "interval_coverage": interval_coverage(store, args.world / "truth", names),
        "observed_daily_within_5pct": observed_accuracy(store, args.world / "truth", names),
        "discovered_as": dict(sorted(names.items())),
        "reference_within_5pct": attainable_accuracy(args.world / "truth"),
        "reference_scale_needed_for_95pct": scale_needed(args.world / "truth"),
        "march_headline": _march_targets(args.world, figures["headline"]),
        "events": [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in e.items()
                    if k in ("type", "botnet", "date", "magnitude", "confidence",
                             "displaced_to")} for e in _events(store)],
        "takedowns": len(takedowns),
    }
    name = "accuracy_analyze" + ("_truth" if args.truth_attribution else "")
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1, default=str) + "\n")
    print(json.dumps({k: result[k] for k in ("attribution", "march_headline", "takedowns")},
                     indent=1, default=str))


if __name__ == "__main__":
    main()
