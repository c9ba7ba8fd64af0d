"""Apache SpamAssassin driver for the accuracy benchmark: its Bayes classifier trained on
the same messages as spamintel (``sa-learn``), then every test message checked with the
full local rule set plus that Bayes database, network tests off. Messages go through
temporary files; the corpora are never copied into the repo.

One Perl process checks all test messages through the ``Mail::SpamAssassin`` API
(``spamassassin -L`` would start Perl and compile the rules once per message). The
score is SpamAssassin's total points, which ranks messages for the AUC.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from mailfiles import write_messages

PREFS = """\
use_bayes 1
bayes_auto_learn 0
bayes_auto_expire 0
bayes_path {db}/bayes
use_txrep 0
skip_rbl_checks 1
use_razor2 0
use_pyzor 0
use_dcc 0
"""

CHECK = r"""
use strict; use warnings;
use Mail::SpamAssassin;
my ($prefs, $state) = @ARGV;
my $sa = Mail::SpamAssassin->new({
    local_tests_only => 1, dont_copy_prefs => 1, userprefs_filename => $prefs,
    userstate_dir => $state, post_config_text => "", });
$sa->init(1);
$| = 1;
while (my $path = <STDIN>) {
    chomp $path;
    open(my $fh, '<:raw', $path) or do { print "$path nan\n"; next; };
    local $/; my $text = <$fh>; close $fh;
    my $mail = $sa->parse($text);
    my $status = $sa->check($mail);
    printf "%s %.3f\n", $path, $status->get_score();
    $status->finish; $mail->finish;
}
"""


def available() -> bool:
    """Whether SpamAssassin (``sa-learn`` and its Perl modules) is installed."""
    return shutil.which("sa-learn") is not None and shutil.which("perl") is not None


def _learn(prefs: Path, state: Path, flag: str, folder: Path) -> None:
    subprocess.run(["sa-learn", "--prefs-file", str(prefs), "--no-sync", flag, str(folder)],
                   capture_output=True, check=True)


def train_and_score(train: Sequence[tuple[bytes, bool]], test: Sequence[bytes],
                    workers: int = 2) -> list[float]:
    """Train a fresh Bayes database on ``train`` (bytes, is_spam) and return the
    SpamAssassin score of each ``test`` message (points, higher = spam)."""
    with tempfile.TemporaryDirectory(prefix="bench-sa-") as tmp:
        root = Path(tmp)
        state = root / "state"
        (state / "db").mkdir(parents=True)
        prefs = root / "user_prefs"
        prefs.write_text(PREFS.format(db=state / "db"))
        write_messages(root / "spam", [d for d, s in train if s])
        write_messages(root / "ham", [d for d, s in train if not s])
        _learn(prefs, state, "--spam", root / "spam")
        _learn(prefs, state, "--ham", root / "ham")
        subprocess.run(["sa-learn", "--prefs-file", str(prefs), "--sync"],
                       capture_output=True, check=True)
        if not any((state / "db").glob("bayes_toks*")):
            raise RuntimeError("sa-learn wrote no Bayes database")
        names = write_messages(root / "test", test)
        script = root / "check.pl"
        script.write_text(CHECK)
        scores = _check(script, prefs, state, names, workers)
        return [scores.get(n, 0.0) for n in names]


def _check(script: Path, prefs: Path, state: Path, names: list[str], workers: int
           ) -> dict[str, float]:
    """Score files with ``workers`` Perl processes side by side: ``{path: points}``."""
    procs = []
    for k in range(workers):
        feed, out = state / f"names-{k}", state / f"scores-{k}"
        feed.write_text("\n".join(names[k::workers]) + "\n")
        with feed.open() as stdin, out.open("w") as stdout:
            procs.append((subprocess.Popen(["perl", str(script), str(prefs), str(state)],
                                           stdin=stdin, stdout=stdout,
                                           stderr=subprocess.DEVNULL), out))
    scores: dict[str, float] = {}
    for proc, out in procs:
        proc.wait()
        for line in out.read_text().splitlines():
            path, _, value = line.rpartition(" ")
            scores[path] = float(value)
    return scores
