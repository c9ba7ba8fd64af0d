"""The ``spamintel`` command: one thin module per sub-command, all on one typer app."""

from spamintel.cli import (  # noqa: F401  (registers commands)
    analyze,
    classify,
    demo,
    export,
    ingest,
    query,
    report,
    serve,
    signatures,
    simulate,
    train,
    trap,
)
from spamintel.cli._app import app


def main() -> None:
    """Entry point of the ``spamintel`` console script."""
    app()


__all__ = ["app", "main"]
