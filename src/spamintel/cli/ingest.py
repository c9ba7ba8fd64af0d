"""``spamintel ingest``: read mail from files, folders and archives into the event store."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from spamintel.cli._app import app, config_from, folder_to_write
from spamintel.config import Config
from spamintel.engine import IngestStats
from spamintel.engine import ingest as run_ingest
from spamintel.enrich.ipdata import missing_ipv4_tables
from spamintel.sources import iter_sources, load_labels
from spamintel.sources.files import Labeler
from spamintel.store import Store


class Engine(StrEnum):
    """Where the per-message stages run."""

    local = "local"
    spark = "spark"


@app.command("ingest")
def ingest_cmd(
    sources: list[Path] = typer.Argument(..., help="Files, folders, mbox, Maildir, archives."),
    store: Path = typer.Option(..., "--store", help="Event store directory."),
    sensor: str = typer.Option("default", "--sensor", help="Name of the sensor or feed (a "
                               "trap's session record names its own sensor, which wins)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Parallel worker processes."),
    labels: Path | None = typer.Option(None, "--labels", exists=True, dir_okay=False,
                                       help="TREC-style index: 'label path'."),
    config: Path | None = typer.Option(None, "--config", help="TOML configuration file."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    follow: bool = typer.Option(False, "--follow", help="SOURCES is one trap spool: keep "
                                "ingesting what the trap accepts until stopped (resumes)."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local: a process pool of "
                                  "--workers; spark: executors of --spark-master."),
    spark_master: str = typer.Option("local[2]", "--spark-master",
                                     help="Spark master URL: local[N] or spark://host:7077."),
    unwrap_attached: bool = typer.Option(False, "--unwrap-attached", help="A forward stands "
                                         "for the messages it carries as attachments (an "
                                         "abuse desk's mailbox); [sources] unwrap_attached."),
) -> None:
    """Parse, fingerprint and store every message; re-runs add nothing already stored."""
    _check(sources, store, follow, engine)
    if follow:
        from spamintel.sources.trap.feeder import follow_forever

        follow_forever(sources[0], store, config, workers)
        return
    cfg = config_from(config)
    if unwrap_attached:
        cfg = replace(cfg, sources=replace(cfg.sources, unwrap_attached=True))
    labeler = load_labels(labels) if labels else None
    _warn_without_ipdata(cfg)
    if engine is Engine.spark:
        stats = _on_spark(sources, Store(store), cfg, spark_master, progress, sensor, labeler)
    else:
        items = iter_sources(sources, sensor=sensor, cfg=cfg.sources, labeler=labeler)
        stats = run_ingest(items, Store(store), cfg, workers=workers, progress=progress)
    Console(stderr=True).print(
        f"stored {stats.stored} events, skipped {stats.skipped} already stored, "
        f"quarantined {stats.quarantined}; parse paths {stats.parse_paths}"
    )


def _check(sources: list[Path], store: Path, follow: bool, engine: Engine) -> None:
    """Usage errors: a source that does not exist (a spool to follow may not be made
    yet), a store that is a file, --follow on Spark."""
    missing = [str(p) for p in sources if not p.exists()]
    if missing and not follow:
        raise typer.BadParameter(f"no such file or folder: {', '.join(missing)}",
                                 param_hint="SOURCES")
    folder_to_write(store, "--store")
    if follow and engine is Engine.spark:
        raise typer.BadParameter("--follow runs on the local engine", param_hint="--engine")


def _warn_without_ipdata(cfg: Config) -> None:
    """Say so when no IPv4 ASN or country table is found (an installed package has no
    default copy): the events would carry no network or country."""
    missing = missing_ipv4_tables(cfg.ipdata)
    if missing:
        Console(stderr=True).print(
            f"warning: no IP table for [ipdata] {' and '.join(missing)}: client_asn / client_cc "
            "stay empty (README, Offline IP data)", markup=False)


def _on_spark(sources: list[Path], store: Store, cfg: Config, master: str, progress: bool,
              sensor: str, labeler: Labeler | None) -> IngestStats:
    """The Spark engine's ingest (executors read the sources); Spark that cannot start is
    a usage error."""
    from spamintel.engine.spark import SparkUnavailable, ingest_spark

    try:
        return ingest_spark(sources, store, cfg, sensor=sensor, labeler=labeler, master=master,
                            progress=progress)
    except SparkUnavailable as exc:
        raise typer.BadParameter(str(exc), param_hint="--engine") from exc
