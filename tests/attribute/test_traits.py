"""Cluster traits: value shares per cluster, dialect features unpacked, recipients."""

from __future__ import annotations

import json

import pyarrow as pa

from spamintel.attribute.traits import cluster_traits
from spamintel.model import TRAIT_NULL


def test_traits_report_shares_in_order():
    table = pa.table({
        "cluster": [0, 0, 0, 1],
        "x_mailer": ["A", "A", None, "B"],
        "smtp_dialect": [json.dumps({"helo_form": "ip", "pipelining": True})] * 3 + [None],
        "rcpt_count": pa.array([1, 1, 3, 2], pa.int32()),
    })
    traits = cluster_traits(table)
    assert list(traits[0]["x_mailer"].items()) == [("A", 0.6667), (TRAIT_NULL, 0.3333)]
    assert traits[0]["smtp_dialect"]["helo_form"] == {"ip": 1.0}
    assert traits[0]["smtp_dialect"]["pipelining"] == {"true": 1.0}
    assert traits[1]["rcpt_count"]["median"] == 2.0
