"""``spamintel train``: fit the classifier on the real corpora or on your own mail."""

from __future__ import annotations

from pathlib import Path

import typer

from spamintel.classify.corpora import CORPORA
from spamintel.cli._app import app


@app.command("train")
def train_cmd(
    out: Path = typer.Option(..., "--out", help="Where to write the model (.npz + .json)."),
    corpus: Path | None = typer.Option(None, "--corpus", help="Corpora folder (../shared/data)."),
    only: list[str] = typer.Option(list(CORPORA), "--only", help="Corpora to use (repeat)."),
    ham: list[Path] = typer.Option([], "--ham", help="Your ham: files/folders/mailboxes."),
    spam: list[Path] = typer.Option([], "--spam", help="Your spam: files/folders/mailboxes."),
    phish: list[Path] = typer.Option([], "--phish", help="Your phishing messages."),
    version: str = typer.Option("custom", "--version", help="Version recorded in events."),
    workers: int = typer.Option(2, "--workers", min=1, help="Parallel feature extraction."),
    spam_c: list[float] = typer.Option([20.0], "--spam-c", help="C of the spam fit; several "
                                       "(repeat) average their fits."),
    spam_damping: list[float] = typer.Option([0.0], "--spam-damping", help="Rare-token "
                                             "damping k (0: none); several are averaged."),
    fisher_tokens: bool | None = typer.Option(
        None, "--fisher-tokens/--no-fisher-tokens", help="Also keep every decisive token's "
        "Robinson probability (default: on for your own mail, off for --corpus)."),
) -> None:
    """Train the spam, phishing and category models and compile them into one file."""
    from spamintel.classify.recipe import (  # sklearn: slow
        TrainingDataError,
        train_from_corpora,
        train_from_folders,
    )
    from spamintel.classify.train import TrainParams

    if corpus is None and not (ham and (spam or phish)):
        raise typer.BadParameter("give --corpus, or --ham with --spam/--phish")
    fisher = corpus is None if fisher_tokens is None else fisher_tokens
    params = TrainParams(c_spam=tuple(spam_c), spam_damping=tuple(spam_damping),
                         fisher_tokens=fisher)
    try:
        if corpus is not None:
            model = train_from_corpora(corpus, out, version, tuple(only), workers, params)
        else:
            model = train_from_folders({"ham": ham, "spam": spam, "phish": phish}, out,
                                       version, workers, params)
    except TrainingDataError as exc:
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"model {model.version}: {len(model.tokens)} tokens, "
               f"thresholds {model.meta.get('thresholds')}, written to {out}")
