"""The ``spamintel`` command: one thin module per sub-command, all on one typer app."""

from spamintel.cli import analyze, demo, ingest, query, report, signatures, simulate, trap  # noqa: F401,E501
from spamintel.cli._app import app


def main() -> None:
    """Entry point of the ``spamintel`` console script."""
    app()


__all__ = ["app", "main"]
