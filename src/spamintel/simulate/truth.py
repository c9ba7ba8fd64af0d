"""The world's ground truth as tables: daily volumes and bot populations."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from spamintel.simulate.population import Population
from spamintel.simulate.world import WORLD_CATEGORIES, World

DAILY_SCHEMA = pa.schema(
    [
        ("day", pa.date32()),
        ("botnet", pa.string()),
        ("kind", pa.string()),
        ("category", pa.string()),
        ("messages", pa.float64()),
    ]
)
POPULATION_SCHEMA = pa.schema(
    [
        ("day", pa.date32()),
        ("botnet", pa.string()),
        ("bots_alive", pa.int64()),
        ("messages", pa.float64()),
        ("spam_per_bot_min", pa.float64()),
    ]
)


def daily_table(world: World) -> pa.Table:
    """True global messages/day per day, sender group (truth label) and category."""
    rows: dict[str, list] = {name: [] for name in DAILY_SCHEMA.names}
    for gi, g in enumerate(world.groups):
        for ci, cat in enumerate(WORLD_CATEGORIES):
            series = world.volumes[gi, :, ci]
            if not series.any():
                continue
            for d, value in enumerate(series):
                rows["day"].append(world.days[d])
                rows["botnet"].append(g.label)
                rows["kind"].append(g.kind)
                rows["category"].append(None if cat == "ham" else cat)
                rows["messages"].append(float(value))
    return pa.table(rows, schema=DAILY_SCHEMA)


def population_table(world: World, pops: dict[str, Population]) -> pa.Table:
    """Expected bots alive at noon UTC each day, per botnet and non-botnet source, with
    the group's true messages that day and the implied mean spam per bot per minute."""
    rows: dict[str, list] = {name: [] for name in POPULATION_SCHEMA.names}
    for gi, g in enumerate(world.groups):
        if g.kind == "legit":
            continue
        alive = pops[g.name].expected_alive(np.arange(len(world.days)) + 0.5)
        volume = world.volumes[gi].sum(axis=1)
        for d, n in enumerate(alive):
            rows["day"].append(world.days[d])
            rows["botnet"].append(g.label)
            rows["bots_alive"].append(int(n))
            rows["messages"].append(float(volume[d]))
            rows["spam_per_bot_min"].append(float(volume[d] / n / 1440) if n >= 1 else 0.0)
    return pa.table(rows, schema=POPULATION_SCHEMA)


COUNTRY_SCHEMA = pa.schema([("day", pa.date32()), ("botnet", pa.string()),
                            ("country", pa.string()), ("messages", pa.float64())])


def country_table(world: World) -> pa.Table:
    """Expected spam messages/day by sender country (XH: hosting, XW: webmail networks,
    whose country the simulator does not model), per day and sender group."""
    rows: dict[str, list] = {name: [] for name in COUNTRY_SCHEMA.names}
    for gi, g in enumerate(world.groups):
        if g.kind == "legit":
            continue
        volume = world.volumes[gi].sum(axis=1)
        total = sum(g.countries.values())
        for cc, weight in g.countries.items():
            for d, value in enumerate(volume):
                rows["day"].append(world.days[d])
                rows["botnet"].append(g.label)
                rows["country"].append(cc)
                rows["messages"].append(float(value * weight / total))
    return pa.table(rows, schema=COUNTRY_SCHEMA)
