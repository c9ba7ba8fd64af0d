"""Export stage: blocklist and threat-intelligence feeds (rbldnsd, RPZ, CERT-style CSV,
STIX 2.1, MISP) from a window of the analysed store."""

from spamintel.export._never import load_allow_list
from spamintel.export.csvfeed import to_csv
from spamintel.export.indicators import (
    Indicator,
    Indicators,
    NotAnalysedError,
    Selection,
    Window,
    export_window,
    select,
)
from spamintel.export.misp import to_misp
from spamintel.export.rbldnsd import to_rbldnsd, to_rbldnsd6
from spamintel.export.rpz import to_rpz
from spamintel.export.run import FORMATS, ExportResult, check_formats, check_zone, export
from spamintel.export.stix import to_stix

__all__ = [
    "FORMATS",
    "ExportResult",
    "Indicator",
    "Indicators",
    "NotAnalysedError",
    "Selection",
    "Window",
    "check_formats",
    "check_zone",
    "export",
    "export_window",
    "load_allow_list",
    "select",
    "to_csv",
    "to_misp",
    "to_rbldnsd",
    "to_rbldnsd6",
    "to_rpz",
    "to_stix",
]
