"""``spamintel signatures``: list the botnet signatures, or propose one from a cluster."""

from __future__ import annotations

from pathlib import Path

import typer

from spamintel.attribute.signatures import SignatureError, load_signatures
from spamintel.attribute.suggest import ClusterNotFound, suggest_signature
from spamintel.cli._app import app, existing_store
from spamintel.store import Store

signatures_app = typer.Typer(help="Botnet signatures: list them, propose new ones.",
                             no_args_is_help=True)
app.add_typer(signatures_app, name="signatures")


@signatures_app.command("list")
def list_cmd(
    dirs: list[Path] = typer.Option([], "--signatures", help="Extra folder of *.yaml rules."),
    builtin: bool = typer.Option(True, "--builtin/--no-builtin", help="Include shipped rules."),
) -> None:
    """Print every signature: name, family, confidence, conditions and file."""
    try:
        sigs = load_signatures(tuple(str(d) for d in dirs), builtin)
    except SignatureError as exc:
        raise typer.BadParameter(str(exc), param_hint="--signatures") from exc
    for sig in sigs:
        conds = len(sig.match) + len(sig.any)
        typer.echo(f"{sig.name}\t{sig.family}\t{sig.confidence:.2f}\t{conds} conditions\t"
                   f"{sig.source}")


@signatures_app.command("suggest")
def suggest_cmd(
    cluster: str = typer.Option(..., "--cluster", help="cluster_id from botnet_clusters."),
    store: Path = typer.Option(..., "--store", help="Event store directory."),
    coverage: float = typer.Option(0.97, "--coverage", help="Share of the cluster a "
                                   "condition must cover."),
) -> None:
    """Print a YAML signature proposed from a discovered cluster."""
    try:
        typer.echo(suggest_signature(Store(existing_store(store)), cluster, coverage), nl=False)
    except ClusterNotFound as exc:
        raise typer.BadParameter(str(exc), param_hint="--cluster") from exc
