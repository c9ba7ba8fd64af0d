"""``Extractor``: everything the models and the verdict need from a parsed message,
computed once (heuristic flags, malware reasons, feature tokens). Training and
classification share it, so a model sees the same features in both."""

from __future__ import annotations

from dataclasses import dataclass, field

from spamintel.classify.links import link_heuristics
from spamintel.classify.malware import attachment_reasons
from spamintel.classify.phishing import phishing_flags
from spamintel.classify.scanners import SHIPPED_YARA, ClamdScanner, YaraScanner
from spamintel.classify.tokens import message_tokens
from spamintel.config import ClassifyConfig
from spamintel.model import ParsedMessage

_INFORMATIONAL = ("unreadable_archive", "nested_archive", "archive_too_deep", "yara_error",
                  "clamd_error")


def _is_phish_signature(reason: str) -> bool:
    return reason.startswith("yara:") and ("credential" in reason or "phish" in reason)


@dataclass
class Features:
    """Per-message findings: model tokens, heuristic flags and malware reasons."""

    tokens: set[str]
    flags: list[str] = field(default_factory=list)
    virus: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Extractor:
    """Holds the attachment scanners; ``extract`` is the per-message work.
    ``site_headers``: see ``tokens.message_tokens`` (a model records which it needs)."""

    def __init__(self, cfg: ClassifyConfig | None = None, site_headers: bool = False) -> None:
        self.cfg = cfg or ClassifyConfig()
        self.site_headers = site_headers
        folders = ([SHIPPED_YARA] if self.cfg.builtin_yara else []) + list(self.cfg.yara_dirs)
        self.scanners: list[YaraScanner | ClamdScanner] = [YaraScanner(folders)] if folders else []
        if self.cfg.clamd_socket:
            self.scanners.append(ClamdScanner(self.cfg.clamd_socket))

    def malware(self, parsed: ParsedMessage) -> list[str]:
        """Malware reasons from every attachment (type checks, then each scanner)."""
        reasons: list[str] = []
        for att, data in zip(parsed.event.attachments, parsed.attachment_data, strict=False):
            reasons += attachment_reasons(att, data, self.cfg.max_scan_bytes,
                                          self.cfg.max_archive_members)
            for scanner in self.scanners:
                reasons += scanner.scan(data[: self.cfg.max_scan_bytes])
        return list(dict.fromkeys(reasons))

    def extract(self, parsed: ParsedMessage) -> Features:
        """Flags, malware reasons and the token set of one message."""
        ev = parsed.event
        flags = phishing_flags(parsed)
        if ev.urls:
            flags += link_heuristics(ev.urls)
        virus: list[str] = []
        notes: list[str] = []
        if ev.attachments:
            malware = self.malware(parsed)
            flags += [r for r in malware if _is_phish_signature(r)]
            virus = [r for r in malware
                     if not r.startswith(_INFORMATIONAL) and not _is_phish_signature(r)]
            notes = [r for r in malware if r.startswith(_INFORMATIONAL)]
        kinds = [f.split(":", 1)[0] for f in flags + virus] if flags or virus else None
        return Features(message_tokens(parsed, kinds, self.site_headers), flags, virus, notes)
