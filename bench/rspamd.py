"""Rspamd driver for the accuracy benchmark: Rspamd's Bayes classifier alone, trained
offline on the same messages as spamintel, with no network at all.

Each call starts a private ``redis-server`` (the Bayes backend, on a unix socket in a
temporary directory, nothing saved to disk) and a private ``rspamd`` whose whole
configuration is written to that directory: the stock metrics, actions and groups, the
stock Bayes classifier (OSB tokenizer; its learn cache skips a message already learned,
as SpamAssassin's does) pointed at that redis, with
``min_learns = 1``, no learn condition and no autolearn, and no rules or plugins at all
(no RBL/DNS/URIBL/fuzzy/DKIM/SPF, the DNS resolver pointed at a closed local port). The
workers listen on unix sockets, so nothing is bound to a TCP port. Training is
``rspamc learn_spam`` / ``learn_ham`` on folders of files, scoring ``rspamc symbols``
on a folder, both with parallel requests (``-n``); everything is stopped and removed in
all cases.

The score is Rspamd's Bayes spam probability ``p`` (0..1, higher = spam), rebuilt from
the ``BAYES_SPAM`` / ``BAYES_HAM`` symbol: Rspamd reports the confidence ``c = |2p - 1|``
both as a percentage with two decimals (the symbol option) and as the symbol weight
times ``c**8``; the finer of the two is used, and ``p = (1 + c) / 2`` for ``BAYES_SPAM``,
``(1 - c) / 2`` for ``BAYES_HAM``. A message with neither symbol (fewer than
``min_tokens`` tokens, or ``p`` too close to 0.5 for Rspamd to report) scores 0.5.

Rspamd compiles its URL/TLD matcher with Hyperscan at start-up (about 20 s on two
cores); the compiled patterns are cached in ``.cache/rspamd-hs`` of the repository so
that only the first run pays for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from mailfiles import write_messages

HS_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "rspamd-hs"
START_TIMEOUT = 180.0
NEUTRAL = 0.5

CONFIG = """\
.include "$CONFDIR/metrics.conf"
.include "$CONFDIR/actions.conf"
.include "$CONFDIR/groups.conf"
options {{
  url_tld = "${{SHAREDIR}}/effective_tld_names.dat";
  classify_headers = ["User-Agent", "X-Mailer", "Content-Type", "X-MimeOLE"];
  words_decay = 600;
  allow_raw_input = true;
  max_urls = 10240;
  task_timeout = 60s;
  tempdir = "{root}";
  history_file = "{root}/rspamd.history";
  stats_file = "{root}/stats.ucl";
  cache_file = "{root}/symbols.cache";
  rrd = "{root}/rspamd.rrd";
  pidfile = "{run}/rspamd.pid";
  control_socket = "{run}/control.sock mode=0600";
  hs_cache_dir = "{hs}";
  explicit_modules = [];
  dns {{ nameserver = ["127.0.0.1:1"]; timeout = 0.1s; retransmits = 1; }}
}}
logging {{ type = "file"; filename = "{root}/rspamd.log"; level = "warning"; }}
dkim {{ enabled = false; }}
regexp {{ enabled = false; }}
chartable {{ enabled = false; }}
fuzzy_check {{ enabled = false; }}
classifier "bayes" {{
  tokenizer {{ name = "osb"; }}
  cache {{ }}
  new_schema = true;
  store_tokens = false;
  signatures = false;
  min_tokens = 11;
  min_learns = 1;
  backend = "redis";
  servers = "{run}/redis.sock";
  statfile {{ symbol = "BAYES_HAM"; spam = false; }}
  statfile {{ symbol = "BAYES_SPAM"; spam = true; }}
}}
worker "normal" {{ bind_socket = "{run}/normal.sock mode=0600"; count = {workers}; mime = true; }}
worker "controller" {{ bind_socket = "{run}/controller.sock mode=0600"; count = {workers}; }}
"""


def available() -> bool:
    """Whether ``rspamd``, ``rspamc`` and ``redis-server`` are installed."""
    return all(shutil.which(b) for b in ("rspamd", "rspamc", "redis-server"))


def _stop(proc: subprocess.Popen) -> None:
    """Terminate a process started in its own session, and its children."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    with contextlib.suppress(ProcessLookupError):  # workers left behind by a dead main
        os.killpg(proc.pid, signal.SIGKILL)


def _answers(sock: Path) -> bool:
    """Whether something accepts connections on the unix socket ``sock``."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(str(sock))
        except OSError:
            return False
    return True


def _wait_ready(proc: subprocess.Popen, socks: Sequence[Path], what: str, log: Path) -> None:
    """Wait until ``proc`` accepts connections on every socket in ``socks``."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{what} exited with {proc.returncode}: {tail}")
        if all(_answers(s) for s in socks):
            return
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer within {START_TIMEOUT:.0f} s")


@contextlib.contextmanager
def _services(root: Path, workers: int) -> Iterator[Path]:
    """A private redis-server and rspamd under ``root``; yields the socket folder."""
    run = root / "run"
    run.mkdir()
    HS_CACHE.mkdir(parents=True, exist_ok=True)
    conf = root / "rspamd.conf"
    conf.write_text(CONFIG.format(run=run, root=root, hs=HS_CACHE, workers=max(1, workers)))
    procs: list[subprocess.Popen] = []
    try:
        with (root / "redis.log").open("wb") as log:
            procs.append(subprocess.Popen(
                ["redis-server", "--port", "0", "--unixsocket", str(run / "redis.sock"),
                 "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
                 "--dir", str(root)], stdout=log, stderr=log, start_new_session=True))
        _wait_ready(procs[0], [run / "redis.sock"], "redis-server", root / "redis.log")
        cmd = ["rspamd", "-f", "-c", str(conf), "--var", f"DBDIR={root}",
               "--var", f"RUNDIR={run}", "--var", f"LOGDIR={root}",
               "--var", f"LOCAL_CONFDIR={root / 'local'}"]
        if os.geteuid() == 0:
            cmd.append("-i")  # rspamd refuses to run workers as root without it
        with (root / "rspamd.out").open("wb") as log:
            procs.append(subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True))
        _wait_ready(procs[1], [run / "controller.sock", run / "normal.sock"], "rspamd",
                    root / "rspamd.out")
        yield run
    finally:
        for proc in reversed(procs):
            _stop(proc)


def _rspamc(run: Path, sock: str, command: str, folder: Path, workers: int) -> list[dict]:
    """Run ``rspamc -j`` on every file in ``folder``; one parsed reply per file."""
    out = subprocess.run(["rspamc", "-h", str(run / f"{sock}.sock"), "-j", "-t", "60",
                          "-n", str(max(2, 4 * workers)), command, str(folder)],
                         capture_output=True, text=True, check=False).stdout
    replies, pos, decoder = [], 0, json.JSONDecoder()
    while True:
        while pos < len(out) and out[pos] != "{":
            pos += 1
        if pos >= len(out):
            return replies
        try:
            obj, pos = decoder.raw_decode(out, pos)
        except json.JSONDecodeError:
            pos += 1
            continue
        if isinstance(obj, dict):
            replies.append(obj)


def _learn(run: Path, folder: Path, spam: bool, workers: int) -> int:
    """Learn every file in ``folder``; the number of messages Rspamd learned."""
    if not folder.exists():
        return 0
    replies = _rspamc(run, "controller", "learn_spam" if spam else "learn_ham", folder, workers)
    return sum(1 for r in replies if r.get("success") is True)


def bayes_probability(reply: dict) -> float:
    """Rspamd's Bayes spam probability for one ``rspamc -j symbols`` reply (0.5 if none)."""
    symbols = reply.get("symbols") or {}
    for name, sign in (("BAYES_SPAM", 1.0), ("BAYES_HAM", -1.0)):
        sym = symbols.get(name)
        if not isinstance(sym, dict):
            continue
        conf = 0.0
        for opt in sym.get("options") or []:
            try:
                conf = float(str(opt).rstrip("%")) / 100.0
            except ValueError:
                continue
        weight, score = sym.get("metric_score") or 0.0, sym.get("score") or 0.0
        if conf >= 0.5 and weight and score / weight > 0:
            conf = (score / weight) ** 0.125  # score = weight * c**8, finer near c = 1
        return NEUTRAL + sign * min(max(conf, 0.0), 1.0) / 2.0
    return NEUTRAL


def train_and_score(train: Sequence[tuple[bytes, bool]], test: Sequence[bytes],
                    workers: int = 2) -> list[float]:
    """Train a fresh Rspamd Bayes on ``train`` (bytes, is_spam) and return the Bayes
    spam probability of each ``test`` message (0..1, higher = spam)."""
    with tempfile.TemporaryDirectory(prefix="bench-rspamd-") as tmp:
        root = Path(tmp)
        write_messages(root / "spam", [d for d, s in train if s])
        write_messages(root / "ham", [d for d, s in train if not s])
        write_messages(root / "test", test)
        with _services(root, workers) as run:
            learned = (_learn(run, root / "spam", True, workers)
                       + _learn(run, root / "ham", False, workers))
            if train and not learned:
                raise RuntimeError("rspamd learned none of the training messages")
            replies = _rspamc(run, "normal", "symbols", root / "test", workers)
        scores: dict[str, float] = {}
        for reply in replies:
            name = Path(str(reply.get("filename", ""))).name
            scores[name] = bayes_probability(reply)
        missing = [i for i in range(len(test)) if str(i) not in scores]
        if missing:
            raise RuntimeError(f"rspamd returned no reply for {len(missing)} test messages")
        return [scores[str(i)] for i in range(len(test))]
