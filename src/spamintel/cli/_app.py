"""The typer application every command module registers on."""

import typer

app = typer.Typer(
    name="spamintel",
    help="Raw email in, botnet intelligence out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
