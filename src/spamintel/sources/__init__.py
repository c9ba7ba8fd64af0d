"""Sources: where raw messages come from (files and archives, the SMTP trap, feeds)."""

from spamintel.sources.files import iter_sources
from spamintel.sources.labels import load_labels

__all__ = ["iter_sources", "load_labels"]
