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


def split_listen(listen: str, hint: str = "--listen") -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:25`` for IPv6) as ``(host, port)``; the host may be empty
    (``:25``), the port 0 (any free port) to 65535."""
    host, _, port = listen.rpartition(":")
    if not port.isdigit() or int(port) > 65535:
        raise typer.BadParameter(f"expected HOST:PORT, not {listen!r}", param_hint=hint)
    return host.strip("[]"), int(port)


def folder_to_write(path: Path, hint: str) -> Path:
    """An output folder (``--out``, a new ``--store``): it may exist as a folder or not
    at all, never as a file."""
    if path.exists() and not path.is_dir():
        raise typer.BadParameter(f"{path} is a file, not a folder", param_hint=hint)
    return path
