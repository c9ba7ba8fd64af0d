"""Microseconds per message that the classify stage adds to the pipeline.

Messages are parsed and fingerprinted one at a time, then classified straight away (as
in ``Pipeline.process``, so the message is warm in cache); only the classify call is
timed, as wall time and as this process's CPU time (the machine may be shared, so the
whole pass is repeated and every pass reported; the headline is the quietest pass).
Real TREC 2007 mail when the corpora are present, the built-in sample corpus otherwise.
Writes ``bench/results/classify.json``; with ``--model PATH`` (e.g. a site's own model from
``spamintel train --ham/--spam``) that model is timed instead and nothing is written.
"""

from __future__ import annotations

import itertools
import json
import statistics
import sys
import time
from pathlib import Path

from spamintel.classify import Classifier
from spamintel.config import ClassifyConfig, ParseConfig, default_corpora_dir
from spamintel.fingerprint import fingerprint
from spamintel.model import RawMessage
from spamintel.parse import parse_message
from spamintel.sources import iter_sources
from spamintel.testing import sample_corpus

N = 5_000
PASSES = 3
OUT = Path(__file__).parent / "results" / "classify.json"


def messages() -> tuple[str, list[RawMessage]]:
    """TREC 2007 messages (in arrival order) or the sample corpus."""
    tar = default_corpora_dir() / "trec07p" / "trec07p_dev.tar.gz"
    if tar.exists():
        items = itertools.islice(iter_sources([tar]), N)
        return "trec07p (first 5,000 in the archive)", [r for r in items
                                                        if isinstance(r, RawMessage)]
    return "spamintel.testing.sample_corpus", [RawMessage(data=d, source=n)
                                               for n, d in sample_corpus(N)]


def one_pass(clf: Classifier, raws: list[RawMessage]) -> dict:
    """Parse and fingerprint each message, then time its classification."""
    cfg = ParseConfig()
    wall, cpu = [], []
    for raw in raws:
        parsed = parse_message(raw, cfg)
        fingerprint(parsed, cfg)
        w0, c0 = time.perf_counter(), time.process_time()
        clf.classify(parsed)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return {"mean_us_wall": round(statistics.fmean(wall) * 1e6, 1),
            "median_us_wall": round(statistics.median(wall) * 1e6, 1),
            "p99_us_wall": round(sorted(wall)[int(len(wall) * 0.99)] * 1e6, 1),
            "mean_us_cpu": round(statistics.fmean(cpu) * 1e6, 1)}


def main(argv: list[str]) -> None:
    """Time classification per message; print and write the figures."""
    model = argv[1] if len(argv) == 2 and argv[0] == "--model" else None
    name, raws = messages()
    clf = Classifier(ClassifyConfig(model_path=model) if model else None)
    passes = [one_pass(clf, raws) for _ in range(PASSES)]
    best = min(passes, key=lambda p: p["mean_us_cpu"])
    result = {"messages": len(raws), "corpus": name, "model_version": clf.model.version,
              "model_tokens": len(clf.model.tokens), **best, "budget_us": 100,
              "passes": passes}
    print(json.dumps(result, indent=2))
    if model is None:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
