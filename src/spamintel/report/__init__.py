"""Report stage: a month's intelligence report as HTML, PDF, Markdown and JSON."""

from spamintel.report.figures import collect
from spamintel.report.render import FORMATS, write_report

__all__ = ["FORMATS", "collect", "write_report"]
