"""Analyze stage: series, bot populations, world estimates, rates and change events over
the event store, written back as analysis tables."""

from spamintel.analyze.run import AnalysisSummary, analyze, compute

__all__ = ["AnalysisSummary", "analyze", "compute"]
