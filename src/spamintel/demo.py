"""``spamintel demo``: the main job on built-in defaults, end to end."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from spamintel.config import Config, default_corpora_dir
from spamintel.engine import ingest
from spamintel.report import collect, write_report
from spamintel.sources import iter_sources, load_labels
from spamintel.store import Store
from spamintel.testing import sample_corpus

TREC_LIMIT = 5_000


def _trec_items(limit: int):
    trec = default_corpora_dir() / "trec07p"
    archive, index = trec / "trec07p_dev.tar.gz", trec / "index"
    if not archive.exists():
        return None
    items = iter_sources([archive], sensor="trec07p",
                         labeler=load_labels(index) if index.exists() else None)
    return (item for _, item in zip(range(limit), items, strict=False))


def run_demo(out: Path) -> tuple[list[Path], dict]:
    """Ingest the demo corpus into ``out/store`` and write the report of its main month."""
    if out.exists():
        shutil.rmtree(out)
    corpus = out / "corpus"
    items = _trec_items(TREC_LIMIT)
    if items is None:
        corpus.mkdir(parents=True)
        for name, data in sample_corpus(2_000):
            (corpus / name).write_bytes(data)
        items = iter_sources([corpus], sensor="sample")
    store = Store(out / "store")
    ingest(items, store, Config(), workers=2)
    con = store.connect()
    months = Counter(dict(con.execute(
        "SELECT strftime(day, '%Y-%m'), count(*) FROM events WHERE day IS NOT NULL GROUP BY 1"
    ).fetchall()))
    month = months.most_common(1)[0][0]
    figures = collect(store, month)
    return write_report(figures, out / "report", ("html", "md", "json")), figures
