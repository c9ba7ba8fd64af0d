"""What an ingest run did: counts, parse paths and seconds, whichever engine ran it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BatchResult:
    """What storing one batch did."""

    stored: int
    quarantined: int
    parse_paths: dict[str, int]
    seconds: dict[str, float]


@dataclass
class IngestStats:
    """What one ingest run did, with per-stage seconds for benchmarks.

    ``seconds`` holds CPU seconds per stage (parse, fingerprint, classify, arrow = building
    the Arrow batch, store), summed over workers, and ``total``, the run's wall time. The
    Spark engine measures only ``store`` (on the driver) and ``total``: its stages run in
    executors. ``tasks`` counts the Spark executor tasks that ran the stages on at least
    one message (0 on the local engine).
    """

    seen: int = 0
    stored: int = 0
    skipped: int = 0
    quarantined: int = 0
    tasks: int = 0
    parse_paths: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, part: BatchResult) -> None:
        """Fold one stored batch's figures into the run's."""
        self.stored += part.stored
        self.quarantined += part.quarantined
        for key, n in part.parse_paths.items():
            self.parse_paths[key] = self.parse_paths.get(key, 0) + n
        for key, s in part.seconds.items():
            self.seconds[key] = self.seconds.get(key, 0.0) + s
