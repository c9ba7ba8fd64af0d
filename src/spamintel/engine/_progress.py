"""The ingest progress bar (rich): messages stored and messages per second."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


def progress_bar() -> Progress:
    """A bar that shows messages stored, their rate and the time elapsed."""
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                    TextColumn("{task.completed} msgs"),
                    TextColumn("{task.fields[rate]:.0f} msg/s"), TimeElapsedColumn(),
                    transient=False)


def advance(bar: Progress | None, task: TaskID | None, n: int) -> None:
    """Count ``n`` more messages stored (nothing without a bar)."""
    if bar is None or task is None:
        return
    bar.advance(task, n)
    t = bar.tasks[0]
    elapsed = t.elapsed or 1e-9
    bar.update(task, rate=t.completed / elapsed)


@contextmanager
def shown(label: str, progress: bool) -> Iterator[tuple[Progress | None, TaskID | None]]:
    """A running bar and its task named ``label`` while the block runs (both None
    without ``progress``)."""
    bar = progress_bar() if progress else None
    task = bar.add_task(label, total=None, rate=0.0) if bar else None
    if bar:
        bar.start()
    try:
        yield bar, task
    finally:
        if bar:
            bar.stop()
