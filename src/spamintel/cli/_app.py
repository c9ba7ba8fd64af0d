"""The typer application every command module registers on, and the checks of options
several commands share."""

from pathlib import Path

import typer

from spamintel.config import Config, ConfigError, load_config

app = typer.Typer(
    name="spamintel",
    help="Raw email in, botnet intelligence out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def config_from(path: Path | None) -> Config:
    """The ``--config`` file's configuration; a file that is wrong is a usage error."""
    try:
        return load_config(path)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--config") from exc


def existing_store(path: Path) -> Path:
    """``--store`` for a command that reads one: it must exist (a typo is not an empty
    store)."""
    if not path.is_dir():
        raise typer.BadParameter(f"no store at {path}", param_hint="--store")
    return path
