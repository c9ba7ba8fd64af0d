"""Chart of the world's true daily spam by botnet (``python -m spamintel.simulate.chart``).

Writes ``docs/img/simulator_daily_by_botnet.png`` (or the path given) from the default
scenario's truth; nothing is sampled, so the chart shows the world, not a sensor.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from spamintel.simulate.loader import load_scenario  # noqa: E402
from spamintel.simulate.world import World, build_world  # noqa: E402

DEFAULT_OUT = Path("docs/img/simulator_daily_by_botnet.png")
TOP = 8


def stacked_series(world: World) -> tuple[list[str], np.ndarray]:
    """Labels and bn/day series: the ``TOP`` largest botnets, other botnets, non-botnet."""
    spam = [(gi, g) for gi, g in enumerate(world.groups) if g.kind != "legit"]
    totals = {g.name: world.volumes[gi].sum() for gi, g in spam}
    botnets = sorted((g for _, g in spam if g.kind == "botnet"), key=lambda g: -totals[g.name])
    top = {g.name for g in botnets[:TOP]}
    labels = [g.name for g in botnets[:TOP]] + ["other botnets", "non-botnet"]
    series = np.zeros((len(labels), len(world.days)))
    for gi, g in spam:
        row = world.volumes[gi].sum(axis=1) / 1e9
        if g.name in top:
            series[labels.index(g.name)] += row
        else:
            series[-1 if g.kind == "nonbotnet" else -2] += row
    return labels, series


def draw(world: World, out: Path) -> Path:
    """Draw the stacked daily chart with the scenario's events marked."""
    labels, series = stacked_series(world)
    fig, ax = plt.subplots(figsize=(11, 5.2), dpi=110)
    ax.stackplot(np.array(world.days, dtype="datetime64[D]"), series, labels=labels,
                 linewidth=0)
    marks: dict = {}
    for ev in world.scenario.events:
        marks.setdefault(ev.at, []).append(f"{ev.type} {ev.group}")
    for at, names in sorted(marks.items()):
        ax.axvline(at, color="black", lw=0.6, ls=":")
        ax.text(
            at, ax.get_ylim()[1] * 0.97, " " + ", ".join(names), rotation=90, va="top", fontsize=7
        )
    ax.set_ylabel("spam, billion messages/day (simulated world)")
    ax.set_title(f"Simulated daily spam by botnet, scenario {world.scenario.name}")
    ax.legend(loc="upper right", fontsize=8, ncol=2)
    ax.margins(x=0)
    fig.autofmt_xdate()
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out


def main(argv: list[str] | None = None) -> None:
    """``python -m spamintel.simulate.chart [OUT.png] [SCENARIO]``."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEFAULT_OUT
    scen = load_scenario(args[1] if len(args) > 1 else "march-2011")
    print(draw(build_world(scen), out))


if __name__ == "__main__":
    main()
